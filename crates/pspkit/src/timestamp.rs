//! Date-times in the spellings the providers actually send.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A point in time with the offset the provider wrote it in.
///
/// Accepts RFC 3339 with any number of fraction digits (`2024-10-17T18:07:18.000000Z`,
/// `2023-04-19T12:00:00+03:00`), a space instead of the `T` (`2024-01-15 10:30:00`), no offset
/// (read as UTC) and a date alone (`2025-01-31`, read as midnight UTC). Sent as RFC 3339.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Timestamp(pub DateTime<FixedOffset>);

impl Timestamp {
    /// The same instant in UTC.
    pub fn to_utc(self) -> DateTime<Utc> {
        self.0.with_timezone(&Utc)
    }
}

impl Deref for Timestamp {
    type Target = DateTime<FixedOffset>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<Tz: chrono::TimeZone> From<DateTime<Tz>> for Timestamp {
    fn from(value: DateTime<Tz>) -> Self {
        Self(value.fixed_offset())
    }
}

impl FromStr for Timestamp {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim_ascii();
        if let Ok(t) = DateTime::parse_from_rfc3339(s) {
            return Ok(Self(t));
        }
        let with_t = s.replacen(' ', "T", 1);
        if let Ok(t) = DateTime::parse_from_rfc3339(&with_t) {
            return Ok(Self(t));
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
            if let Ok(t) = DateTime::parse_from_str(&with_t, format) {
                return Ok(Self(t));
            }
        }
        for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
            if let Ok(t) = NaiveDateTime::parse_from_str(&with_t, format) {
                return Ok(Self(t.and_utc().fixed_offset()));
            }
        }
        if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            return Ok(Self(d.and_time(chrono::NaiveTime::MIN).and_utc().fixed_offset()));
        }
        Err(format!("{s:?} is not a date-time pspkit recognises"))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::__private::from_str_with(deserializer, "a date-time string", str::parse)
    }
}
