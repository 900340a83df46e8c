//! Matching provider records with ledger rows, one record at a time.
//!
//! The ledger is held; the providers' records stream past it. Each record is matched by its
//! provider and the merchant's reference, classified at once, and its ledger row taken out of
//! the ledger, so memory shrinks as a run goes on and nothing about a matched pair is kept but
//! the counts. What is left of the ledger at the end, for the providers being reconciled, is
//! what those providers never reported (within the run's time range, when it has one).

use std::fmt;
use std::vec;

use pspkit::Decimal;
use pspkit::normalized::{Direction, Payment, Range};
use serde::{Deserialize, Serialize};

use crate::fields;
use crate::ledger::{Ledger, LedgerRow};
use crate::summary::Summary;

/// What a reconciliation found about one payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The ledger and the provider agree.
    Matched,
    /// In the ledger, never reported by its provider.
    MissingInProvider,
    /// Reported by a provider, not in the ledger: no reference, an unknown one, or one the
    /// provider already reported once.
    MissingInLedger,
    /// Both have it, with different amounts (compared as absolute values) or directions (the
    /// ledger's, or a negative ledger amount's `out`).
    AmountMismatch,
    /// Both have it, in different currencies.
    CurrencyMismatch,
    /// Both have it with the same money, but the ledger expects another status.
    StatusMismatch,
}

impl Kind {
    /// Every kind, in the order reports list them.
    pub const ALL: [Kind; 6] = [
        Kind::Matched,
        Kind::MissingInProvider,
        Kind::MissingInLedger,
        Kind::AmountMismatch,
        Kind::CurrencyMismatch,
        Kind::StatusMismatch,
    ];

    /// The snake_case name reports use (`amount_mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Matched => "matched",
            Kind::MissingInProvider => "missing_in_provider",
            Kind::MissingInLedger => "missing_in_ledger",
            Kind::AmountMismatch => "amount_mismatch",
            Kind::CurrencyMismatch => "currency_mismatch",
            Kind::StatusMismatch => "status_mismatch",
        }
    }

    /// Whether someone has to look at it: every kind but `matched`.
    pub fn is_discrepancy(self) -> bool {
        self != Kind::Matched
    }

    /// The kind's place in [`Kind::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            Kind::Matched => 0,
            Kind::MissingInProvider => 1,
            Kind::MissingInLedger => 2,
            Kind::AmountMismatch => 3,
            Kind::CurrencyMismatch => 4,
            Kind::StatusMismatch => 5,
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: the kind, and both sides as far as they exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// What was found.
    pub kind: Kind,
    /// The provider, lowercase.
    pub provider: String,
    /// The merchant's reference, when there is one (a provider record may have none).
    pub reference: Option<String>,
    /// The ledger's row; `None` for `missing_in_ledger`.
    pub ledger: Option<LedgerRow>,
    /// The provider's record; `None` for `missing_in_provider`.
    pub payment: Option<Payment>,
}

/// Classifies provider records against a ledger as they arrive.
///
/// ```
/// use pspkit_reconcile::{Kind, Ledger, LedgerFormat, Reconciler};
///
/// let csv = "provider,reference,amount,currency\nonepay,order-1,100.50,COP\nonepay,order-2,20,COP\n";
/// let ledger = Ledger::read(csv.as_bytes(), LedgerFormat::Csv)?;
/// let mut reconciler = Reconciler::new(ledger, ["onepay"]);
/// // ...for each record a provider client's `payments` stream yields:
/// // let entry = reconciler.add(&payment);
/// let missing = reconciler.finish();
/// assert_eq!(missing.summary().count(Kind::MissingInProvider), 2);
/// # Ok::<(), pspkit_reconcile::LedgerError>(())
/// ```
#[derive(Debug)]
pub struct Reconciler {
    ledger: Ledger,
    providers: Vec<String>,
    range: Range,
    summary: Summary,
}

impl Reconciler {
    /// Reconciles `ledger` with the records of `providers` (names in any letter case).
    ///
    /// Only these providers' unreported ledger rows become `missing_in_provider`: a ledger
    /// usually covers every provider, and a run often fetches a few. A record of a provider not
    /// named here is still matched against the ledger.
    pub fn new<I, S>(ledger: Ledger, providers: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut providers: Vec<String> = providers.into_iter().map(|p| p.as_ref().trim().to_lowercase()).collect();
        providers.sort_unstable();
        providers.dedup();
        Self { ledger, providers, range: Range::all(), summary: Summary::default() }
    }

    /// The time range the providers were asked about (the one given to their `payment_pages`):
    /// at [`Reconciler::finish`], a ledger row whose `created` is outside it is not reported as
    /// `missing_in_provider` and is not counted in any kind, since no provider was asked for
    /// it. A row without `created` cannot be placed outside the range, so it is still
    /// reported. The range is `since` inclusive, `until` exclusive, compared in UTC (a ledger
    /// date alone is midnight UTC).
    ///
    /// Matching is unchanged: a provider record claims its ledger row whatever the row's date,
    /// so a payment the books date a day earlier than the provider does is still matched. The
    /// other way round it is not: a row the books date just inside the range, whose provider
    /// dates it just outside, was never asked for and is reported missing.
    /// Without this call every unclaimed row of a reconciled provider is reported.
    pub fn with_range(mut self, range: Range) -> Self {
        self.range = range;
        self
    }

    /// Classifies one provider record, taking its ledger row out of the ledger.
    ///
    /// Checks, in order: no reference, or none the ledger has left (a reference the provider
    /// already reported once is no longer there) → `missing_in_ledger`; another currency →
    /// `currency_mismatch`; another amount (compared exactly and as absolute values: `1.50`
    /// equals `1.5`, and a ledger's `-60` equals a provider's `60`) or another direction →
    /// `amount_mismatch`; where the ledger gives one, another status → `status_mismatch`;
    /// otherwise `matched`.
    ///
    /// The ledger's direction is its `direction` where it gives one, else `out` where its amount
    /// is negative (books write payouts that way; providers report a positive amount going
    /// out); a row with neither is not compared on direction.
    pub fn add(&mut self, payment: &Payment) -> Entry {
        let provider = fields::lowercase(payment.provider.trim());
        let reference = payment.reference.as_deref().map(str::trim).filter(|r| !r.is_empty());
        let ledger = reference.and_then(|reference| self.ledger.take(&provider, reference));
        let kind = ledger.as_ref().map_or(Kind::MissingInLedger, |row| classify(row, payment));
        self.summary.record_parts(kind, ledger.as_ref(), Some(payment));
        Entry {
            kind,
            provider: provider.into_owned(),
            reference: reference.map(str::to_owned),
            ledger,
            payment: Some(payment.clone()),
        }
    }

    /// The counts so far (without the `missing_in_provider` rows, known only at the end).
    pub fn summary(&self) -> &Summary {
        &self.summary
    }

    /// How many ledger rows no provider record has claimed yet, across every provider.
    pub fn unclaimed(&self) -> usize {
        self.ledger.len()
    }

    /// Ends the run: the ledger rows of the reconciled providers that no record claimed, as
    /// `missing_in_provider` entries in ledger line order, with the final summary. Rows created
    /// outside the run's range ([`Reconciler::with_range`]) are left out.
    pub fn finish(mut self) -> MissingInProvider {
        let mut rows: Vec<LedgerRow> = Vec::new();
        let range = self.range;
        // only a row that says when it was made can be outside the range (`Range::contains`
        // would drop an undated row from any closed range, hiding a payment nobody reported)
        let expected = |row: &LedgerRow| row.created.is_none_or(|created| range.contains(Some(created)));
        for provider in &self.providers {
            rows.extend(self.ledger.take_provider(provider).filter(expected));
        }
        rows.sort_unstable_by(|a, b| (a.line, &a.provider, &a.reference).cmp(&(b.line, &b.provider, &b.reference)));
        for row in &rows {
            self.summary.record_parts(Kind::MissingInProvider, Some(row), None);
        }
        MissingInProvider { rows: rows.into_iter(), summary: self.summary }
    }
}

fn classify(row: &LedgerRow, payment: &Payment) -> Kind {
    if fields::currency_key(&payment.currency) != row.currency.as_str() {
        Kind::CurrencyMismatch
    } else if row.amount.abs() != payment.amount.abs() || direction(row).is_some_and(|d| d != payment.direction) {
        Kind::AmountMismatch
    } else if row.status.is_some_and(|s| s != payment.status) {
        Kind::StatusMismatch
    } else {
        Kind::Matched
    }
}

/// Which way the ledger says the money moves: its direction, or `out` for a negative amount
/// (the sign is how books write a payout); `None` when it does not say.
fn direction(row: &LedgerRow) -> Option<Direction> {
    row.direction.or_else(|| (row.amount < Decimal::ZERO).then_some(Direction::Out))
}

/// The `missing_in_provider` entries of a finished run, and its final [`Summary`] (which already
/// counts them, whether or not they are iterated).
#[derive(Debug)]
pub struct MissingInProvider {
    rows: vec::IntoIter<LedgerRow>,
    summary: Summary,
}

impl MissingInProvider {
    /// Every kind's count and totals, `missing_in_provider` included.
    pub fn summary(&self) -> &Summary {
        &self.summary
    }
}

impl Iterator for MissingInProvider {
    type Item = Entry;

    fn next(&mut self) -> Option<Entry> {
        let row = self.rows.next()?;
        Some(Entry {
            kind: Kind::MissingInProvider,
            provider: row.provider.clone(),
            reference: Some(row.reference.clone()),
            ledger: Some(row),
            payment: None,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.rows.size_hint()
    }
}

impl ExactSizeIterator for MissingInProvider {}
