//! Ledger rows from JSONL: one JSON object per line, keyed like the CSV columns.
//!
//! Each value is kept as its raw JSON text until its rule reads it, so that an amount written as
//! a JSON number (`100.10`) is parsed from its own digits and never passes through `f64`.
//! Blank lines are skipped (a trailing newline, a file joined from parts) but still counted, so
//! line numbers match what an editor shows.

use std::borrow::Cow;
use std::fmt;
use std::io::{BufRead, BufReader, Read};

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{LedgerError, LedgerRow, RawRow};
use crate::fields;

/// How many unknown keys an error lists before it counts the rest.
const LISTED: usize = 10;

pub(crate) struct JsonlRows<R: Read> {
    reader: BufReader<R>,
    line: u64,
    buffer: Vec<u8>,
    done: bool,
}

impl<R: Read> JsonlRows<R> {
    pub(crate) fn new(reader: R) -> Self {
        Self { reader: BufReader::new(reader), line: 0, buffer: Vec::new(), done: false }
    }

    pub(crate) fn next(&mut self) -> Option<Result<LedgerRow, LedgerError>> {
        while !self.done {
            self.buffer.clear();
            match self.reader.read_until(b'\n', &mut self.buffer) {
                Ok(0) => self.done = true,
                Ok(_) => {
                    self.line += 1;
                    let text = match std::str::from_utf8(&self.buffer) {
                        Ok(text) => text,
                        Err(e) => {
                            let message = format!("is not valid UTF-8 (at byte {})", e.valid_up_to() + 1);
                            return Some(Err(LedgerError::new(self.line, None, message)));
                        }
                    };
                    if !text.trim().is_empty() {
                        return Some(row(self.line, text));
                    }
                }
                Err(error) => {
                    self.done = true;
                    let message = format!("cannot read the ledger: {error}");
                    return Some(Err(LedgerError::new(self.line + 1, None, message)));
                }
            }
        }
        None
    }
}

/// One line's object through the rules.
fn row(line: u64, text: &str) -> Result<LedgerRow, LedgerError> {
    let object: Object<'_> = serde_json::from_str(text).map_err(|e| LedgerError::new(line, None, json_error(&e)))?;
    if let Some(key) = object.twice {
        return Err(LedgerError::new(line, Some(key), "is in the object twice"));
    }
    if !object.unknown.is_empty() {
        let noun = if object.unknown.len() + object.more_unknown == 1 { "key" } else { "keys" };
        let mut listed = object.unknown.join(", ");
        if object.more_unknown > 0 {
            listed.push_str(&format!(" and {} more", object.more_unknown));
        }
        let message = format!("unknown {noun} {listed}: {}", fields::EXPECTED);
        return Err(LedgerError::new(line, None, message));
    }
    let provider = required(line, fields::PROVIDER, object.provider)?;
    let reference = required(line, fields::REFERENCE, object.reference)?;
    let amount = required(line, fields::AMOUNT, object.amount)?;
    let currency = required(line, fields::CURRENCY, object.currency)?;
    let status = optional(line, fields::STATUS, object.status)?;
    let direction = optional(line, fields::DIRECTION, object.direction)?;
    let created = optional(line, fields::CREATED, object.created)?;
    RawRow {
        line,
        provider: &provider,
        reference: &reference,
        amount: &amount,
        currency: &currency,
        status: status.as_deref(),
        direction: direction.as_deref(),
        created: created.as_deref(),
    }
    .check()
}

/// A key every row has: its text, or the error naming it.
fn required<'a>(line: u64, column: &'static str, value: Option<&'a RawValue>) -> Result<Cow<'a, str>, LedgerError> {
    let value = value.ok_or_else(|| LedgerError::new(line, Some(column), "is missing"))?;
    // a reference may be a number (an order id exported from a database), as may an amount
    let numbers = column == fields::REFERENCE || column == fields::AMOUNT;
    text_of(value, numbers)
        .and_then(|text| text.ok_or_else(|| "is null".to_owned()))
        .map_err(|message| LedgerError::new(line, Some(column), message))
}

/// A key a row may leave out or set to `null`.
fn optional<'a>(
    line: u64,
    column: &'static str,
    value: Option<&'a RawValue>,
) -> Result<Option<Cow<'a, str>>, LedgerError> {
    value.map_or(Ok(None), |value| {
        text_of(value, false).map_err(|message| LedgerError::new(line, Some(column), message))
    })
}

/// A value's text: a JSON string's content, or (where `numbers` allows) a JSON number's own
/// digits; `None` for `null`.
fn text_of(value: &RawValue, numbers: bool) -> Result<Option<Cow<'_, str>>, String> {
    let raw = value.get();
    if raw.starts_with('"') {
        // A string without escapes is lent as is; one with escapes is decoded.
        let text: Cow<'_, str> = serde_json::from_str(raw).map_err(|e| json_error(&e))?;
        return Ok(Some(text));
    }
    if raw == "null" {
        return Ok(None);
    }
    if numbers && raw.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
        return Ok(Some(Cow::Borrowed(raw)));
    }
    let expected = if numbers { "a JSON string or number" } else { "a JSON string" };
    Err(format!("must be {expected}, found {}", fields::shown(raw)))
}

/// serde_json's message without its position: every line is a line of its own here, so the
/// column alone places the fault.
fn json_error(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = text.strip_suffix(&suffix).unwrap_or(&text);
    format!("is not a ledger row as JSON: {message} (at character {})", error.column())
}

/// The keys of one line's object, each value kept as raw JSON text.
#[derive(Default)]
struct Object<'a> {
    provider: Option<&'a RawValue>,
    reference: Option<&'a RawValue>,
    amount: Option<&'a RawValue>,
    currency: Option<&'a RawValue>,
    status: Option<&'a RawValue>,
    direction: Option<&'a RawValue>,
    created: Option<&'a RawValue>,
    /// Keys that are not ledger columns, quoted for the message (the first few).
    unknown: Vec<String>,
    /// How many more unknown keys there are.
    more_unknown: usize,
    /// A ledger key given twice: which of the two values was meant cannot be told.
    twice: Option<&'static str>,
}

impl<'de> Deserialize<'de> for Object<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object<'de>, A::Error> {
        let mut object = Object::default();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            let value: &'de RawValue = map.next_value()?;
            let slot = match key.as_ref() {
                fields::PROVIDER => &mut object.provider,
                fields::REFERENCE => &mut object.reference,
                fields::AMOUNT => &mut object.amount,
                fields::CURRENCY => &mut object.currency,
                fields::STATUS => &mut object.status,
                fields::DIRECTION => &mut object.direction,
                fields::CREATED => &mut object.created,
                _ => {
                    if object.unknown.len() < LISTED {
                        object.unknown.push(fields::shown(&key));
                    } else {
                        object.more_unknown += 1;
                    }
                    continue;
                }
            };
            if slot.replace(value).is_some() && object.twice.is_none() {
                object.twice = fields::COLUMNS.into_iter().find(|c| *c == key.as_ref());
            }
        }
        Ok(object)
    }
}
