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

use serde::de::Error as _;
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
    let (negative, digits) = match bytes.first()? {
        b'-' => (true, &bytes[1..]),
        b'+' => (false, &bytes[1..]),
        _ => (false, bytes),
    };
    if digits.is_empty() || digits.len() > 19 {
        return None;
    }
    let mut mantissa: i64 = 0;
    let mut count = 0;
    let mut scale = None;
    for (i, &b) in digits.iter().enumerate() {
        match b {
            // a 19th digit could overflow the mantissa
            b'0'..=b'9' if count < 18 => {
                mantissa = mantissa * 10 + i64::from(b - b'0');
                count += 1;
            }
            b'.' if scale.is_none() && i > 0 && i + 1 < digits.len() => scale = Some(digits.len() - i - 1),
            _ => return None,
        }
    }
    if negative && mantissa == 0 {
        return None;
    }
    let scale = u32::try_from(scale.unwrap_or(0)).ok()?;
    Some(Decimal::new(if negative { -mantissa } else { mantissa }, scale))
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

fn deserialize_exact<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Decimal, D::Error> {
    // Box<RawValue> works for every serde_json entry point (from_slice, from_str, from_reader).
    let raw = Box::<RawValue>::deserialize(deserializer)?;
    parse_json_decimal(raw.get()).map_err(D::Error::custom)
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
