//! The reconciliation engine through its public interface: reading ledgers, matching provider
//! records, and writing reports.

mod ledger;
mod matching;
mod reports;
mod scale;

use pspkit::Decimal;
use pspkit::normalized::{Direction, Payment, Status};
use pspkit_reconcile::{Ledger, LedgerError, LedgerFormat};

fn dec(text: &str) -> Decimal {
    text.parse().expect("decimal literal")
}

/// A provider record with the fields matching looks at; the rest are plausible defaults.
fn payment(provider: &str, reference: Option<&str>, amount: &str, currency: &str, status: Status) -> Payment {
    Payment {
        provider: provider.into(),
        provider_id: format!("id-{}", reference.unwrap_or("none")),
        reference: reference.map(Into::into),
        direction: Direction::In,
        amount: dec(amount),
        currency: currency.into(),
        status,
        raw_status: status.as_str().to_uppercase(),
        fee: None,
        created: None,
        updated: None,
    }
}

fn read(text: &str, format: LedgerFormat) -> Result<Ledger, LedgerError> {
    Ledger::read(text.as_bytes(), format)
}

/// The error a ledger must be refused with.
fn refused(bytes: &[u8], format: LedgerFormat) -> LedgerError {
    match Ledger::read(bytes, format) {
        Ok(ledger) => panic!("accepted a bad ledger ({} rows): {}", ledger.len(), String::from_utf8_lossy(bytes)),
        Err(error) => error,
    }
}
