//! A progress line on stderr while pages are fetched, redrawn in place; off when stderr is not
//! a terminal (a pipe or a CI log gets nothing).

use std::io::{IsTerminal, Write};

/// Counts records as pages arrive.
pub(crate) struct Progress {
    label: String,
    live: bool,
    records: u64,
    pages: u64,
}

impl Progress {
    /// A progress line for `label` (`onepay`), shown only on a terminal.
    pub(crate) fn new(label: &str) -> Self {
        Self { label: label.to_owned(), live: std::io::stderr().is_terminal(), records: 0, pages: 0 }
    }

    /// One more page of `records` records.
    pub(crate) fn page(&mut self, records: usize) {
        self.pages += 1;
        self.records += records as u64;
        if self.live {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r{:<12} {:>10} records  {:>7} pages", self.label, self.records, self.pages);
            let _ = err.flush();
        }
    }

    /// The walk is over: ends the line.
    pub(crate) fn done(&self) {
        if self.live {
            eprintln!();
        }
    }
}
