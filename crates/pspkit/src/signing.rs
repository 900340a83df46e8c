//! The providers' signature algorithms, as pure functions over bytes, so they can be checked
//! against independent implementations and published test vectors.

use std::collections::BTreeMap;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use indexmap::IndexMap;
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
    let fields: BTreeMap<String, Box<RawValue>> =
        serde_json::from_slice(body).map_err(|e| format!("FirstPay bodies are JSON objects: {e}"))?;
    let mut keys: Vec<&String> = fields.keys().filter(|k| k.as_str() != "hash").collect();
    keys.sort_by(|a, b| a.encode_utf16().cmp(b.encode_utf16()));
    let mut pairs = Vec::with_capacity(keys.len());
    for key in keys {
        pairs.push(format!("{key}={}", js_render(fields[key].get())?));
    }
    Ok(pairs.join("|"))
}

/// `${value}` in JavaScript for a JSON value given as text.
fn js_render(raw: &str) -> Result<String, String> {
    let raw = raw.trim();
    Ok(match raw.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(raw).map_err(|e| e.to_string())?,
        Some(b'[') => {
            let items: Vec<Box<RawValue>> = serde_json::from_str(raw).map_err(|e| e.to_string())?;
            let rendered: Result<Vec<String>, String> = items
                .iter()
                .map(|i| if i.get().trim() == "null" { Ok(String::new()) } else { js_render(i.get()) })
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
        let der = PrivateKeyDer::from_pem_slice(pem.as_bytes())
            .map_err(|e| Error::Config(format!("the RSA private key is not a PEM private key ({e:?})")))?;
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
            .map_err(|e| Error::Config(format!("the RSA public key is not a PUBLIC KEY PEM ({e:?})")))?;
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
pub fn js_compact(raw: &[u8]) -> Option<Vec<u8>> {
    let value: Ordered = serde_json::from_slice(raw).ok()?;
    let mut out = String::with_capacity(raw.len());
    value.write(&mut out);
    Some(out.into_bytes())
}

/// A JSON value that keeps object keys in document order.
enum Ordered {
    Null,
    Bool(bool),
    Number(String),
    String(String),
    Array(Vec<Ordered>),
    Object(IndexMap<String, Ordered>),
}

impl Ordered {
    fn write(&self, out: &mut String) {
        match self {
            Ordered::Null => out.push_str("null"),
            Ordered::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Ordered::Number(n) => out.push_str(n),
            Ordered::String(s) => js_string(s, out),
            Ordered::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Ordered::Object(fields) => {
                out.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    js_string(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

fn js_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

impl<'de> serde::Deserialize<'de> for Ordered {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Null)
            }
            fn visit_bool<E>(self, v: bool) -> Result<Ordered, E> {
                Ok(Ordered::Bool(v))
            }
            fn visit_i64<E>(self, v: i64) -> Result<Ordered, E> {
                Ok(Ordered::Number(v.to_string()))
            }
            fn visit_u64<E>(self, v: u64) -> Result<Ordered, E> {
                Ok(Ordered::Number(v.to_string()))
            }
            fn visit_f64<E>(self, v: f64) -> Result<Ordered, E> {
                // JavaScript numbers are f64 too; integral values print without a fraction
                Ok(Ordered::Number(if v.fract() == 0.0 && v.abs() < 1e21 { format!("{v:.0}") } else { v.to_string() }))
            }
            fn visit_str<E>(self, v: &str) -> Result<Ordered, E> {
                Ok(Ordered::String(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Ordered, E> {
                Ok(Ordered::String(v))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                // A hashed index, not a scan per key: a forged body with many keys must cost
                // linear time. A repeated key keeps its first place and its last value, as
                // JSON.parse does (IndexMap::insert does exactly that).
                let mut fields = IndexMap::with_capacity(map.size_hint().unwrap_or(0).min(4096));
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    fields.insert(k, v);
                }
                Ok(Ordered::Object(fields))
            }
        }
        deserializer.deserialize_any(V)
    }
}
