//! Reconciliation: the merchant's own books compared with what payment providers report.
//!
//! An operations team keeps a ledger of the payments it expects (a CSV or JSONL export of its
//! books) and asks each provider what it handled over a date range (the normalized
//! [`Payment`](pspkit::normalized::Payment) records every pspkit client produces). This crate
//! matches the two by provider and the merchant's reference and says, for each payment, whether
//! they agree:
//!
//! - [`Ledger`]: the books, read and checked row by row ([`LedgerReader`], [`LedgerFormat`]); a
//!   row that breaks a rule is an error with its line and column, never skipped;
//! - [`Reconciler`]: classifies each provider record as it arrives ([`Kind`], [`Entry`]) and, at
//!   the end, lists the ledger rows no provider reported; given the time range the providers
//!   were asked about ([`Reconciler::with_range`]), it leaves out the rows the books date
//!   outside it (a row with no `created` date is always listed);
//! - [`Summary`]: how many of each kind, with their totals, and the exit code of a run;
//! - [`ReportWriter`]: the entries as a table, JSON, JSONL or CSV ([`ReportFormat`]);
//!   [`spreadsheet_safe`] is the guard the CSV report puts on every cell of outside text.
//!
//! Money is exact throughout: amounts are parsed from their text and compared as decimals, so
//! `1.50` matches `1.5` and `0.1 + 0.2` is `0.3`. Providers report positive amounts with a
//! direction; a ledger may write a payout as a negative amount instead, so amounts are compared
//! as absolute values and a negative ledger amount means the money goes out.
//!
//! ```
//! use pspkit::normalized::{Direction, Payment, Status};
//! use pspkit_reconcile::{Kind, Ledger, LedgerFormat, Reconciler, ReportFormat, ReportWriter};
//!
//! let books = "provider,reference,amount,currency,status\n\
//!              onepay,order-1,100.50,COP,succeeded\n\
//!              onepay,order-2,20,COP,succeeded\n";
//! let ledger = Ledger::read(books.as_bytes(), LedgerFormat::Csv)?;
//!
//! let reported = Payment {
//!     provider: "onepay".into(),
//!     provider_id: "p-1".into(),
//!     reference: Some("order-1".into()),
//!     direction: Direction::In,
//!     amount: "100.5".parse()?,
//!     currency: "COP".into(),
//!     status: Status::Succeeded,
//!     raw_status: "APPROVED".into(),
//!     fee: None,
//!     created: None,
//!     updated: None,
//! };
//!
//! let mut reconciler = Reconciler::new(ledger, ["onepay"]);
//! let mut report = ReportWriter::new(Vec::new(), ReportFormat::Jsonl);
//! let entry = reconciler.add(&reported);
//! assert_eq!(entry.kind, Kind::Matched);
//! report.entry(&entry)?;
//! let mut missing = reconciler.finish();
//! for entry in missing.by_ref() {
//!     report.entry(&entry)?;
//! }
//! let summary = missing.summary();
//! assert_eq!(summary.count(Kind::MissingInProvider), 1);
//! assert_eq!(summary.exit_code(), 1);
//! let jsonl = String::from_utf8(report.finish(summary)?)?;
//! assert_eq!(jsonl.lines().count(), 2);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod fields;
pub mod ledger;
pub mod reconcile;
pub mod report;
pub mod summary;

pub use ledger::{Ledger, LedgerError, LedgerFormat, LedgerReader, LedgerRow};
pub use reconcile::{Entry, Kind, MissingInProvider, Reconciler};
pub use report::{ReportFormat, ReportWriter, spreadsheet_safe};
pub use summary::{Summary, Tally};
