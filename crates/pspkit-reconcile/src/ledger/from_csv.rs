//! Ledger rows from CSV: a header row naming the columns in any order, then one row per payment.
//!
//! Cells are read as bytes and checked for UTF-8 one by one, so that a stray byte is reported
//! with its line and column instead of as an unreadable file. Whitespace around cells and
//! header names is ignored (spreadsheets pad them; each field's rule trims its cell, which is
//! cheaper than the parser trimming every cell); header names are matched in any letter case.

use std::io::Read;

use csv::{ByteRecord, Reader, ReaderBuilder};

use super::line_endings::LfOnly;
use super::{LedgerError, LedgerRow, RawRow};
use crate::fields;

/// How many unknown header names an error lists before it counts the rest.
const LISTED: usize = 10;

pub(crate) struct CsvRows<R: Read> {
    reader: Reader<LfOnly<R>>,
    columns: Option<Columns>,
    record: ByteRecord,
    done: bool,
}

/// Where each column is in a row, from the header.
struct Columns {
    /// The column at each position.
    names: Vec<&'static str>,
    provider: usize,
    reference: usize,
    amount: usize,
    currency: usize,
    status: Option<usize>,
    direction: Option<usize>,
    created: Option<usize>,
}

impl<R: Read> CsvRows<R> {
    pub(crate) fn new(reader: R) -> Self {
        // Flexible, because the row length is checked here: a row with more or fewer cells than
        // the header is an error naming the first missing column, rather than cells silently
        // moving to the wrong column, and it must carry the line found by `first_line`.
        let reader = ReaderBuilder::new().has_headers(false).flexible(true).from_reader(LfOnly::new(reader));
        Self { reader, columns: None, record: ByteRecord::new(), done: false }
    }

    pub(crate) fn next(&mut self) -> Option<Result<LedgerRow, LedgerError>> {
        if self.done {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) if self.columns.is_none() => {
                self.done = true;
                let message = format!(
                    "the ledger is empty: its first line is a header naming the columns ({})",
                    fields::EXPECTED
                );
                return Some(Err(LedgerError::new(1, None, message)));
            }
            Ok(false) => {
                self.done = true;
                return None;
            }
            Err(error) => {
                self.done = true;
                let line = self.reader.position().line();
                return Some(Err(LedgerError::new(line, None, format!("cannot read the ledger: {error}"))));
            }
        }
        let line = first_line(&self.reader, &self.record);
        let Some(columns) = &self.columns else {
            // the first record is the header
            return match Columns::from_header(&self.record, line) {
                Ok(columns) => {
                    self.columns = Some(columns);
                    self.next()
                }
                Err(error) => {
                    self.done = true;
                    Some(Err(error))
                }
            };
        };
        Some(row(&self.record, columns, line))
    }
}

/// The line a record just read starts on.
///
/// The parser's own record position is where it started looking, before any blank lines it
/// skipped, so the line is counted back from where the record ended instead: the parser's line
/// there, less the newlines inside quoted cells, less the newline that ended the record (every
/// record has one, but the last of a file that does not end with a newline).
fn first_line<R: Read>(reader: &Reader<LfOnly<R>>, record: &ByteRecord) -> u64 {
    let after = reader.position();
    let source = reader.get_ref();
    let ends_the_file = source.passed_all() == Some(after.byte()) && source.last() != Some(b'\n');
    let inside: usize = record.iter().map(|cell| cell.iter().filter(|&&b| b == b'\n').count()).sum();
    after.line().saturating_sub(u64::from(!ends_the_file)).saturating_sub(inside as u64).max(1)
}

impl Columns {
    fn from_header(header: &ByteRecord, line: u64) -> Result<Self, LedgerError> {
        let mut names: Vec<&'static str> = Vec::with_capacity(header.len());
        let mut unknown: Vec<String> = Vec::new();
        let mut more = 0usize;
        for cell in header {
            let text = String::from_utf8_lossy(cell);
            let name = text.trim().to_ascii_lowercase();
            match fields::COLUMNS.into_iter().find(|known| *known == name) {
                Some(known) if names.contains(&known) => {
                    return Err(LedgerError::new(line, Some(known), "is in the header twice"));
                }
                Some(known) => names.push(known),
                None if unknown.len() < LISTED => unknown.push(fields::shown(&text)),
                None => more += 1,
            }
        }
        if !unknown.is_empty() {
            let mut listed = unknown.join(", ");
            if more > 0 {
                listed.push_str(&format!(" and {more} more"));
            }
            let noun = if unknown.len() + more == 1 { "column" } else { "columns" };
            return Err(LedgerError::new(line, None, format!("unknown {noun} {listed}: {}", fields::EXPECTED)));
        }
        let missing: Vec<&str> = fields::REQUIRED.into_iter().filter(|c| !names.contains(c)).collect();
        let at = |column: &str| names.iter().position(|name| *name == column);
        match (at(fields::PROVIDER), at(fields::REFERENCE), at(fields::AMOUNT), at(fields::CURRENCY)) {
            (Some(provider), Some(reference), Some(amount), Some(currency)) => Ok(Self {
                provider,
                reference,
                amount,
                currency,
                status: at(fields::STATUS),
                direction: at(fields::DIRECTION),
                created: at(fields::CREATED),
                names,
            }),
            _ => {
                let noun = if missing.len() == 1 { "column" } else { "columns" };
                Err(LedgerError::new(
                    line,
                    None,
                    format!("missing {noun} {}: {}", missing.join(", "), fields::EXPECTED),
                ))
            }
        }
    }
}

/// One row's cells through the rules.
fn row(record: &ByteRecord, columns: &Columns, line: u64) -> Result<LedgerRow, LedgerError> {
    if record.len() != columns.names.len() {
        let (len, expected) = (record.len(), columns.names.len());
        return Err(match columns.names.get(len) {
            Some(missing) => LedgerError::new(
                line,
                Some(missing),
                format!("is missing: the row has {len} cells, the header {expected}"),
            ),
            None => LedgerError::new(line, None, format!("the row has {len} cells, the header {expected}")),
        });
    }
    let cell = |column: &'static str, at: usize| -> Result<&str, LedgerError> {
        let bytes = record.get(at).ok_or_else(|| LedgerError::new(line, Some(column), "is missing"))?;
        std::str::from_utf8(bytes).map_err(|e| {
            LedgerError::new(line, Some(column), format!("is not valid UTF-8 (at byte {})", e.valid_up_to() + 1))
        })
    };
    let optional = |column: &'static str, at: Option<usize>| at.map(|at| cell(column, at)).transpose();
    RawRow {
        line,
        provider: cell(fields::PROVIDER, columns.provider)?,
        reference: cell(fields::REFERENCE, columns.reference)?,
        amount: cell(fields::AMOUNT, columns.amount)?,
        currency: cell(fields::CURRENCY, columns.currency)?,
        status: optional(fields::STATUS, columns.status)?,
        direction: optional(fields::DIRECTION, columns.direction)?,
        created: optional(fields::CREATED, columns.created)?,
    }
    .check()
}
