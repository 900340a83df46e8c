//! Structure-aware mutations of JSON bodies: a valid example goes in, a hostile variant comes
//! out. Most mutations work on the parsed tree (swap a value's type, put a huge number or a
//! strange string where an amount or a date was, nest deeply, duplicate a key, drop or add a
//! field), so the body still reaches the typed decoders; byte mutations on the text then cover
//! what a tree cannot hold (truncation, invalid UTF-8, stray structural characters).
//!
//! What a `serde_json::Value` cannot represent (numbers beyond `f64`, duplicate keys, invalid
//! escapes, very deep nesting) is written as a placeholder string and replaced by its raw text
//! after serialisation.

use serde_json::{Map, Value};

use super::rng::Rng;

/// Number texts where decoders overflow, round or refuse: beyond `u64`, `i64`, `f64` and
/// `rust_decimal`'s 96-bit mantissa and 28-digit scale, huge exponents, and non-JSON spellings.
pub const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "0.0",
    "-0.0e-0",
    "1e999",
    "-1e999",
    "1e-999",
    "1e308",
    "1.7976931348623157e309",
    "4.9e-324",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "18446744073709551616",
    "-9223372036854775808",
    "-9223372036854775809",
    "123456789012345678901234567890",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "-79228162514264337593543950336",
    "7922816251426433759354395033.5",
    "0.0000000000000000000000000001",
    "0.00000000000000000000000000001",
    "1.0000000000000000000000000000001",
    "99999999999999999999999999999.9999999999999999999",
    "1e28",
    "1e29",
    "1e-28",
    "1e-29",
    "1E+2",
    "-1.5E-10",
    "9e9223372036854775807",
    "1e-9223372036854775808",
    "1e4294967296",
    "1e-4294967297",
    "1e18446744073709551616",
    "0e99999999999999999999",
    // not JSON: the parser must refuse them, not a later stage
    "NaN",
    "Infinity",
    "-Infinity",
    "+1",
    "01",
    ".5",
    "1.",
    "1e",
    "0x10",
    "1_000",
    "--1",
];

/// Strings that stress money, dates, enums and identifiers when they arrive as JSON strings.
pub const STRINGS: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    " 1.5 ",
    "+1",
    "1,5",
    "1e400",
    "1e-400",
    "1e9223372036854775807",
    "1e-9223372036854775808",
    "1e18446744073709551616",
    "79228162514264337593543950336",
    "0.00000000000000000000000000000001",
    "-0.0000000000000000000000000000001e-28",
    "NaN",
    "inf",
    "\u{0661}\u{0662}\u{0663}",
    "true",
    "null",
    "2024-01-01",
    "2024-01-01T00:00:00Z",
    "2024-01-01 00:00:00",
    "2024-01-01T00:00",
    "9999-12-31T23:59:59.999999999Z",
    "+262143-12-31T23:59:59Z",
    "-262144-01-01",
    "+999999-01-01T00:00:00Z",
    "2024-02-30T00:00:00Z",
    "2024-01-01T24:00:00Z",
    "2024-12-31T23:59:60Z",
    "2024-01-01T00:00:00+99:99",
    "2024-01-01T00:00:00+23:59",
    "2024-01-01T00:00:00-24:00",
    "2024-01-01T00:00:00.00000000000000000000000000001Z",
    "2024-01-01T00:00:00.1234567890123456789+05:30",
    "0000-00-00",
    "0000-01-01T00:00:00Z",
    "2024-13-01",
    "99999999999-01-01",
    "1970-01-01T00:00:00",
    "UNKNOWN",
    "pending",
    "PENDING ",
    "\u{0}",
    "\u{FEFF}1",
    "\u{10FFFF}",
    "\u{202E}gnp.exe",
    "e\u{301}",
    "\u{1F980}",
];

/// Raw string literals a `String` cannot hold: lone surrogates, truncated and invalid escapes.
const RAW_STRINGS: &[&str] = &[
    r#""\ud800""#,
    r#""\udc00\ud800""#,
    r#""\ud83e""#,
    r#""\u0000""#,
    r#""\x41""#,
    r#""\u12""#,
    r#""\""#,
    r#""tab	inside""#,
];

/// Byte sequences that are not UTF-8: a stray continuation byte, bytes never valid, an overlong
/// NUL, an encoded surrogate, a code point past U+10FFFF, sequences cut short.
const INVALID_UTF8: &[&[u8]] = &[
    &[0x80],
    &[0xFF],
    &[0xFE, 0xFF],
    &[0xC0, 0x80],
    &[0xED, 0xA0, 0x80],
    &[0xF4, 0x90, 0x80, 0x80],
    &[0xE2, 0x82],
    &[0xF0, 0x9F, 0xA6],
];

/// Characters that change a JSON text's structure when they appear in the wrong place.
const STRUCTURE: &[&str] = &["{", "}", "[", "]", ",", ":", "\"", "\\", "\\u", "\\ud800", "\0", "\u{FEFF}", "/*", "//"];

/// One mutated body and the names of the mutations that made it (for reports).
#[derive(Clone, Debug)]
pub struct Mutant {
    /// The body as sent.
    pub bytes: Vec<u8>,
    /// What was done to the seed, in order.
    pub steps: Vec<&'static str>,
}

/// Placeholders and the raw text each stands for, in the order they were made.
#[derive(Default)]
struct Raw(Vec<(String, String)>);

impl Raw {
    /// A placeholder string for `text`, which replaces it (with its quotes) after serialisation.
    fn hold(&mut self, text: String) -> String {
        let marker = format!("@@pspkit-fuzz-{}@@", self.0.len());
        self.0.push((marker.clone(), text));
        marker
    }

    /// The serialised tree with every placeholder replaced. Later placeholders may contain
    /// earlier ones (a nested copy of a mutated node), so they are replaced newest first.
    fn render(&self, value: &Value) -> String {
        let mut text = value.to_string();
        for (marker, raw) in self.0.iter().rev() {
            text = text.replace(&format!("\"{marker}\""), raw);
        }
        text
    }
}

/// Mutates `seed` one to four times, structure first, then (sometimes) bytes. `donors` are other
/// bodies of the same provider, whose parts may be spliced in.
pub fn mutate(seed: &Value, donors: &[Value], rng: &mut Rng) -> Mutant {
    let mut value = seed.clone();
    let mut raw = Raw::default();
    let mut steps = Vec::new();
    for _ in 0..1 + rng.below(3) {
        steps.push(mutate_tree(&mut value, donors, &mut raw, rng));
    }
    let mut bytes = raw.render(&value).into_bytes();
    if rng.one_in(3) {
        for _ in 0..1 + rng.below(2) {
            steps.push(mutate_bytes(&mut bytes, rng));
        }
    }
    Mutant { bytes, steps }
}

/// One structure-aware mutation at a random node.
fn mutate_tree(value: &mut Value, donors: &[Value], raw: &mut Raw, rng: &mut Rng) -> &'static str {
    let donor = match rng.below(3) {
        0 if !donors.is_empty() => rng.pick(donors),
        _ => &*value,
    };
    let graft = nth(donor, rng.below(count(donor))).cloned().unwrap_or(Value::Null);
    let n = rng.below(count(value));
    let Some(node) = nth_mut(value, n) else { return "none" };
    match rng.below(12) {
        0 => {
            *node = swap_type(node, rng);
            "type swap"
        }
        1 | 2 => {
            *node = Value::String(raw.hold(rng.pick(NUMBERS).to_string()));
            "odd number"
        }
        3 | 4 => {
            *node = odd_string(rng);
            "odd string"
        }
        5 => {
            *node = Value::String(raw.hold(rng.pick(RAW_STRINGS).to_string()));
            "invalid escape"
        }
        6 => {
            let depth = *rng.pick(&[2, 64, 126, 127, 128, 129, 1_000, 5_000]);
            let inner = node.to_string();
            let (open, close) = if rng.one_in(2) { ("[", "]") } else { ("{\"a\":", "}") };
            *node = Value::String(raw.hold(format!("{}{inner}{}", open.repeat(depth), close.repeat(depth))));
            "deep nesting"
        }
        7 => {
            *node = graft;
            "splice"
        }
        8 => {
            *node = Value::Null;
            "null"
        }
        9 => match node {
            Value::Array(items) => {
                resize(items, rng);
                "array resize"
            }
            _ => {
                *node = Value::Array(vec![node.take()]);
                "wrap in array"
            }
        },
        _ => match node {
            Value::Object(map) => mutate_object(map, graft, raw, rng),
            _ => {
                *node = swap_type(node, rng);
                "type swap"
            }
        },
    }
}

/// Key-level mutations: drop, add, rename, duplicate.
fn mutate_object(map: &mut Map<String, Value>, graft: Value, raw: &mut Raw, rng: &mut Rng) -> &'static str {
    let keys: Vec<String> = map.keys().cloned().collect();
    if keys.is_empty() || rng.one_in(5) {
        map.insert(rng.pick(&["extra", "", "\u{0}", "amount", "id", "status", "__proto__"]).to_string(), graft);
        return "add field";
    }
    let key = rng.pick(&keys).clone();
    match rng.below(4) {
        0 => {
            map.remove(&key);
            "drop field"
        }
        1 => {
            let value = map.remove(&key).unwrap_or(Value::Null);
            let renamed = match rng.below(3) {
                0 => key.to_uppercase(),
                1 => format!("{key} "),
                _ => key.chars().rev().collect(),
            };
            map.insert(renamed, value);
            "rename field"
        }
        _ => {
            // A second entry under the same name: the placeholder key is replaced by `key`.
            let marker = raw.hold(Value::String(key).to_string());
            map.insert(marker, graft);
            "duplicate key"
        }
    }
}

/// The node as another JSON type (its text, a number, a boolean, an empty container, ...).
fn swap_type(node: &Value, rng: &mut Rng) -> Value {
    match rng.below(7) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => Value::from(rng.next_u64() as i64),
        3 => Value::Array(Vec::new()),
        4 => Value::Object(Map::new()),
        5 => match node {
            Value::String(s) => s.parse::<f64>().ok().map(Value::from).unwrap_or(Value::from(0.5)),
            other => Value::String(other.to_string()),
        },
        _ => Value::from(f64::from_bits(rng.next_u64() >> 2)),
    }
}

fn odd_string(rng: &mut Rng) -> Value {
    match rng.below(10) {
        0 => Value::String("a".repeat(*rng.pick(&[256, 4_096, 65_536]))),
        1 => Value::String("9".repeat(*rng.pick(&[29, 40, 400, 4_096]))),
        2 => Value::String(format!("0.{}1", "0".repeat(*rng.pick(&[27, 28, 29, 400])))),
        _ => Value::String(rng.pick(STRINGS).to_string()),
    }
}

/// Empties an array, repeats its first element (up to 300 more), or drops one.
fn resize(items: &mut Vec<Value>, rng: &mut Rng) {
    match rng.below(3) {
        0 => items.clear(),
        1 if !items.is_empty() => {
            let copies = *rng.pick(&[2, 10, 300]);
            let first = items[0].clone();
            items.extend(std::iter::repeat_n(first, copies));
        }
        _ if !items.is_empty() => {
            items.remove(rng.below(items.len()));
        }
        _ => items.push(Value::Null),
    }
}

/// One byte-level mutation of the text.
pub fn mutate_bytes(bytes: &mut Vec<u8>, rng: &mut Rng) -> &'static str {
    let at = rng.below(bytes.len() + 1);
    match rng.below(9) {
        0 | 1 => {
            bytes.truncate(at);
            "truncate"
        }
        2 => {
            // inside a string literal when there is one: where a decoder reads text
            let at = quote_after(bytes, at).unwrap_or(at);
            let invalid: &&[u8] = rng.pick(INVALID_UTF8);
            splice(bytes, at, invalid);
            "invalid utf-8"
        }
        3 => {
            splice(bytes, at, rng.pick(STRUCTURE).as_bytes());
            "structural byte"
        }
        4 if !bytes.is_empty() => {
            let at = at.min(bytes.len() - 1);
            bytes[at] = rng.next_u64() as u8;
            "byte flip"
        }
        5 => {
            let end = (at + 1 + rng.below(16)).min(bytes.len());
            bytes.drain(at.min(end)..end);
            "delete bytes"
        }
        6 => {
            let end = (at + 1 + rng.below(64)).min(bytes.len());
            let chunk = bytes[at.min(end)..end].to_vec();
            splice(bytes, end, &chunk);
            "repeat bytes"
        }
        7 => {
            let edge = *rng.pick(&["\u{FEFF}", " \n\t", "\0", "x", "{}", "]", "\r\n\r\n"]);
            if rng.one_in(2) {
                splice(bytes, 0, edge.as_bytes());
            } else {
                bytes.extend_from_slice(edge.as_bytes());
            }
            "edge bytes"
        }
        _ => {
            *bytes = rng
                .pick(&["", " ", "null", "0", "\"\"", "[]", "{}", "true", "{\"", "<html>502</html>"])
                .as_bytes()
                .to_vec();
            "replace body"
        }
    }
}

/// The position just after the first `"` at or after `at`.
fn quote_after(bytes: &[u8], at: usize) -> Option<usize> {
    bytes.get(at..)?.iter().position(|&b| b == b'"').map(|i| at + i + 1)
}

fn splice(bytes: &mut Vec<u8>, at: usize, insert: &[u8]) {
    let at = at.min(bytes.len());
    bytes.splice(at..at, insert.iter().copied());
}

/// Nodes in the tree (the root included).
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// The `n`th node in pre-order.
fn nth(value: &Value, n: usize) -> Option<&Value> {
    fn go<'a>(value: &'a Value, n: &mut usize) -> Option<&'a Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        match value {
            Value::Array(items) => items.iter().find_map(|v| go(v, n)),
            Value::Object(map) => map.values().find_map(|v| go(v, n)),
            _ => None,
        }
    }
    go(value, &mut { n })
}

/// The `n`th node in pre-order, to change in place.
fn nth_mut(value: &mut Value, n: usize) -> Option<&mut Value> {
    fn go<'a>(value: &'a mut Value, n: &mut usize) -> Option<&'a mut Value> {
        if *n == 0 {
            return Some(value);
        }
        *n -= 1;
        match value {
            Value::Array(items) => items.iter_mut().find_map(|v| go(v, n)),
            Value::Object(map) => map.values_mut().find_map(|v| go(v, n)),
            _ => None,
        }
    }
    go(value, &mut { n })
}
