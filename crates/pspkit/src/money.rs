//! Exact money on the wire.
//!
//! Providers send amounts as JSON strings (`"100.50"`) or JSON numbers (`100.5`). Decoding a
//! JSON number with serde normally goes through `f64`, which cannot hold `0.1` exactly. These
//! types read the number's own text instead (serde_json's `RawValue`) and parse it as a
//! [`Decimal`], so `"0.1"` and `0.1` both become exactly one tenth.
//!
//! The two types differ only in how they are *sent*: [`DecimalString`] as a JSON string,
//! [`DecimalNumber`] as a JSON number, matching what each provider's spec says it expects.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use serde::de::{DeserializeSeed, Error as _, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::value::RawValue;

pub use rust_decimal::Decimal;

/// Parses the JSON text of a money value: a string holding a decimal, or a number.
///
/// Scientific notation (`1e-7`) is accepted; a value with more precision than [`Decimal`]
/// holds (28 digits) is an error rather than silently rounded.
pub fn parse_json_decimal(raw: &str) -> Result<Decimal, String> {
    let raw = raw.trim_ascii();
    let text: std::borrow::Cow<'_, str> = if raw.starts_with('"') {
        let s: String = serde_json::from_str(raw).map_err(|e| format!("invalid JSON string: {e}"))?;
        std::borrow::Cow::Owned(s.trim_ascii().to_owned())
    } else if raw.starts_with(['-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9']) {
        std::borrow::Cow::Borrowed(raw)
    } else {
        return Err(format!("expected a decimal as a JSON string or number, found {}", excerpt(raw)));
    };
    parse_decimal_text(&text)
}

/// Whether `text` is a decimal written plainly: an optional sign, digits, optionally a point and
/// more digits (no exponent, separator or surrounding space). The shape alone: it may have more
/// digits than a [`Decimal`] holds. What people type or export as an amount is held to this,
/// stricter than what providers may send ([`parse_decimal_text`]).
pub fn is_plain_decimal(text: &str) -> bool {
    let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((whole, fraction)) => (whole, Some(fraction)),
        None => (unsigned, None),
    };
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    digits(whole) && fraction.is_none_or(digits)
}

/// The longest decimal text read: far past any amount (28 significant digits, zeros to pad a
/// scale of 28, a point, a sign and an exponent), and short enough that no parse of it is deep.
const MAX_DECIMAL_TEXT: usize = 100;

/// Parses a decimal written as text (`"12.30"`, `"-5"`, `"1e-7"`, `"+3"`), ignoring ASCII white
/// space around it (no JSON writer pads an amount with other spaces, and this runs for every
/// amount of every page).
pub fn parse_decimal_text(text: &str) -> Result<Decimal, String> {
    let text = text.trim_ascii();
    if text.is_empty() {
        return Err("expected a decimal, found an empty string".into());
    }
    if let Some(value) = short_plain_decimal(text) {
        return Ok(value);
    }
    // rust_decimal's parser takes one call per digit, and a run of leading zeros never ends it
    // by overflow: a hostile "000…0001" of some thousands of digits would take the stack. No
    // amount a decimal holds (28 digits, a point, a sign, an exponent) comes near this length.
    if text.len() > MAX_DECIMAL_TEXT {
        return Err(format!(
            "{:?} is {} characters long, more than any decimal amount ({MAX_DECIMAL_TEXT})",
            excerpt(text),
            text.len()
        ));
    }
    let unsigned = text.strip_prefix('+').unwrap_or(text);
    // rust_decimal's parsers also skip `_` (`"1_000"` would be a thousand): not an amount.
    if !unsigned.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E')) {
        return Err(format!("{:?} is not a decimal number", excerpt(text)));
    }
    let parsed = match unsigned.split_once(['e', 'E']) {
        Some((base, exponent)) => exact_scientific(base, exponent),
        None => Decimal::from_str_exact(unsigned).map_err(|e| e.to_string()),
    };
    parsed.map_err(|e| format!("{:?} is not an exact decimal: {e}", excerpt(text)))
}

/// The amount as almost every provider writes it, read in one pass: an optional sign, at most 18
/// digits (so the mantissa fits an `i64`) with at most one point between two of them. Gives the
/// same value and scale as [`Decimal::from_str_exact`], and `None` for anything else (an exponent,
/// more digits, a negative zero), which takes the general path.
fn short_plain_decimal(text: &str) -> Option<Decimal> {
    let bytes = text.as_bytes();
    let (negative, digits) = match bytes {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, bytes),
    };
    // at most 18 digits and a point; 19 digits always fit the u64 read below
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &b) in digits.iter().enumerate() {
        let digit = b.wrapping_sub(b'0');
        if digit < 10 {
            mantissa = mantissa * 10 + u64::from(digit);
        } else if b == b'.' && point.is_none() && i > 0 && i + 1 < digits.len() {
            point = Some(i);
        } else {
            return None;
        }
    }
    let scale = point.map_or(0, |i| digits.len() - i - 1);
    // a 19th digit could overflow the i64 mantissa
    if digits.len() - usize::from(point.is_some()) > 18 || (negative && mantissa == 0) {
        return None;
    }
    let mantissa = i64::try_from(mantissa).ok()?;
    Some(Decimal::new(if negative { -mantissa } else { mantissa }, u32::try_from(scale).ok()?))
}

/// `base` times ten to the `exponent`, refused when it does not fit exactly. (rust_decimal's
/// `from_scientific` rounds a base with more digits than fit: `1.000000000000000000000000000001e0`
/// would be 1.)
fn exact_scientific(base: &str, exponent: &str) -> Result<Decimal, String> {
    let mut value = Decimal::from_str_exact(base).map_err(|e| e.to_string())?;
    let exponent: i64 = exponent.parse().map_err(|_| format!("the exponent {exponent:?} is not an integer"))?;
    let too_large = || "too large for a decimal".to_string();
    match i64::from(value.scale()).checked_sub(exponent) {
        // fewer fraction digits than the base has: only the scale moves
        Some(scale) if scale >= 0 => {
            value.set_scale(u32::try_from(scale).map_err(|_| "too small for a decimal")?).map_err(|e| e.to_string())?;
            Ok(value)
        }
        Some(scale) => {
            value.set_scale(0).map_err(|e| e.to_string())?;
            let power =
                u32::try_from(scale.unsigned_abs()).ok().and_then(|p| 10i128.checked_pow(p)).ok_or_else(too_large)?;
            let factor = Decimal::try_from_i128_with_scale(power, 0).map_err(|_| too_large())?;
            value.checked_mul(factor).ok_or_else(too_large)
        }
        None => Err("too small for a decimal".into()),
    }
}

fn excerpt(s: &str) -> String {
    let mut out: String = s.chars().take(40).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// The newtype name under which serde_json hands over a value's own JSON text: it is how
/// `RawValue` asks for it (serde_json's `RawValue` token). Asking for it here directly lets an
/// amount be parsed from the text where it lies, where `Box<RawValue>` would first copy the text
/// into an allocation of its own: that copy and its release were most of what decoding one
/// amount cost, in every item of every page. Should serde_json ever stop answering to this name,
/// a JSON number with a fraction is refused (see [`Exact`]), never read through `f64`: the
/// decoding tests would say so at once.
const RAW_JSON_TEXT: &str = "$serde_json::private::RawValue";

/// The key under which serde_json hands over a number's own text when its `arbitrary_precision`
/// feature is on in the build: in place of an `f64`, a number with a fraction or exponent (or an
/// integer beyond 64 bits) reaches `deserialize_any` as a one-entry map of this key and the text.
/// That is how it reaches an amount inside an untagged enum, and how an integer too large for
/// `u64` reaches an [`Id`](crate::Id). The feature is the application's choice (it changes
/// serde_json for the whole build), so every visitor here reads numbers with it on or off.
pub(crate) const NUMBER_TEXT: &str = "$serde_json::private::Number";

fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    deserializer.deserialize_newtype_struct(RAW_JSON_TEXT, Exact)
}

/// A decimal from its JSON text (serde_json: every entry point, from a slice, a reader or a
/// `Value`) or, from any other deserializer, from a string or an integer. A number with a
/// fraction that reaches this visitor as an `f64` has already lost its digits, so it is refused
/// rather than rounded.
struct Exact;

impl<'de> Visitor<'de> for Exact {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a JSON string or number")
    }

    /// serde_json's answer: a map of one entry, its token, then the value's JSON text (or, from
    /// `deserialize_any` with `arbitrary_precision` on, the number's text: [`NUMBER_TEXT`]). The text
    /// is judged once the map is read, so that an error belongs to the field and not to the
    /// token (a decoding error's path names `data[1].amount`).
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Decimal, A::Error> {
        match map.next_key::<TokenKey>()? {
            Some(TokenKey) => map.next_value_seed(JsonText)?.map_err(A::Error::custom),
            None => Err(A::Error::custom("expected a decimal, found an empty object")),
        }
    }

    /// Any other deserializer: the value itself.
    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Decimal, D::Error> {
        deserializer.deserialize_any(self)
    }

    fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Decimal, E> {
        parse_decimal_text(text).map_err(E::custom)
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(value))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Decimal, E> {
        Decimal::try_from_i128_with_scale(value, 0).map_err(|_| E::custom("too large for a decimal"))
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Decimal, E> {
        self.visit_i128(i128::try_from(value).map_err(|_| E::custom("too large for a decimal"))?)
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Decimal, E> {
        Err(E::custom(format!(
            "the number {value} reached the decoder as binary floating point, which cannot hold an amount exactly"
        )))
    }
}

/// The key of serde_json's one-entry map: its token, and nothing else.
struct TokenKey;

impl<'de> Deserialize<'de> for TokenKey {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Token;
        impl Visitor<'_> for Token {
            type Value = TokenKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("serde_json's raw value")
            }
            fn visit_str<E: serde::de::Error>(self, key: &str) -> Result<TokenKey, E> {
                if key == RAW_JSON_TEXT || key == NUMBER_TEXT {
                    Ok(TokenKey)
                } else {
                    Err(E::custom("expected a decimal, found an object"))
                }
            }
        }
        deserializer.deserialize_identifier(Token)
    }
}

/// The value's JSON text, parsed where it lies (borrowed from the body, or from serde_json's
/// buffer when it reads from a stream).
struct JsonText;

impl<'de> DeserializeSeed<'de> for JsonText {
    type Value = Result<Decimal, String>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        struct Text;
        impl Visitor<'_> for Text {
            type Value = Result<Decimal, String>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("the JSON text of a decimal")
            }
            fn visit_str<E: serde::de::Error>(self, raw: &str) -> Result<Self::Value, E> {
                Ok(parse_json_decimal(raw))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

macro_rules! decimal_newtype {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(pub Decimal);

        impl $name {
            /// The exact decimal value.
            pub fn value(self) -> Decimal {
                self.0
            }
        }

        impl Deref for $name {
            type Target = Decimal;
            fn deref(&self) -> &Decimal {
                &self.0
            }
        }

        impl From<Decimal> for $name {
            fn from(value: Decimal) -> Self {
                Self(value)
            }
        }

        impl From<$name> for Decimal {
            fn from(value: $name) -> Decimal {
                value.0
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                Self(Decimal::from(value))
            }
        }

        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                parse_decimal_text(s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserialize_exact(deserializer).map(Self)
            }
        }
    };
}

decimal_newtype! {
    /// A decimal the provider sends and expects as a JSON string (`"100.50"`).
    ///
    /// Decodes exactly from a JSON string or a JSON number; encodes as a JSON string.
    DecimalString
}

decimal_newtype! {
    /// A decimal the provider sends and expects as a JSON number (`100.5`).
    ///
    /// Decodes exactly from a JSON number or a JSON string; encodes as a JSON number written
    /// from the decimal's own digits (no `f64` on the way out either).
    DecimalNumber
}

impl Serialize for DecimalString {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

impl Serialize for DecimalNumber {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Whole amounts go out as integers, which every serializer understands; others as a raw
        // JSON number (serde_json writes RawValue verbatim).
        if self.0.fract().is_zero()
            && let Ok(whole) = i64::try_from(self.0.trunc())
        {
            return serializer.serialize_i64(whole);
        }
        let raw = RawValue::from_string(self.0.normalize().to_string()).map_err(serde::ser::Error::custom)?;
        raw.serialize(serializer)
    }
}
