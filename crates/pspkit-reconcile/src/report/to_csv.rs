//! Entries as CSV rows, one per entry, written as they arrive.

use std::io::{self, Write};

use csv::Writer;

use crate::reconcile::Entry;

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
        let text = |value: Option<String>| value.unwrap_or_default();
        let row: [String; 12] = [
            entry.kind.as_str().to_owned(),
            entry.provider.clone(),
            text(entry.reference.clone()),
            text(ledger.map(|r| r.amount.to_string())),
            text(ledger.map(|r| r.currency.clone())),
            text(ledger.and_then(|r| r.status).map(|s| s.as_str().to_owned())),
            text(payment.map(|p| p.provider_id.clone())),
            text(payment.map(|p| p.amount.to_string())),
            text(payment.map(|p| p.currency.clone())),
            text(payment.map(|p| p.status.as_str().to_owned())),
            text(payment.map(|p| p.raw_status.clone())),
            text(ledger.map(|r| r.line.to_string())),
        ];
        self.writer.write_record(&row)?;
        Ok(())
    }

    pub(crate) fn finish(mut self) -> io::Result<W> {
        self.header()?;
        self.writer.into_inner().map_err(|e| io::Error::new(e.error().kind(), e.to_string()))
    }
}
