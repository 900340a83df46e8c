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

/// `text` with every card number in it replaced by `[card number ending 1111]`: a run of 13 to
/// 19 digits (alone, or in groups split by single spaces or hyphens, as people write them) that
/// passes the Luhn check, standing as a word of its own. Providers echo what they were sent in
/// their error messages ("card 4111 1111 1111 1111 is blocked"), and an error message ends up in
/// logs and tracebacks; the last four digits are what card-data rules allow to be shown. The
/// text is borrowed back unchanged when it holds none.
pub fn mask_card_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    mask_digit_runs(text, true)
}

/// `text` with every run of 13 to 19 digits masked as [`mask_card_numbers`] masks a card
/// number, whether it passes the Luhn check or not: for what a provider says about a field that
/// holds card data, where a mistyped number is no less the customer's.
pub(crate) fn mask_all_card_like_numbers(text: &str) -> std::borrow::Cow<'_, str> {
    mask_digit_runs(text, false)
}

fn mask_digit_runs(text: &str, luhn_only: bool) -> std::borrow::Cow<'_, str> {
    let bytes = text.as_bytes();
    let mut out = String::new();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        // a run starts at a digit that does not continue a word (`id9411...`, `0x41...`)
        if !bytes[i].is_ascii_digit() || (i > 0 && is_word_byte(bytes[i - 1])) {
            i += 1;
            continue;
        }
        let run = digit_run(bytes, i);
        // the longest stretch of whole groups from here that is a card number: in
        // `4111 1111 1111 1111 12/28` the whole run is none, but its first four groups are
        let card = run.group_ends().iter().rev().find(|&&(end, count)| {
            (13..=19).contains(&count)
                && bytes.get(end).is_none_or(|&b| !is_word_byte(b))
                && (!luhn_only || passes_luhn(&run.digits[..count]))
        });
        if let Some(&(end, count)) = card {
            out.push_str(&text[copied..i]);
            let last_four: String = run.digits[count - 4..count].iter().map(|&d| char::from(b'0' + d)).collect();
            out.push_str(&format!("[card number ending {last_four}]"));
            copied = end;
            i = end;
        } else {
            // the groups after the first are looked at on their own too: in `100 4111111111111111`
            // no stretch from `100` is a card number, but the second group is
            i = run.first_group_end;
        }
    }
    if copied == 0 {
        return text.into();
    }
    out.push_str(&text[copied..]);
    out.into()
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// The most digits read from one start: more is not a card number.
const MAX_DIGITS: usize = 20;

/// Digit groups joined by one space or hyphen each (`4111 1111 1111 1111`), read up to the
/// [`MAX_DIGITS`]th digit: each start reads a bounded stretch into fixed arrays, so a long
/// `1 1 1 1 ...` costs linear time and no allocation.
struct DigitRun {
    /// Where its first group ends.
    first_group_end: usize,
    /// Where each whole group ends, with the number of digits up to there (`groups` of them).
    group_ends: [(usize, usize); MAX_DIGITS],
    groups: usize,
    /// The digits' values (`count` of them).
    digits: [u8; MAX_DIGITS],
    count: usize,
}

impl DigitRun {
    fn group_ends(&self) -> &[(usize, usize)] {
        &self.group_ends[..self.groups]
    }
}

/// The run of digit groups starting at `start`, which is a digit.
fn digit_run(bytes: &[u8], start: usize) -> DigitRun {
    let mut run =
        DigitRun { first_group_end: 0, group_ends: [(0, 0); MAX_DIGITS], groups: 0, digits: [0; MAX_DIGITS], count: 0 };
    let mut i = start;
    loop {
        while i < bytes.len() && bytes[i].is_ascii_digit() && run.count < MAX_DIGITS {
            run.digits[run.count] = bytes[i] - b'0';
            run.count += 1;
            i += 1;
        }
        if run.groups == 0 {
            run.first_group_end = i;
        }
        if bytes.get(i).is_some_and(u8::is_ascii_digit) {
            return run; // cut at the last digit read, inside a group: no group ends here
        }
        run.group_ends[run.groups] = (i, run.count);
        run.groups += 1;
        let joined = matches!(bytes.get(i), Some(b' ' | b'-')) && bytes.get(i + 1).is_some_and(u8::is_ascii_digit);
        if run.count == MAX_DIGITS || !joined {
            return run;
        }
        i += 1;
    }
}

/// The Luhn checksum every card number carries in its last digit.
fn passes_luhn(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(n, &d)| {
            let d = u32::from(d);
            if n % 2 == 1 { if d * 2 > 9 { d * 2 - 9 } else { d * 2 } } else { d }
        })
        .sum();
    sum.is_multiple_of(10)
}
