//! The merchant's own books: one row per payment it expects each provider to report.
//!
//! A ledger is read from CSV or JSONL ([`LedgerFormat`]), row by row with [`LedgerReader`] or
//! whole with [`Ledger::read`], or built from rows the caller made ([`Ledger::from_rows`]). Every
//! row is checked the same way, and a row that breaks a rule is an error naming its line and
//! column: a reconciliation that silently skipped a row would report its payment as missing.

use std::collections::HashMap;
use std::fmt;
use std::io::Read;
use std::path::Path;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use pspkit::Decimal;
use pspkit::normalized::{Direction, Status};

use crate::fields;

mod from_csv;
mod from_jsonl;
mod line_endings;

/// One payment in the merchant's books.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerRow {
    /// Where the row is in its file (1-based; a CSV header is line 1). Rows built by the caller
    /// carry whatever number helps find them again.
    pub line: u64,
    /// The provider that handled the payment, lowercase (`onepay`).
    pub provider: String,
    /// The merchant's reference (its order id), as the provider reports it back.
    pub reference: String,
    /// The amount in major units, exact. Providers report amounts as positive numbers with a
    /// direction, and books often write payouts as negative ones: amounts are compared as
    /// absolute values, so `-60` matches a provider's `60`, and a negative amount says the
    /// money goes out (see `direction`).
    pub amount: Decimal,
    /// ISO 4217 letters (`COP`), or the code as written upper-cased when it is not one (`USDT`).
    pub currency: String,
    /// The status the books expect, when they record one; a different one is a
    /// `status_mismatch`.
    pub status: Option<Status>,
    /// Which way the money moves, when the books record it. Where it is `None`, a negative
    /// `amount` means `Out` and any other amount leaves the direction unknown (not compared).
    /// A direction, given or read from the sign, that differs from the provider's is an
    /// `amount_mismatch`. A negative amount with `In` is an error in the books, refused when the
    /// row is read or inserted.
    pub direction: Option<Direction>,
    /// When the payment was made (UTC), when the books record it. A file gives RFC 3339 with
    /// any offset, or a date alone meaning midnight UTC. Only [`Reconciler::with_range`]
    /// looks at it: a row created outside the range is not expected from the providers.
    ///
    /// [`Reconciler::with_range`]: crate::Reconciler::with_range
    pub created: Option<DateTime<Utc>>,
}

/// A ledger row that breaks a rule, or a ledger that cannot be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LedgerError {
    /// The line the problem is on (1-based; a CSV header is line 1).
    pub line: u64,
    /// The column (CSV) or key (JSONL) at fault, when it is one column.
    pub column: Option<&'static str>,
    /// What is wrong, naming the rule that was broken.
    pub message: String,
}

impl LedgerError {
    pub(crate) fn new(line: u64, column: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { line, column, message: message.into() }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(column) => write!(f, "line {}, column {column}: {}", self.line, self.message),
            None => write!(f, "line {}: {}", self.line, self.message),
        }
    }
}

impl std::error::Error for LedgerError {}

/// How a ledger file is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LedgerFormat {
    /// Comma-separated values with a header row naming the columns, in any order: `provider`,
    /// `reference`, `amount`, `currency`, and optionally `status`, `direction` and `created`
    /// (RFC 3339, `2026-05-01T10:00:00Z` with any offset, or a date alone, `2026-05-01`,
    /// meaning midnight UTC).
    Csv,
    /// One JSON object per line with the same keys; `amount` is a JSON string or number, and
    /// `created` a JSON string.
    Jsonl,
}

impl LedgerFormat {
    /// The format a file's extension names: `.csv`, or `.jsonl` / `.ndjson`, in any letter case.
    pub fn from_path(path: impl AsRef<Path>) -> Option<Self> {
        let extension = path.as_ref().extension()?.to_str()?.to_ascii_lowercase();
        match extension.as_str() {
            "csv" => Some(Self::Csv),
            "jsonl" | "ndjson" => Some(Self::Jsonl),
            _ => None,
        }
    }

    /// `csv` or `jsonl`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Jsonl => "jsonl",
        }
    }
}

impl FromStr for LedgerFormat {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text.to_ascii_lowercase().as_str() {
            "csv" => Ok(Self::Csv),
            "jsonl" | "ndjson" => Ok(Self::Jsonl),
            _ => Err(format!("{} is not a ledger format (csv or jsonl)", fields::shown(text))),
        }
    }
}

/// The rows of a ledger as they are read, one at a time.
///
/// A row that breaks a rule is an `Err` and reading goes on with the next row, so a caller can
/// list every bad row at once; a header that cannot be used or a failed read ends the rows.
pub struct LedgerReader<R: Read> {
    rows: Rows<R>,
}

enum Rows<R: Read> {
    // boxed: the CSV parser carries its state and column map inline, once per ledger
    Csv(Box<from_csv::CsvRows<R>>),
    Jsonl(from_jsonl::JsonlRows<R>),
}

impl<R: Read> LedgerReader<R> {
    /// Reads `reader` as a ledger written in `format`. Nothing is read until the first row is
    /// asked for; JSONL is buffered here, CSV by its parser, so a plain `File` is fine.
    pub fn new(reader: R, format: LedgerFormat) -> Self {
        let rows = match format {
            LedgerFormat::Csv => Rows::Csv(Box::new(from_csv::CsvRows::new(reader))),
            LedgerFormat::Jsonl => Rows::Jsonl(from_jsonl::JsonlRows::new(reader)),
        };
        Self { rows }
    }
}

impl<R: Read> Iterator for LedgerReader<R> {
    type Item = Result<LedgerRow, LedgerError>;

    fn next(&mut self) -> Option<Self::Item> {
        match &mut self.rows {
            Rows::Csv(rows) => rows.next(),
            Rows::Jsonl(rows) => rows.next(),
        }
    }
}

/// The text of one row's cells, before any rule is applied (both readers produce it).
pub(crate) struct RawRow<'a> {
    pub(crate) line: u64,
    pub(crate) provider: &'a str,
    pub(crate) reference: &'a str,
    pub(crate) amount: &'a str,
    pub(crate) currency: &'a str,
    pub(crate) status: Option<&'a str>,
    pub(crate) direction: Option<&'a str>,
    pub(crate) created: Option<&'a str>,
}

impl RawRow<'_> {
    /// The row, once every cell has passed its rule; the first failing one is the error.
    pub(crate) fn check(&self) -> Result<LedgerRow, LedgerError> {
        let at = |column: &'static str| move |message: String| LedgerError::new(self.line, Some(column), message);
        let row = LedgerRow {
            line: self.line,
            provider: fields::provider(self.provider).map_err(at(fields::PROVIDER))?,
            reference: fields::reference(self.reference).map_err(at(fields::REFERENCE))?,
            amount: fields::amount(self.amount).map_err(at(fields::AMOUNT))?,
            currency: fields::currency(self.currency).map_err(at(fields::CURRENCY))?,
            status: fields::status(self.status.unwrap_or_default()).map_err(at(fields::STATUS))?,
            direction: fields::direction(self.direction.unwrap_or_default()).map_err(at(fields::DIRECTION))?,
            created: fields::created(self.created.unwrap_or_default()).map_err(at(fields::CREATED))?,
        };
        fields::signed(row.amount, row.direction).map_err(at(fields::AMOUNT))?;
        Ok(row)
    }
}

/// A whole ledger, indexed by provider and reference: the side of a reconciliation that is held
/// in memory (the providers' side is streamed past it).
#[derive(Clone, Debug, Default)]
pub struct Ledger {
    by_provider: HashMap<String, HashMap<String, LedgerRow>>,
    len: usize,
}

impl Ledger {
    /// Reads every row of a ledger; the first row that breaks a rule, or a provider and
    /// reference listed twice, is the error.
    pub fn read<R: Read>(reader: R, format: LedgerFormat) -> Result<Self, LedgerError> {
        let mut ledger = Self::default();
        for row in LedgerReader::new(reader, format) {
            ledger.insert_checked(row?)?;
        }
        Ok(ledger)
    }

    /// A ledger of rows the caller built. Each row is checked by the rules a file's rows are
    /// (provider lowercased, currency normalized, no empty provider or reference, no negative
    /// amount with direction `in`), and a provider and reference listed twice is an error naming
    /// both rows' lines.
    pub fn from_rows(rows: impl IntoIterator<Item = LedgerRow>) -> Result<Self, LedgerError> {
        let mut ledger = Self::default();
        for row in rows {
            ledger.insert(row)?;
        }
        Ok(ledger)
    }

    /// Adds one row the caller built, checked as [`Ledger::from_rows`] checks them.
    pub fn insert(&mut self, row: LedgerRow) -> Result<(), LedgerError> {
        let line = row.line;
        let at = |column: &'static str| move |message: String| LedgerError::new(line, Some(column), message);
        let checked = LedgerRow {
            provider: fields::provider(&row.provider).map_err(at(fields::PROVIDER))?,
            reference: fields::reference(&row.reference).map_err(at(fields::REFERENCE))?,
            currency: fields::currency(&row.currency).map_err(at(fields::CURRENCY))?,
            ..row
        };
        fields::signed(checked.amount, checked.direction).map_err(at(fields::AMOUNT))?;
        self.insert_checked(checked)
    }

    fn insert_checked(&mut self, row: LedgerRow) -> Result<(), LedgerError> {
        let references = self.by_provider.entry(row.provider.clone()).or_default();
        if let Some(first) = references.get(&row.reference) {
            return Err(LedgerError::new(
                row.line,
                Some(fields::REFERENCE),
                format!(
                    "provider {} reference {} is also on line {}: a ledger lists each payment once",
                    row.provider,
                    fields::shown(&row.reference),
                    first.line
                ),
            ));
        }
        references.insert(row.reference.clone(), row);
        self.len += 1;
        Ok(())
    }

    /// How many rows the ledger has.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the ledger has no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The row of a provider's payment (the provider name in any letter case).
    pub fn get(&self, provider: &str, reference: &str) -> Option<&LedgerRow> {
        self.by_provider.get(fields::lowercase(provider).as_ref())?.get(reference)
    }

    /// Every row, in no particular order.
    pub fn rows(&self) -> impl Iterator<Item = &LedgerRow> {
        self.by_provider.values().flat_map(HashMap::values)
    }

    /// The providers the ledger has rows for, lowercase, in no particular order.
    pub fn providers(&self) -> impl Iterator<Item = &str> {
        self.by_provider.keys().map(String::as_str)
    }

    /// Takes a provider's row out, once a provider record has claimed it.
    pub(crate) fn take(&mut self, provider: &str, reference: &str) -> Option<LedgerRow> {
        let row = self.by_provider.get_mut(provider)?.remove(reference)?;
        self.len -= 1;
        Some(row)
    }

    /// Takes out every row left for `provider`.
    pub(crate) fn take_provider(&mut self, provider: &str) -> impl Iterator<Item = LedgerRow> + use<> {
        let rows = self.by_provider.remove(provider).unwrap_or_default();
        self.len -= rows.len();
        rows.into_values()
    }
}
