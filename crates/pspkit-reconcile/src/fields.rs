//! The rule each ledger field is checked against, shared by the CSV and JSONL readers and by
//! [`Ledger::from_rows`](crate::Ledger::from_rows), so that a row means the same whichever way
//! it arrived.
//!
//! Every check returns the message to show after the column's name; the caller adds the line.

use std::borrow::Cow;

use chrono::{DateTime, NaiveDate, Utc};
use pspkit::Decimal;
use pspkit::normalized::{Direction, Status, currency_code};

// The columns a ledger row has (CSV header names, JSONL keys).
pub(crate) const PROVIDER: &str = "provider";
pub(crate) const REFERENCE: &str = "reference";
pub(crate) const AMOUNT: &str = "amount";
pub(crate) const CURRENCY: &str = "currency";
pub(crate) const STATUS: &str = "status";
pub(crate) const DIRECTION: &str = "direction";
pub(crate) const CREATED: &str = "created";

/// Every column, required ones first, in the order error messages list them.
pub(crate) const COLUMNS: [&str; 7] = [PROVIDER, REFERENCE, AMOUNT, CURRENCY, STATUS, DIRECTION, CREATED];
/// The columns every ledger has.
pub(crate) const REQUIRED: [&str; 4] = [PROVIDER, REFERENCE, AMOUNT, CURRENCY];
/// How messages describe the expected columns.
pub(crate) const EXPECTED: &str = "a ledger has the columns provider, reference, amount and currency, \
                                   and optionally status, direction and created";

/// A provider name as matched: trimmed and lowercase, so `OnePay` in the ledger is `onepay`.
pub(crate) fn provider(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty: every row names the provider that handled the payment".into());
    }
    Ok(lowercase(text).into_owned())
}

/// The merchant's reference (order id): trimmed, never empty.
pub(crate) fn reference(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("is empty: every row has the merchant's reference the provider reports".into());
    }
    Ok(text.to_owned())
}

/// An amount written plainly: an optional sign, digits, optionally a point and more digits.
///
/// Stricter than what providers are allowed to send: a ledger is exported from the merchant's own
/// books, where `1e3`, `1,000.00` or `12,50` mean a spreadsheet reformatted the column, and
/// guessing what was meant would hide that.
pub(crate) fn amount(text: &str) -> Result<Decimal, String> {
    let text = text.trim();
    if !pspkit::money::is_plain_decimal(text) {
        return Err(format!(
            "{} is not a plain decimal amount (digits with an optional sign and decimal point, \
             such as -1250.50; no exponent, thousands separator or decimal comma)",
            shown(text)
        ));
    }
    pspkit::money::parse_decimal_text(text)
}

/// An amount's sign against the row's direction: a negative amount is how books write a payout,
/// so a row that also says `in` contradicts itself, and which of the two is wrong cannot be told.
pub(crate) fn signed(amount: Decimal, direction: Option<Direction>) -> Result<(), String> {
    if amount < Decimal::ZERO && direction == Some(Direction::In) {
        return Err(format!(
            "is {amount} with direction in: a negative amount is a payout; its direction cannot be in"
        ));
    }
    Ok(())
}

/// When the payment was made: RFC 3339 with any offset (`2026-05-01T10:00:00-05:00`), or a date
/// alone (`2026-05-01`, read as midnight UTC); empty means the ledger does not say.
pub(crate) fn created(text: &str) -> Result<Option<DateTime<Utc>>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(date) = date_alone(text) {
        return date.map(|date| Some(date.and_time(chrono::NaiveTime::MIN).and_utc()));
    }
    DateTime::parse_from_rfc3339(text).map(|t| Some(t.with_timezone(&Utc))).map_err(|_| {
        format!(
            "{} is not a time (RFC 3339 with an offset, such as 2026-05-01T10:00:00Z, or a date \
             alone, such as 2026-05-01)",
            shown(text)
        )
    })
}

/// A `YYYY-MM-DD` date: `None` when the text is not of that shape, an error when it is but names
/// no day (`2026-02-30`). The shape is checked by hand because chrono's `%Y-%m-%d` also takes
/// `2026-5-1` and `+2026-05-01`, which a ledger export does not write.
fn date_alone(text: &str) -> Option<Result<NaiveDate, String>> {
    let bytes = text.as_bytes();
    let shaped = bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| if i == 4 || i == 7 { *b == b'-' } else { b.is_ascii_digit() });
    if !shaped {
        return None;
    }
    let number = |range: std::ops::Range<usize>| text[range].parse::<u32>().ok();
    let date = match (number(0..4), number(5..7), number(8..10)) {
        (Some(year), Some(month), Some(day)) => {
            i32::try_from(year).ok().and_then(|year| NaiveDate::from_ymd_opt(year, month, day))
        }
        _ => None,
    };
    Some(date.ok_or_else(|| format!("{} is not a date on the calendar", shown(text))))
}

/// A currency: three or more ASCII letters or digits, as ISO 4217 letters where the code is one
/// (`643` becomes `RUB`, `cop` becomes `COP`); other codes (`USDT`) are upper-cased.
pub(crate) fn currency(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.len() < 3 || !text.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!(
            "{} is not a currency code (3 or more ASCII letters or digits, such as COP, 643 or USDT)",
            shown(text)
        ));
    }
    Ok(currency_code(text))
}

/// A normalized status name, in any letter case; empty means the ledger does not say.
pub(crate) fn status(text: &str) -> Result<Option<Status>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let lower = text.to_ascii_lowercase();
    match Status::ALL.into_iter().find(|s| s.as_str() == lower) {
        Some(status) => Ok(Some(status)),
        None => {
            let names: Vec<&str> = Status::ALL.iter().map(|s| s.as_str()).collect();
            Err(format!("{} is not a status (one of {})", shown(text), names.join(", ")))
        }
    }
}

/// `in` or `out`, in any letter case; empty means the ledger does not say.
pub(crate) fn direction(text: &str) -> Result<Option<Direction>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.to_ascii_lowercase().as_str() {
        "in" => Ok(Some(Direction::In)),
        "out" => Ok(Some(Direction::Out)),
        _ => Err(format!("{} is not a direction (in or out)", shown(text))),
    }
}

/// A currency as matched and totalled: the provider clients already send ISO letters, so the
/// usual case borrows; anything else goes through the same normalization as the ledger.
pub(crate) fn currency_key(sent: &str) -> Cow<'_, str> {
    let plain = !sent.is_empty()
        && sent.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && !sent.bytes().all(|b| b.is_ascii_digit());
    if plain { Cow::Borrowed(sent) } else { Cow::Owned(currency_code(sent)) }
}

/// A name lowercased, borrowing when it already is (provider names nearly always are).
pub(crate) fn lowercase(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_uppercase) { Cow::Owned(text.to_lowercase()) } else { Cow::Borrowed(text) }
}

/// A value quoted for a message, cut short: a hostile cell must not make a megabyte error.
pub(crate) fn shown(text: &str) -> String {
    const LIMIT: usize = 40;
    let mut cut: String = text.chars().take(LIMIT).collect();
    if text.chars().nth(LIMIT).is_some() {
        cut.push('…');
    }
    format!("{cut:?}")
}
