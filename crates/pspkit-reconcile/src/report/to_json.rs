//! Entries as JSON: the shape shared by the JSON and JSONL reports.
//!
//! The shape is written out field by field here rather than derived from the records, so that a
//! field added to [`Payment`] or [`LedgerRow`] does not change a report some program reads.

use std::fmt::Display;
use std::io::{self, Write};

use pspkit::normalized::Payment;
use serde::Serialize;
use serde::ser::{SerializeStruct, Serializer};

use crate::ledger::LedgerRow;
use crate::reconcile::{Entry, Kind};

/// Writes one entry as a line of JSONL, with its kind.
pub(crate) fn write_line<W: Write>(out: &mut W, entry: &Entry) -> io::Result<()> {
    serde_json::to_writer(&mut *out, &EntryJson { entry, with_kind: true })?;
    out.write_all(b"\n")
}

/// The entries of a JSON report, serialized as they arrive and grouped by kind: text is smaller
/// than the records it came from.
#[derive(Default)]
pub(crate) struct Lists {
    by_kind: [Vec<String>; Kind::ALL.len()],
}

impl Lists {
    pub(crate) fn entry(&mut self, entry: &Entry) -> io::Result<()> {
        let text = serde_json::to_string(&EntryJson { entry, with_kind: false })?;
        self.by_kind[entry.kind.index()].push(text);
        Ok(())
    }

    /// The one object: every kind's key, in [`Kind::ALL`] order, each entry on a line of its own.
    pub(crate) fn write<W: Write>(&self, out: &mut W) -> io::Result<()> {
        out.write_all(b"{")?;
        for (k, kind) in Kind::ALL.into_iter().enumerate() {
            let separator = if k == 0 { "" } else { "," };
            let entries = &self.by_kind[kind.index()];
            if entries.is_empty() {
                write!(out, "{separator}\n  \"{kind}\": []")?;
                continue;
            }
            write!(out, "{separator}\n  \"{kind}\": [")?;
            for (e, text) in entries.iter().enumerate() {
                let separator = if e == 0 { "" } else { "," };
                write!(out, "{separator}\n    {text}")?;
            }
            out.write_all(b"\n  ]")?;
        }
        out.write_all(b"\n}\n")
    }
}

struct EntryJson<'a> {
    entry: &'a Entry,
    with_kind: bool,
}

impl Serialize for EntryJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entry = self.entry;
        let mut s = serializer.serialize_struct("Entry", 5)?;
        if self.with_kind {
            s.serialize_field("kind", &entry.kind)?;
        }
        s.serialize_field("provider", &entry.provider)?;
        s.serialize_field("reference", &entry.reference)?;
        s.serialize_field("ledger", &entry.ledger.as_ref().map(LedgerJson))?;
        s.serialize_field("provider_record", &entry.payment.as_ref().map(PaymentJson))?;
        s.end()
    }
}

struct LedgerJson<'a>(&'a LedgerRow);

impl Serialize for LedgerJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let row = self.0;
        let mut s = serializer.serialize_struct("LedgerRow", 5)?;
        s.serialize_field("line", &row.line)?;
        s.serialize_field("amount", &Text(&row.amount))?;
        s.serialize_field("currency", &row.currency)?;
        s.serialize_field("status", &row.status)?;
        s.serialize_field("direction", &row.direction)?;
        s.end()
    }
}

struct PaymentJson<'a>(&'a Payment);

impl Serialize for PaymentJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let p = self.0;
        let mut s = serializer.serialize_struct("Payment", 9)?;
        s.serialize_field("provider_id", &p.provider_id)?;
        s.serialize_field("direction", &p.direction)?;
        s.serialize_field("amount", &Text(&p.amount))?;
        s.serialize_field("currency", &p.currency)?;
        s.serialize_field("status", &p.status)?;
        s.serialize_field("raw_status", &p.raw_status)?;
        s.serialize_field("fee", &p.fee.as_ref().map(Text))?;
        s.serialize_field("created", &p.created)?;
        s.serialize_field("updated", &p.updated)?;
        s.end()
    }
}

/// A value written as a JSON string of its text: amounts, exactly.
struct Text<'a, T: Display>(&'a T);

impl<T: Display> Serialize for Text<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self.0)
    }
}
