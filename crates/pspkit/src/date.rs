//! A calendar date on the wire (`YYYY-MM-DD`), in the years 1 to 9999.

use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

use chrono::{Datelike as _, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date without a time of day (`YYYY-MM-DD`), in the years 1 to 9999: what a
/// Python `date` and most databases hold. A year outside them (`0000-01-01`, `+12345-01-01`)
/// is refused where it is decoded or given, with the field's path, rather than failing later
/// where it is read. Derefs to chrono's `NaiveDate`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(NaiveDate);

impl Date {
    /// The date, if its year is 1 to 9999.
    pub fn new(date: NaiveDate) -> Result<Self, String> {
        if (1..=9999).contains(&date.year()) {
            Ok(Self(date))
        } else {
            Err(format!("{date} is outside the years 1 to 9999"))
        }
    }

    /// The date as chrono's type.
    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

impl Deref for Date {
    type Target = NaiveDate;
    fn deref(&self) -> &NaiveDate {
        &self.0
    }
}

impl TryFrom<NaiveDate> for Date {
    type Error = String;
    fn try_from(date: NaiveDate) -> Result<Self, String> {
        Self::new(date)
    }
}

impl From<Date> for NaiveDate {
    fn from(date: Date) -> NaiveDate {
        date.0
    }
}

impl FromStr for Date {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let text = s.trim_ascii();
        // chrono also reads `2024-1-5` and a signed year: the wire form is exactly YYYY-MM-DD
        let shaped = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() });
        let date = NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .filter(|_| shaped)
            .ok_or_else(|| format!("{s:?} is not a date (YYYY-MM-DD)"))?;
        Self::new(date).map_err(|_| format!("{s:?} is outside the years 1 to 9999"))
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

impl fmt::Debug for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::__private::from_str_with(deserializer, "a date string (YYYY-MM-DD)", str::parse)
    }
}
