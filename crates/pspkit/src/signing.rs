//! The providers' signature algorithms, as pure functions over bytes, so they can be checked
//! against independent implementations and published test vectors.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use ring::{hmac, rand, signature};
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{PrivateKeyDer, SubjectPublicKeyInfoDer};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::money::parse_decimal_text;

/// Lowercase hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Decodes lowercase or uppercase hex; `None` if it is not hex.
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// Hex HMAC-SHA256 of `message` keyed with `key` (OnChainPay requests and webhooks, OnePay
/// webhooks).
pub fn hmac_sha256_hex(key: &[u8], message: &[u8]) -> String {
    hex(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message).as_ref())
}

/// Hex HMAC-SHA512 (FireKassa's `Signature` header).
pub fn hmac_sha512_hex(key: &[u8], message: &[u8]) -> String {
    hex(hmac::sign(&hmac::Key::new(hmac::HMAC_SHA512, key), message).as_ref())
}

/// Checks a hex HMAC-SHA256 in constant time (an optional `sha256=` prefix is accepted).
pub fn verify_hmac_sha256_hex(key: &[u8], message: &[u8], signature_hex: &str) -> bool {
    let signature_hex = signature_hex.trim();
    let signature_hex = signature_hex.strip_prefix("sha256=").unwrap_or(signature_hex);
    match unhex(signature_hex) {
        Some(tag) => hmac::verify(&hmac::Key::new(hmac::HMAC_SHA256, key), message, &tag).is_ok(),
        None => false,
    }
}

/// Compares two byte strings in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// FireKassa: the signed message is the path as sent (from `/api/v2/...`), then `?` and the
/// query string when there is one, then the raw body bytes, with no separator.
pub fn firekassa_message(path: &str, query: Option<&str>, body: &[u8]) -> Vec<u8> {
    let mut message = path.as_bytes().to_vec();
    if let Some(q) = query.filter(|q| !q.is_empty()) {
        message.push(b'?');
        message.extend_from_slice(q.as_bytes());
    }
    message.extend_from_slice(body);
    message
}

/// FirstPay's string to sign, deprecated (and only published) rule: the top-level keys sorted by
/// UTF-16 code units, `key=value` joined by `|`, values rendered as JavaScript's template
/// literals would render the parsed JSON (`100.50` -> `100.5`, arrays joined by `,`, objects
/// as `[object Object]`). The body must already hold `publicKey` and not `hash`.
///
/// This is the one function to replace when FirstPay's current rule becomes known.
pub fn firstpay_string_to_sign(body: &[u8]) -> Result<String, String> {
    firstpay_string_to_sign_fields(&firstpay_fields(body)?)
}

/// A FirstPay body's top-level fields, values as their raw JSON text (for a repeated key, the
/// last value, as `JSON.parse` keeps).
pub fn firstpay_fields(body: &[u8]) -> Result<BTreeMap<String, Box<RawValue>>, String> {
    serde_json::from_slice(body).map_err(|e| format!("FirstPay bodies are JSON objects: {e}"))
}

/// [`firstpay_string_to_sign`] of fields already read with [`firstpay_fields`], for a caller
/// that needs them too (postback verification).
pub fn firstpay_string_to_sign_fields(fields: &BTreeMap<String, Box<RawValue>>) -> Result<String, String> {
    let mut keys: Vec<&String> = fields.keys().filter(|k| k.as_str() != "hash").collect();
    keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    let mut pairs = Vec::with_capacity(keys.len());
    for key in keys {
        pairs.push(format!("{key}={}", js_render(fields[key].get())?));
    }
    Ok(pairs.join("|"))
}

/// Deepest array nesting a FirstPay body may have. JavaScript flattens nested arrays when it
/// renders them, and each level here re-reads its items; a forged body of 400,000 nested arrays
/// would otherwise overflow the stack (and cost time quadratic in the depth). Genuine bodies nest
/// one level (`payments`, `clientFieldsValues`).
const MAX_ARRAY_DEPTH: usize = 8;

/// `${value}` in JavaScript for a JSON value given as text.
fn js_render(raw: &str) -> Result<String, String> {
    js_render_at(raw, 0)
}

fn js_render_at(raw: &str, depth: usize) -> Result<String, String> {
    let raw = raw.trim();
    Ok(match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).map_err(|e| e.to_string())?,
        Some(b'[') if depth >= MAX_ARRAY_DEPTH => {
            return Err(format!("arrays are nested deeper than {MAX_ARRAY_DEPTH} levels"));
        }
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(raw).map_err(|e| e.to_string())?;
            let rendered: Result<Vec<String>, String> = items
                .iter()
                .map(|i| if i.get().trim() == "null" { Ok(String::new()) } else { js_render_at(i.get(), depth + 1) })
                .collect();
            rendered?.join(",")
        }
        Some(b'{') => "[object Object]".to_owned(),
        Some(b't' | b'f' | b'n') => raw.to_owned(),
        _ => js_number(raw)?,
    })
}

/// JavaScript's Number-to-string for amounts: the exact decimal, normalised (`100.50` -> `100.5`,
/// `100.0` -> `100`). Matches JavaScript for the 1e-6..1e21 range amounts live in.
fn js_number(raw: &str) -> Result<String, String> {
    let d = parse_decimal_text(raw)?;
    Ok(d.normalize().to_string())
}

/// A merchant's RSA private key for FirstPay (PKCS#8 `PRIVATE KEY` or PKCS#1 `RSA PRIVATE KEY`).
pub struct RsaSigningKey(signature::RsaKeyPair);

impl std::fmt::Debug for RsaSigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RsaSigningKey({} bits, [redacted])", self.0.public().modulus_len() * 8)
    }
}

impl RsaSigningKey {
    /// Reads a PEM private key.
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|e| {
            Error::Config(format!("the RSA private key is not a PEM private key ({})", pem_problem(&e)))
        })?;
        let pair = match &der {
            PrivateKeyDer::Pkcs8(k) => signature::RsaKeyPair::from_pkcs8(k.secret_pkcs8_der()),
            PrivateKeyDer::Pkcs1(k) => signature::RsaKeyPair::from_der(k.secret_pkcs1_der()),
            _ => return Err(Error::Config("the private key is not an RSA key".into())),
        };
        pair.map(Self).map_err(|e| Error::Config(format!("the RSA private key is not usable: {e}")))
    }

    /// Base64 of the RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub fn sign_base64(&self, message: &[u8]) -> String {
        let mut sig = vec![0; self.0.public().modulus_len()];
        self.0
            .sign(&signature::RSA_PKCS1_SHA256, &rand::SystemRandom::new(), message, &mut sig)
            .expect("RSA signing with a valid key and a correctly sized buffer cannot fail");
        BASE64.encode(sig)
    }
}

/// An RSA public key (SPKI `PUBLIC KEY` PEM), e.g. FirstPay's, for verifying its postbacks.
#[derive(Clone)]
pub struct RsaVerifyingKey(Vec<u8>);

impl std::fmt::Debug for RsaVerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RsaVerifyingKey")
    }
}

impl RsaVerifyingKey {
    /// Reads a `PUBLIC KEY` PEM (SubjectPublicKeyInfo).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let spki = SubjectPublicKeyInfoDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| Error::Config(format!("the RSA public key is not a PUBLIC KEY PEM ({})", pem_problem(&e))))?;
        spki_rsa_public_key(spki.as_ref())
            .map(Self)
            .ok_or_else(|| Error::Config("the public key is not an RSA SubjectPublicKeyInfo".into()))
    }

    /// Checks a base64 RSASSA-PKCS1-v1_5 SHA-256 signature of `message`.
    pub fn verify_base64(&self, message: &[u8], signature_base64: &str) -> bool {
        let Ok(sig) = BASE64.decode(signature_base64.trim()) else { return false };
        signature::UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, &self.0).verify(message, &sig).is_ok()
    }
}

/// The RSAPublicKey inside a SubjectPublicKeyInfo: SEQUENCE { SEQUENCE { OID, NULL }, BIT
/// STRING { 0x00, RSAPublicKey } }.
fn spki_rsa_public_key(der: &[u8]) -> Option<Vec<u8>> {
    const RSA_OID: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
    let (tag, outer, _) = der_item(der)?;
    if tag != 0x30 {
        return None;
    }
    let (tag, algorithm, rest) = der_item(outer)?;
    let (oid_tag, oid, _) = der_item(algorithm)?;
    if tag != 0x30 || oid_tag != 0x06 || oid != RSA_OID {
        return None;
    }
    let (tag, bits, _) = der_item(rest)?;
    if tag != 0x03 || bits.first() != Some(&0) {
        return None;
    }
    Some(bits[1..].to_vec())
}

/// One DER item: (tag, contents, what follows).
fn der_item(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let n = (first & 0x7f) as usize;
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        (rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | *b as usize), &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// Random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    let mut out = [0u8; N];
    rand::SecureRandom::fill(&rand::SystemRandom::new(), &mut out).expect("the OS random source works");
    out
}

/// `JSON.stringify(JSON.parse(raw))` as JavaScript computes it: keys in their original order, no
/// whitespace, strings with only `"`, `\` and control characters escaped (so `\/` and `\u00ed`
/// come out as `/` and `í`), numbers in their shortest form. OnePay's own webhook sample signs this
/// form of the body, which differs from the raw bytes when its PHP backend escaped them.
///
/// `None` when the body is not JSON, nests deeper than serde_json's limit, or repeats a key within
/// an object. The last is deliberate: a repeated key is where two parsers disagree about a value,
/// a genuine webhook never has one, and refusing it lets the form be written while the body is
/// parsed, in one linear pass with no tree, whatever a forged body holds.
pub fn js_compact(raw: &[u8]) -> Option<Vec<u8>> {
    use serde::de::DeserializeSeed as _;
    let mut out = String::with_capacity(raw.len());
    let mut de = serde_json::Deserializer::from_slice(raw);
    Compact(&mut out).deserialize(&mut de).ok()?;
    de.end().ok()?;
    Some(out.into_bytes())
}

/// A JavaScript number as `JSON.stringify` writes it.
fn push_js_number(out: &mut String, v: f64) {
    use std::fmt::Write as _;
    // JavaScript numbers are f64 too, written in their shortest form: integral values without
    // a fraction, and in exponent form from 1e21 up and below 1e-6 (`1e+300`, `1.5e-7`), where
    // Rust's `Display` would write every digit (301 of them for `1e300`: a forged body of
    // such numbers made a form fifty times its size)
    let magnitude = v.abs();
    let _ = if magnitude >= 1e21 || (magnitude < 1e-6 && v != 0.0) {
        let text = format!("{v:e}");
        match text.split_once('e') {
            Some((mantissa, exponent)) if !exponent.starts_with('-') => write!(out, "{mantissa}e+{exponent}"),
            _ => write!(out, "{text}"),
        }
    } else if v == 0.0 {
        // `-0` too: JavaScript writes it as `0`
        write!(out, "0")
    } else if v.fract() == 0.0 {
        write!(out, "{v:.0}")
    } else {
        write!(out, "{v}")
    };
}

/// Writes the compact form of one JSON value as it is parsed.
struct Compact<'a>(&'a mut String);

impl<'de> serde::de::DeserializeSeed<'de> for Compact<'_> {
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Compact<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E>(self, v: i64) -> Result<(), E> {
        if v < 0 {
            self.0.push('-');
        }
        push_digits(self.0, v.unsigned_abs());
        Ok(())
    }
    fn visit_u64<E>(self, v: u64) -> Result<(), E> {
        push_digits(self.0, v);
        Ok(())
    }
    fn visit_f64<E>(self, v: f64) -> Result<(), E> {
        push_js_number(self.0, v);
        Ok(())
    }
    fn visit_str<E>(self, v: &str) -> Result<(), E> {
        js_string(v, self.0);
        Ok(())
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(Compact(self.0))?.is_none() {
                self.0.truncate(mark); // the comma written for an element that did not come
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        use serde::de::Error as _;
        // the keys' hashes, checked for a repeat once the object is read (see `js_compact`):
        // sorting costs n log n whatever the keys are, so no choice of keys can make it slower
        let mut hashes = Vec::new();
        let start = self.0.len();
        self.0.push('{');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(',');
            }
            let Some(hash) = map.next_key_seed(Key(self.0))? else {
                self.0.truncate(mark);
                break;
            };
            if first
                && self.0[mark..].strip_prefix('"').and_then(|k| k.strip_suffix('"')) == Some(crate::money::NUMBER_TEXT)
            {
                // not an object: a number's text, as serde_json hands it over when the build has
                // its `arbitrary_precision` on (see `money::NUMBER_TEXT`); JavaScript reads it
                // as an f64 like any other number
                self.0.truncate(start);
                let text = map.next_value::<std::borrow::Cow<'de, str>>()?;
                return match text.parse::<f64>() {
                    Ok(v) if v.is_finite() => {
                        push_js_number(self.0, v);
                        Ok(())
                    }
                    _ => Err(A::Error::custom("a number out of range")),
                };
            }
            hashes.push(hash);
            self.0.push(':');
            map.next_value_seed(Compact(self.0))?;
            first = false;
        }
        hashes.sort_unstable();
        if hashes.windows(2).any(|pair| pair[0] == pair[1]) {
            // a 64-bit hash collision would only mean the compact form is not tried
            return Err(A::Error::custom("a repeated key"));
        }
        self.0.push('}');
        Ok(())
    }
}

/// Writes an object key and returns its hash (FNV-1a), for the repeated-key check.
struct Key<'a>(&'a mut String);

impl<'de> serde::de::DeserializeSeed<'de> for Key<'_> {
    type Value = u64;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<u64, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl serde::de::Visitor<'_> for Key<'_> {
    type Value = u64;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an object key")
    }
    fn visit_str<E>(self, v: &str) -> Result<u64, E> {
        js_string(v, self.0);
        Ok(v.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)))
    }
}

/// Decimal digits of `n`, without the formatting machinery (a forged body can hold a million
/// numbers).
fn push_digits(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    // ASCII digits are UTF-8
    out.push_str(std::str::from_utf8(&digits[start..]).unwrap_or_default());
}

fn js_string(s: &str, out: &mut String) {
    out.push('"');
    // runs of characters that need no escape are copied at once
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '\u{8}' => "\\b",
            '\u{c}' => "\\f",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        out.push_str(&s[start..i]);
        if escaped.is_empty() {
            use std::fmt::Write as _;
            let _ = write!(out, "\\u{:04x}", c as u32);
        } else {
            out.push_str(escaped);
        }
        start = i + c.len_utf8();
    }
    out.push_str(&s[start..]);
    out.push('"');
}

/// What is wrong with a PEM text, in words that quote none of it: the PEM reader's own errors
/// carry the offending line, which for a private key pasted on one line (newlines lost in an
/// environment variable) is the whole key.
fn pem_problem(error: &rustls::pki_types::pem::Error) -> &'static str {
    use rustls::pki_types::pem::Error as Pem;
    match error {
        Pem::MissingSectionEnd { .. } => "its END line is missing; were its line breaks lost?",
        Pem::IllegalSectionStart { .. } => "a BEGIN line is malformed; were its line breaks lost?",
        Pem::Base64Decode(_) => "its body is not base64",
        Pem::NoItemsFound => "no key of that kind is in it",
        Pem::SectionTooLarge => "a section is over 256 MB",
        _ => "it cannot be read",
    }
}
