//! Secrets that never print.

use std::fmt;
use std::sync::Arc;

/// An API key, token or private key. `Debug` and `Display` print `[redacted]`; the value is only
/// reachable through [`SecretString::expose`], which the signing code calls and nothing else
/// should.
#[derive(Clone, PartialEq, Eq)]
pub struct SecretString(Arc<str>);

impl SecretString {
    /// Wraps a secret.
    pub fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    /// The secret itself, for signing and authentication headers.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (a misconfiguration, reported before any request).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for SecretString {
    fn from(value: String) -> Self {
        Self::new(value)
    }
}

impl From<&str> for SecretString {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

impl From<&String> for SecretString {
    fn from(value: &String) -> Self {
        Self::new(value.as_str())
    }
}

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretString([redacted])")
    }
}

impl fmt::Display for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// A field of a request or response that may hold a secret or card data: a card number, its
/// expiry date or security code, a password, a token or key a provider hands out, or a field the
/// spec marks `x-sensitive` (FireKassa's `account`, which holds the card number a payout went
/// to). It is sent and decoded as the plain JSON string it is, but `Debug` prints
/// `Sensitive([redacted])`, so logging a request or a response with `{:?}` does not log it, and
/// it has no `Display`: [`Sensitive::expose`] reads it where it is needed.
#[derive(Clone, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Sensitive(String);

impl Sensitive {
    /// Wraps a value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The value itself, owned.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl From<String> for Sensitive {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Sensitive {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<&String> for Sensitive {
    fn from(value: &String) -> Self {
        Self(value.clone())
    }
}

impl fmt::Debug for Sensitive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive([redacted])")
    }
}

/// Whether a field of this name may hold a secret or card data, by the one rule every masked
/// output follows (a model's `repr`, the body an error message would quote): credentials
/// (`secret`, `password`, `token`, `private`, `api_key`, `Authorization`, `Cookie`), signatures, one-time codes, card
/// numbers, expiry dates and security codes, a PIN, and OnePay's webhook `header` (it carries
/// the `x-webhook-token` value). Case, `_` and `-` are ignored: `apiKey`, `api_key` and
/// `API-KEY` are one name.
pub fn is_secret_field(name: &str) -> bool {
    const PARTS: [&str; 14] = [
        "secret",
        "password",
        "passwd",
        "token",
        "private",
        "apikey",
        "cvv",
        "cvc",
        "signature",
        "otp",
        "cardnumber",
        "cardexpire",
        "authorization",
        "cookie",
    ];
    let plain: String = name.chars().filter(|c| !matches!(c, '_' | '-')).map(|c| c.to_ascii_lowercase()).collect();
    // a PIN is a word of its own (`pin`, `card_pin`, `cardPin`), not part of `shipping`
    let mut words = String::with_capacity(name.len() + 4);
    let mut previous_lower = false;
    for c in name.chars() {
        if c.is_ascii_uppercase() && previous_lower {
            words.push('_');
        }
        previous_lower = c.is_ascii_lowercase();
        words.push(c.to_ascii_lowercase());
    }
    let pin = words.split(['_', '-']).any(|word| word == "pin");
    PARTS.iter().any(|part| plain.contains(part)) || plain == "header" || pin
}

/// Whether a field of this name may hold a secret or card data for a provider whose spec marks
/// `sensitive` fields `x-sensitive`: by the name rule ([`is_secret_field`]) or by the mark.
pub(crate) fn is_sensitive_field(name: &str, sensitive: &[&str]) -> bool {
    is_secret_field(name) || sensitive.contains(&name)
}

/// Whether a body (JSON, a form, or the start of either) names a field that [`is_secret_field`]
/// calls secret: an error message that would quote the body quotes a note in its place. A name
/// counts where it names something: a key (`"token":`), a form field (`access_token=`), or a
/// whole string (`{"key": "password", "value": ...}`, and a string cut off at the end). A word
/// inside a sentence does not, so `{"message": "invalid signature"}` is still shown.
pub fn names_a_secret_field(body: &str) -> bool {
    names_a_field(body, is_secret_field)
}

/// Whether a body names a field for which `is_named` holds, where [`names_a_secret_field`] says
/// a name counts.
pub(crate) fn names_a_field(body: &str, is_named: impl Fn(&str) -> bool) -> bool {
    let bytes = body.as_bytes();
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    let mut start = 0;
    while start < bytes.len() {
        if !is_word(bytes[start]) {
            start += 1;
            continue;
        }
        let mut end = start;
        while end < bytes.len() && is_word(bytes[end]) {
            end += 1;
        }
        let quoted_before = start > 0 && bytes[start - 1] == b'"';
        let mut next = end;
        if next < bytes.len() && bytes[next] == b'"' {
            next += 1;
        }
        while next < bytes.len() && bytes[next].is_ascii_whitespace() {
            next += 1;
        }
        let names = matches!(bytes.get(next), Some(b':' | b'='))
            || (quoted_before && bytes.get(end).is_none_or(|&b| b == b'"'));
        // the word is ASCII: the slice is on character boundaries
        if names && is_named(&body[start..end]) {
            return true;
        }
        start = end;
    }
    false
}
