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

/// Whether a field of this name may hold a secret or card data, by the one rule every masked
/// output follows (a model's `repr`, the body an error message would quote): credentials
/// (`secret`, `password`, `token`, `private`, `api_key`), signatures, one-time codes, card
/// numbers, expiry dates and security codes, a PIN, and OnePay's webhook `header` (it carries
/// the `x-webhook-token` value). Case, `_` and `-` are ignored: `apiKey`, `api_key` and
/// `API-KEY` are one name.
pub fn is_secret_field(name: &str) -> bool {
    const PARTS: [&str; 12] = [
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

/// Whether a body (JSON, or the start of it) has a key that [`is_secret_field`] names: an error
/// message that would quote the body quotes a note in its place. Only keys count (`"token":`),
/// not values, so that `{"message": "invalid signature"}` is still shown.
pub fn names_a_secret_field(body: &str) -> bool {
    let mut rest = body;
    while let Some(open) = rest.find('"') {
        let after = &rest[open + 1..];
        // the string's end: the next quote not escaped by a backslash
        let mut end = None;
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => {
                    end = Some(i);
                    break;
                }
                _ => escaped = false,
            }
        }
        let Some(end) = end else {
            // cut off inside a string: its name may still be telling
            return is_secret_field(after);
        };
        let next = after[end + 1..].trim_start();
        if next.starts_with(':') && is_secret_field(&after[..end]) {
            return true;
        }
        rest = &after[end + 1..];
    }
    false
}
