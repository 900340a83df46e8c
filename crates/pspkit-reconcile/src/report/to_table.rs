//! Entries as text for a person: the summary first, then every discrepancy as an aligned row.
//!
//! Matched entries are only counted (a month can have a million); discrepancies are held as
//! their printed cells until the end, when the column widths are known. Control characters in
//! provider data (a newline in a reference) are printed escaped so that a row stays one line,
//! and each cell is cut at [`CELL`] characters: every row is padded to the widest cell, so one
//! provider's megabyte reference would otherwise make every row a megabyte wide.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::{self, Write};

use pspkit::Decimal;

use crate::reconcile::{Entry, Kind};
use crate::summary::Summary;

const HEADER: [&str; 5] = ["kind", "provider", "reference", "ledger", "provider"];

/// The most characters a cell shows, its `…` included.
const CELL: usize = 40;

#[derive(Default)]
pub(crate) struct Table {
    rows: Vec<[String; 5]>,
}

impl Table {
    pub(crate) fn entry(&mut self, entry: &Entry) {
        if !entry.kind.is_discrepancy() {
            return;
        }
        // cells are built from the raw text and escaped as they are cut (`cell`)
        let ledger = entry.ledger.as_ref().map_or_else(
            || "-".to_owned(),
            |row| {
                let mut text = format!("{} {}", row.amount, row.currency);
                if let Some(direction) = row.direction {
                    text.push_str(&format!(" {direction}"));
                }
                if let Some(status) = row.status {
                    text.push_str(&format!(" {status}"));
                }
                text
            },
        );
        let provider = entry.payment.as_ref().map_or_else(
            || "-".to_owned(),
            |p| {
                let (amount, currency, direction, status) = (p.amount, &p.currency, p.direction, p.status);
                format!("{amount} {currency} {direction} {status} ({})", p.raw_status)
            },
        );
        self.rows.push([
            cell(entry.kind.as_str()),
            cell(&entry.provider),
            cell(entry.reference.as_deref().unwrap_or("-")),
            cell(&ledger),
            cell(&provider),
        ]);
    }

    pub(crate) fn write<W: Write>(&self, out: &mut W, summary: &Summary) -> io::Result<()> {
        let kind_width = Kind::ALL.iter().map(|k| k.as_str().len()).max().unwrap_or(0);
        let count_width = Kind::ALL.iter().map(|k| summary.count(*k).to_string().len()).max().unwrap_or(0);
        for (kind, tally) in summary.iter() {
            let mut line = format!("{:<kind_width$}  {:>count_width$}", kind.as_str(), tally.count);
            let ledger = totals(&tally.ledger_totals);
            let provider = totals(&tally.provider_totals);
            match (ledger.is_empty(), provider.is_empty()) {
                (true, true) => {}
                (false, true) => line.push_str(&format!("  ledger {ledger}")),
                (true, false) => line.push_str(&format!("  provider {provider}")),
                (false, false) => line.push_str(&format!("  ledger {ledger}; provider {provider}")),
            }
            writeln!(out, "{line}")?;
        }
        if self.rows.is_empty() {
            return writeln!(out, "\nno discrepancies");
        }
        let mut widths = HEADER.map(str::len);
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        writeln!(out)?;
        write_row(out, &HEADER, &widths)?;
        for row in &self.rows {
            write_row(out, row, &widths)?;
        }
        Ok(())
    }
}

fn write_row<W: Write>(out: &mut W, cells: &[impl AsRef<str>], widths: &[usize]) -> io::Result<()> {
    let mut line = String::new();
    let last = cells.len().saturating_sub(1);
    for (i, (cell, width)) in cells.iter().zip(widths).enumerate() {
        let cell = cell.as_ref();
        if i == last {
            line.push_str(cell);
        } else {
            line.push_str(cell);
            let pad = width.saturating_sub(cell.chars().count()) + 2;
            line.extend(std::iter::repeat_n(' ', pad));
        }
    }
    writeln!(out, "{line}")
}

/// `100.50 COP, 20 USD`; a total too large to add up exactly says so.
fn totals(totals: &BTreeMap<String, Option<Decimal>>) -> String {
    let parts: Vec<String> = totals
        .iter()
        .map(|(currency, total)| match total {
            Some(total) => format!("{total} {}", printable(currency)),
            None => format!("{} (total beyond 28 digits)", printable(currency)),
        })
        .collect();
    parts.join(", ")
}

/// A cell as printed: control characters escaped, at most [`CELL`] characters, the last of them
/// `…` when the text was longer. Escaped as it is cut: only what is shown is escaped and kept.
fn cell(text: &str) -> String {
    let mut chars = text.chars().flat_map(|c| {
        let (escaped, plain) = if c.is_control() { (Some(c.escape_default()), None) } else { (None, Some(c)) };
        escaped.into_iter().flatten().chain(plain)
    });
    let mut shown: String = chars.by_ref().take(CELL).collect();
    if chars.next().is_some() {
        shown.pop();
        shown.push('…');
    }
    shown
}

/// The text with control characters escaped (`\n`), borrowed when there are none.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars().map(|c| if c.is_control() { c.escape_default().to_string() } else { c.to_string() }).collect(),
    )
}
