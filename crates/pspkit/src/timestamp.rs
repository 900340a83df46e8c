//! Date-times in the spellings the providers actually send.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{DateTime, Datelike as _, FixedOffset, NaiveDate, NaiveDateTime, SecondsFormat, Utc};
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
        let t = parse_any(s)?;
        // what Python's datetime (and most databases) hold: a year 0 or 10000 that chrono reads
        // would fail later, when a caller reads the field, instead of here with its path
        if !(1..=9999).contains(&t.0.year()) {
            return Err(format!("{s:?} is outside the years 1 to 9999"));
        }
        Ok(t)
    }
}

/// `s` in any of the spellings providers use (see [`Timestamp`]), whatever its year.
fn parse_any(s: &str) -> Result<Timestamp, String> {
    if let Some(t) = strict_rfc3339(s) {
        return Ok(Timestamp(t));
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(Timestamp(t));
    }
    let with_t = s.replacen(' ', "T", 1);
    if let Ok(t) = DateTime::parse_from_rfc3339(&with_t) {
        return Ok(Timestamp(t));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f%#z"] {
        if let Ok(t) = DateTime::parse_from_str(&with_t, format) {
            return Ok(Timestamp(t));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(&with_t, format) {
            return Ok(Timestamp(t.and_utc().fixed_offset()));
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return Ok(Timestamp(d.and_time(chrono::NaiveTime::MIN).and_utc().fixed_offset()));
    }
    Err(format!("{s:?} is not a date-time pspkit recognises"))
}

/// The spelling almost every answer uses, read in one pass:
/// `YYYY-MM-DDTHH:MM:SS`, one to nine fraction digits or none, then `Z` or `+HH:MM` / `-HH:MM`.
/// Gives what chrono's RFC 3339 parser gives, and `None` for anything else (a leap second, more
/// fraction digits, a lower-case `t`, an impossible date), which takes the general path. Every
/// timestamp of every page goes through here.
fn strict_rfc3339(s: &str) -> Option<DateTime<FixedOffset>> {
    let b = s.as_bytes();
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[10] != b'T' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let year = two_digits(b, 0)? * 100 + two_digits(b, 2)?;
    let (month, day) = (two_digits(b, 5)?, two_digits(b, 8)?);
    let (hour, minute, second) = (two_digits(b, 11)?, two_digits(b, 14)?, two_digits(b, 17)?);
    let mut at = 19;
    let mut nanos = 0u32;
    if b[at] == b'.' {
        at += 1;
        let first = at;
        // up to ten digits are read, so that a tenth sends the text to the general path
        while at < b.len() && at - first < 10 && b[at].is_ascii_digit() {
            nanos = nanos.wrapping_mul(10).wrapping_add(u32::from(b[at] - b'0'));
            at += 1;
        }
        let digits = (at - first) as u32;
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos *= 10u32.pow(9 - digits);
    }
    let offset = match &b[at..] {
        [b'Z'] => 0,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let (hours, minutes) = (two_digits(b, at + 1)?, two_digits(b, at + 4)?);
            if hours > 23 || minutes > 59 {
                return None;
            }
            let seconds = i32::try_from((hours * 60 + minutes) * 60).ok()?;
            if *sign == b'-' { -seconds } else { seconds }
        }
        _ => return None,
    };
    if year == 0 || second > 59 {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(i32::try_from(year).ok()?, month, day)?;
    let local = date.and_time(chrono::NaiveTime::from_hms_nano_opt(hour, minute, second, nanos)?);
    let offset = FixedOffset::east_opt(offset)?;
    Some(DateTime::from_naive_utc_and_offset(local.checked_sub_offset(offset)?, offset))
}

/// The two ASCII digits at `at` as a number.
fn two_digits(b: &[u8], at: usize) -> Option<u32> {
    let (tens, ones) = (b.get(at)?.wrapping_sub(b'0'), b.get(at + 1)?.wrapping_sub(b'0'));
    (tens < 10 && ones < 10).then(|| u32::from(tens) * 10 + u32::from(ones))
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
