//! One payment record across providers.
//!
//! Each provider reports money moving in its own shape: OnePay's cashouts and payments,
//! OnChainPay's orders, FirstPay's payments, FireKassa's transactions, OnlyOnePays' operations.
//! [`Payment`] is the one shape they all map to, so that an operations team can compare what
//! every provider says happened with its own books (see the `pspkit-reconcile` crate).
//!
//! The mapping of each provider is declared in its spec (the `x-normalize` extension on the
//! list operations: which list holds which direction, which field is the amount, in which unit,
//! and which raw status means what), and the generated client implements [`PaymentSource`]
//! from it. A raw status nobody mapped becomes [`Status::Unknown`], never an error, and the raw
//! value is always kept in [`Payment::raw_status`].

use std::fmt;
use std::pin::Pin;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use futures_core::Stream;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::paginate::Pages;

/// Which way the money moves, seen from the merchant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    /// Money paid to the merchant (a pay-in, a charge, a deposit, an order).
    In,
    /// Money the merchant pays out (a payout, a cashout, a withdrawal).
    Out,
}

impl Direction {
    /// `in` or `out`.
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
}

/// Where a payment stands, in a small closed set every provider's statuses map to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// Not final yet: created, processing, waiting for the payer.
    Pending,
    /// The money moved.
    Succeeded,
    /// The money did not move and will not (declined, errored, expired).
    Failed,
    /// Stopped by the merchant or the payer before the money moved.
    Canceled,
    /// The money moved and was given back.
    Refunded,
    /// A raw status the provider's mapping does not list (see [`Payment::raw_status`]).
    Unknown,
}

impl Status {
    /// Every status, in the order reports list them.
    pub const ALL: [Status; 6] =
        [Status::Pending, Status::Succeeded, Status::Failed, Status::Canceled, Status::Refunded, Status::Unknown];

    /// The lowercase name (`succeeded`).
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "pending",
            Status::Succeeded => "succeeded",
            Status::Failed => "failed",
            Status::Canceled => "canceled",
            Status::Refunded => "refunded",
            Status::Unknown => "unknown",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        Status::ALL.into_iter().find(|s| s.as_str() == text).ok_or_else(|| {
            format!("{text:?} is not a status (pending, succeeded, failed, canceled, refunded or unknown)")
        })
    }
}

impl FromStr for Direction {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "in" => Ok(Direction::In),
            "out" => Ok(Direction::Out),
            _ => Err(format!("{text:?} is not a direction (in or out)")),
        }
    }
}

/// One payment as any provider reports it, in one shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payment {
    /// The provider's name (`onepay`).
    pub provider: String,
    /// The provider's own id of the payment.
    pub provider_id: String,
    /// The merchant's own reference (its order id, as each provider names it), when the
    /// provider reports one: what a ledger is matched by.
    pub reference: Option<String>,
    /// Which way the money moves.
    pub direction: Direction,
    /// The amount in major units (pesos, not centavos), exact and positive for both directions
    /// ([`Payment::direction`] says which way it moves); zero when the provider sent none.
    #[serde(with = "rust_decimal::serde::str")]
    pub amount: Decimal,
    /// ISO 4217 letters (`COP`); a code the currency table does not know is kept as sent
    /// (crypto assets such as `USDT` among them).
    pub currency: String,
    /// Where the payment stands.
    pub status: Status,
    /// The provider's own status, as sent.
    pub raw_status: String,
    /// The fee the provider charged, where it reports one.
    #[serde(with = "rust_decimal::serde::str_option")]
    pub fee: Option<Decimal>,
    /// When it was created (UTC).
    pub created: Option<DateTime<Utc>>,
    /// When it last changed (UTC), where the provider reports it.
    pub updated: Option<DateTime<Utc>>,
}

/// The time range of a walk: `since` inclusive, `until` exclusive; either may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Range {
    /// The earliest creation time kept.
    pub since: Option<DateTime<Utc>>,
    /// The first creation time no longer kept.
    pub until: Option<DateTime<Utc>>,
}

impl Range {
    /// Every payment, whenever it was made.
    pub fn all() -> Self {
        Self::default()
    }

    /// Payments created in `[since, until)`.
    pub fn between(since: DateTime<Utc>, until: DateTime<Utc>) -> Self {
        Self { since: Some(since), until: Some(until) }
    }

    /// The start of the range, or the Unix epoch when it is open: for a provider that requires
    /// a start.
    pub fn since_or_epoch(&self) -> DateTime<Utc> {
        self.since.unwrap_or(DateTime::UNIX_EPOCH)
    }

    /// The end of the range, or a day from now when it is open: for a provider that requires an
    /// end (a day covers any clock skew between the provider and this machine).
    pub fn until_or_tomorrow(&self) -> DateTime<Utc> {
        self.until.unwrap_or_else(|| Utc::now() + chrono::Duration::days(1))
    }

    /// Whether a payment created at `created` is in the range. A payment without a creation
    /// time is kept only by a range open at both ends: it cannot be placed in a closed one.
    pub fn contains(&self, created: Option<DateTime<Utc>>) -> bool {
        match created {
            Some(t) => self.since.is_none_or(|s| t >= s) && self.until.is_none_or(|u| t < u),
            None => self.since.is_none() && self.until.is_none(),
        }
    }
}

/// Pages of normalized payments, fetched one page ahead (see [`PaymentSource::payment_pages`]).
pub type PaymentPages = Pin<Box<dyn Stream<Item = Result<Vec<Payment>, Error>> + Send>>;

/// A client whose spec declares how its lists map to [`Payment`]s (every generated client).
pub trait PaymentSource {
    /// The provider's name (`onepay`).
    fn provider(&self) -> &'static str;

    /// Every payment created in `range`, page by page, across each list the spec maps (OnePay:
    /// its payments, then its cashouts). Memory stays proportional to one page. The range is
    /// applied to each record's creation time as it arrives, so every page of each list is read.
    fn payment_pages(&self, range: Range) -> PaymentPages;
}

/// The pages of one list as pages of payments in `range` (used by the generated clients).
pub fn map_pages<T: Send + 'static>(pages: Pages<T>, range: Range, normalize: fn(&T) -> Payment) -> PaymentPages {
    use futures_util::StreamExt;
    Box::pin(pages.map(move |page| {
        page.map(|page| page.items.iter().map(normalize).filter(|p| range.contains(p.created)).collect())
    }))
}

/// The walks of several lists, one after the other (a list's first page is requested only
/// when the one before is done).
pub fn chain(walks: Vec<PaymentPages>) -> PaymentPages {
    use futures_util::StreamExt;
    Box::pin(futures_util::stream::iter(walks).flatten())
}

/// A walk that fails before its first page: the error is its only item.
pub fn failed(error: Error) -> PaymentPages {
    Box::pin(futures_util::stream::once(async move { Err(error) }))
}

/// Every payment of `client` created in `[since, until)` (either end open when `None`), one
/// record at a time, fetched a page ahead with bounded memory.
pub fn payments<C: PaymentSource + ?Sized>(
    client: &C,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
) -> impl Stream<Item = Result<Payment, Error>> + Send + use<C> {
    use futures_util::StreamExt;
    client.payment_pages(Range { since, until }).flat_map(|page| {
        let records: Vec<Result<Payment, Error>> = match page {
            Ok(records) => records.into_iter().map(Ok).collect(),
            Err(e) => vec![Err(e)],
        };
        futures_util::stream::iter(records)
    })
}

/// ISO 4217 letters for a currency as a provider sends it: a numeric code (`643`, OnlyOnePays)
/// becomes its letters (`RUB`) through the ISO table; letters are upper-cased; anything the
/// table does not know (crypto assets) is kept as sent.
pub fn currency_code(sent: &str) -> String {
    let sent = sent.trim();
    if !sent.is_empty() && sent.bytes().all(|b| b.is_ascii_digit()) {
        return sent
            .parse::<u16>()
            .ok()
            .and_then(iso_currency::Currency::from_numeric)
            .map(|c| c.code().to_owned())
            .unwrap_or_else(|| sent.to_owned());
    }
    sent.to_ascii_uppercase()
}

/// An amount given in minor units (centavos) in major units, by the currency's ISO exponent
/// (two digits when the table does not know the currency). Exact: a decimal division by a power
/// of ten only moves the point.
pub fn from_minor_units(amount: Decimal, currency: &str) -> Decimal {
    let exponent = iso_currency::Currency::from_code(currency).and_then(|c| c.exponent()).unwrap_or(2);
    let divisor = Decimal::from(10u64.pow(u32::from(exponent.min(9))));
    amount.checked_div(divisor).unwrap_or(amount).normalize()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numeric_currency_codes_become_letters() {
        assert_eq!(currency_code("643"), "RUB");
        assert_eq!(currency_code("170"), "COP");
        assert_eq!(currency_code("cop"), "COP");
        assert_eq!(currency_code("USDT"), "USDT");
        assert_eq!(currency_code("999999"), "999999");
    }

    #[test]
    fn minor_units_use_the_currency_exponent() {
        assert_eq!(from_minor_units(Decimal::from(12345), "USD"), Decimal::new(12345, 2));
        assert_eq!(from_minor_units(Decimal::from(500), "JPY"), Decimal::from(500));
        assert_eq!(from_minor_units(Decimal::from(1), "KWD"), Decimal::new(1, 3));
    }

    #[test]
    fn ranges_are_half_open() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let r = Range::between(t("2026-01-01T00:00:00Z"), t("2026-02-01T00:00:00Z"));
        assert!(r.contains(Some(t("2026-01-01T00:00:00Z"))));
        assert!(!r.contains(Some(t("2026-02-01T00:00:00Z"))));
        assert!(!r.contains(None));
        assert!(Range::all().contains(None));
    }
}
