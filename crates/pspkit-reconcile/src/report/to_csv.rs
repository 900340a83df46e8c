//! Entries as CSV rows, one per entry, written as they arrive.
//!
//! Every cell of text that came from the ledger or a provider goes through
//! [`spreadsheet_safe`]: a CSV report is opened in a spreadsheet more often than not, and a
//! reference such as `=HYPERLINK(...)` must not run there. The cells written here (the kind,
//! amounts, normalized statuses, the line) are left as they are.

use std::borrow::Cow;
use std::io::{self, Write};

use csv::Writer;
use pspkit::normalized::Status;

use crate::reconcile::Entry;
use crate::report::spreadsheet_safe;

const HEADER: [&str; 12] = [
    "kind",
    "provider",
    "reference",
    "ledger_amount",
    "ledger_currency",
    "ledger_status",
    "provider_id",
    "provider_amount",
    "provider_currency",
    "provider_status",
    "provider_raw_status",
    "line",
];

pub(crate) struct CsvReport<W: Write> {
    writer: Writer<W>,
    header_written: bool,
}

impl<W: Write> CsvReport<W> {
    pub(crate) fn new(out: W) -> Self {
        Self { writer: Writer::from_writer(out), header_written: false }
    }

    // The header goes out with the first row (or at the end of an empty run), so that creating
    // a report cannot fail.
    fn header(&mut self) -> io::Result<()> {
        if !self.header_written {
            self.writer.write_record(HEADER)?;
            self.header_written = true;
        }
        Ok(())
    }

    pub(crate) fn entry(&mut self, entry: &Entry) -> io::Result<()> {
        self.header()?;
        let ledger = entry.ledger.as_ref();
        let payment = entry.payment.as_ref();
        let ours = |value: Option<String>| value.map_or(Cow::Borrowed(""), Cow::Owned);
        let status = |value: Option<Status>| Cow::Borrowed(value.map_or("", Status::as_str));
        let row: [Cow<'_, str>; 12] = [
            Cow::Borrowed(entry.kind.as_str()),
            spreadsheet_safe(&entry.provider),
            outside(entry.reference.as_deref()),
            ours(ledger.map(|r| r.amount.to_string())),
            outside(ledger.map(|r| r.currency.as_str())),
            status(ledger.and_then(|r| r.status)),
            outside(payment.map(|p| p.provider_id.as_str())),
            ours(payment.map(|p| p.amount.to_string())),
            outside(payment.map(|p| p.currency.as_str())),
            status(payment.map(|p| p.status)),
            outside(payment.map(|p| p.raw_status.as_str())),
            ours(ledger.map(|r| r.line.to_string())),
        ];
        self.writer.write_record(row.iter().map(|cell| cell.as_bytes()))?;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.header()?;
        self.writer.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.to_string()))
    }
}

/// A cell of text from the ledger or a provider, guarded; empty when that side has none.
fn outside(value: Option<&str>) -> Cow<'_, str> {
    value.map_or(Cow::Borrowed(""), spreadsheet_safe)
}
