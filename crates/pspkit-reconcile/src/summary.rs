//! How many entries of each kind a reconciliation produced, and what their amounts add up to.

use std::collections::BTreeMap;

use pspkit::Decimal;
use pspkit::normalized::Payment;

use crate::fields;
use crate::ledger::LedgerRow;
use crate::reconcile::{Entry, Kind};

/// The entries of one kind: how many, and their amounts added up per currency on each side.
///
/// A total is `None` when it no longer fits a decimal exactly (28 significant digits): a
/// rounded total would look right and be wrong.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// How many entries.
    pub count: u64,
    /// The ledger rows' amounts, per ledger currency.
    pub ledger_totals: BTreeMap<String, Option<Decimal>>,
    /// The provider records' amounts, per provider currency.
    pub provider_totals: BTreeMap<String, Option<Decimal>>,
}

impl Tally {
    fn add(&mut self, ledger: Option<&LedgerRow>, payment: Option<&Payment>) {
        self.count += 1;
        if let Some(row) = ledger {
            add_to(&mut self.ledger_totals, &row.currency, row.amount);
        }
        if let Some(payment) = payment {
            add_to(&mut self.provider_totals, &fields::currency_key(&payment.currency), payment.amount);
        }
    }
}

fn add_to(totals: &mut BTreeMap<String, Option<Decimal>>, currency: &str, amount: Decimal) {
    match totals.get_mut(currency) {
        Some(total) => *total = total.and_then(|total| exact_sum(total, amount)),
        None => {
            totals.insert(currency.to_owned(), Some(amount));
        }
    }
}

/// `a + b`, or `None` when the sum does not fit exactly. (A decimal sum that outgrows the
/// 96-bit mantissa is rounded to fewer fraction digits rather than refused; that shows as a
/// scale smaller than the operands'.)
fn exact_sum(a: Decimal, b: Decimal) -> Option<Decimal> {
    let sum = a.checked_add(b)?;
    (sum.scale() >= a.scale().max(b.scale())).then_some(sum)
}

/// Every kind's [`Tally`]: what a report's summary lines and the exit code are made of.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    /// By [`Kind::index`], which is below the length for every kind.
    tallies: [Tally; Kind::ALL.len()],
}

impl Summary {
    /// Counts one entry.
    pub fn record(&mut self, entry: &Entry) {
        self.record_parts(entry.kind, entry.ledger.as_ref(), entry.payment.as_ref());
    }

    pub(crate) fn record_parts(&mut self, kind: Kind, ledger: Option<&LedgerRow>, payment: Option<&Payment>) {
        self.tallies[kind.index()].add(ledger, payment);
    }

    /// The tally of one kind.
    pub fn tally(&self, kind: Kind) -> &Tally {
        &self.tallies[kind.index()]
    }

    /// How many entries of one kind.
    pub fn count(&self, kind: Kind) -> u64 {
        self.tally(kind).count
    }

    /// Every kind with its tally, in [`Kind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (Kind, &Tally)> {
        Kind::ALL.into_iter().map(|kind| (kind, self.tally(kind)))
    }

    /// How many entries in all.
    pub fn total(&self) -> u64 {
        self.tallies.iter().map(|t| t.count).sum()
    }

    /// How many entries are anything but `matched`.
    pub fn discrepancies(&self) -> u64 {
        self.iter().filter(|(kind, _)| kind.is_discrepancy()).map(|(_, t)| t.count).sum()
    }

    /// The process exit code a command-line run reports: 0 when every entry matched, 1 when
    /// there is any discrepancy. (2, for a ledger or provider answer that could not be read, is
    /// the caller's to give: no summary exists then.)
    pub fn exit_code(&self) -> u8 {
        if self.discrepancies() == 0 { 0 } else { 1 }
    }
}
