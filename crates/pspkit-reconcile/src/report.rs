//! Writing a reconciliation's entries out, for a person or for another program.
//!
//! [`ReportWriter`] takes the entries as they come ([`ReportWriter::entry`]) and the final
//! [`Summary`] at the end ([`ReportWriter::finish`]). JSONL and CSV are written as the entries
//! arrive, so a run over millions of payments holds none of them; the table and the JSON object
//! need the end (the table starts with the summary and aligns its columns, the object groups the
//! entries by kind), so they hold what they print: the table only the discrepancies, the JSON
//! object every entry, serialized. Prefer JSONL for a large run read by a program.
//!
//! In JSON and JSONL an entry is `{"provider", "reference", "ledger", "provider_record"}` (with
//! `"kind"` first in JSONL): `provider` is the provider's name, `ledger` the ledger row and
//! `provider_record` what the provider reported, either `null` when that side is missing.
//! Amounts are JSON strings holding the exact decimal (`"100.50"`), never numbers that a reader
//! would round through a float.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::str::FromStr;

use crate::fields;
use crate::reconcile::Entry;
use crate::summary::Summary;

mod to_csv;
mod to_json;
mod to_table;

/// How a report is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReportFormat {
    /// Text for a person: a summary line per kind, then every discrepancy as an aligned row
    /// (matched payments are only counted). Written at the end.
    Table,
    /// One JSON object with a list of entries per kind (`matched`, `missing_in_provider`,
    /// `missing_in_ledger`, `amount_mismatch`, `currency_mismatch`, `status_mismatch`). Written
    /// at the end, so every entry is held until then: use [`ReportFormat::Jsonl`] for large runs.
    Json,
    /// One JSON object per line, each with its `"kind"`, written as the entries arrive. Loads as
    /// it is into DuckDB (`read_json_auto`), polars (`read_ndjson`) or Spark (`spark.read.json`).
    Jsonl,
    /// One row per entry under a header, written as the entries arrive: `kind`, `provider`,
    /// `reference`, `ledger_amount`, `ledger_currency`, `ledger_status`, `provider_id`,
    /// `provider_amount`, `provider_currency`, `provider_status`, `provider_raw_status`, `line`
    /// (the ledger row's line). Text from the ledger or a provider goes through
    /// [`spreadsheet_safe`], so a cell such as `=HYPERLINK(...)` opens as text.
    Csv,
}

impl ReportFormat {
    /// `table`, `json`, `jsonl` or `csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Table => "table",
            Self::Json => "json",
            Self::Jsonl => "jsonl",
            Self::Csv => "csv",
        }
    }

    /// Whether entries are written as they arrive (JSONL, CSV) rather than held to the end.
    pub fn streams(self) -> bool {
        matches!(self, Self::Jsonl | Self::Csv)
    }
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ReportFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "table" => Ok(Self::Table),
            "json" => Ok(Self::Json),
            "jsonl" | "ndjson" => Ok(Self::Jsonl),
            "csv" => Ok(Self::Csv),
            _ => Err(format!("{} is not a report format (table, json, jsonl or csv)", fields::shown(text))),
        }
    }
}

/// Text made safe to open in a spreadsheet: text that starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return gets a leading `'`, so that Excel, LibreOffice or Google Sheets show it as
/// text instead of running it as a formula (a provider's reference is whatever a customer or an
/// attacker typed). A plain decimal number (`-12.50`, `+3`: an optional sign, digits, an
/// optional point and digits) is left as it is, since it is a number to a spreadsheet too.
/// Borrowed when nothing changes, which is nearly always.
///
/// ```
/// use pspkit_reconcile::spreadsheet_safe;
///
/// assert_eq!(spreadsheet_safe("=1+1"), "'=1+1");
/// assert_eq!(spreadsheet_safe("-12.50"), "-12.50");
/// assert_eq!(spreadsheet_safe("order-1"), "order-1");
/// ```
pub fn spreadsheet_safe(text: &str) -> Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && !pspkit::money::is_plain_decimal(text) { Cow::Owned(format!("'{text}")) } else { Cow::Borrowed(text) }
}

/// Writes a report over any [`Write`]. Writes are many and small: give it a buffered writer
/// (`BufWriter<File>`, a locked stdout).
pub struct ReportWriter<W: Write> {
    sink: Sink<W>,
}

enum Sink<W: Write> {
    Table(W, to_table::Table),
    Json(W, to_json::Lists),
    Jsonl(W),
    // boxed: the CSV writer carries its buffer and state inline
    Csv(Box<to_csv::CsvReport<W>>),
}

impl<W: Write> ReportWriter<W> {
    /// A report in `format` written to `out`.
    pub fn new(out: W, format: ReportFormat) -> Self {
        let sink = match format {
            ReportFormat::Table => Sink::Table(out, to_table::Table::default()),
            ReportFormat::Json => Sink::Json(out, to_json::Lists::default()),
            ReportFormat::Jsonl => Sink::Jsonl(out),
            ReportFormat::Csv => Sink::Csv(Box::new(to_csv::CsvReport::new(out))),
        };
        Self { sink }
    }

    /// Adds one entry: written now (JSONL, CSV) or held for [`ReportWriter::finish`].
    pub fn entry(&mut self, entry: &Entry) -> io::Result<()> {
        match &mut self.sink {
            Sink::Table(_, table) => {
                table.entry(entry);
                Ok(())
            }
            Sink::Json(_, lists) => lists.entry(entry),
            Sink::Jsonl(out) => to_json::write_line(out, entry),
            Sink::Csv(report) => report.entry(entry),
        }
    }

    /// Writes what was held and the summary where the format has one, flushes, and gives the
    /// writer back.
    pub fn finish(self, summary: &Summary) -> io::Result<W> {
        let mut out = match self.sink {
            Sink::Table(mut out, table) => {
                table.write(&mut out, summary)?;
                out
            }
            Sink::Json(mut out, lists) => {
                lists.write(&mut out)?;
                out
            }
            Sink::Jsonl(out) => out,
            Sink::Csv(report) => report.finish()?,
        };
        out.flush()?;
        Ok(out)
    }
}
