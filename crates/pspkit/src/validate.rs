//! Rules of the spec that are checked before a request is sent, so a mistake is a clear error
//! naming the field and the rule instead of a provider's 400.

use serde::Serialize;

use crate::error::Error;

/// `x-require-one-of`: at least one of `fields` must be present (and not null) in `body`.
pub fn require_one_of<B: Serialize>(operation: &'static str, body: &B, fields: &[&str]) -> Result<(), Error> {
    let value =
        serde_json::to_value(body).map_err(|e| Error::Config(format!("the request body does not serialize: {e}")))?;
    let present = fields.iter().any(|f| value.get(f).is_some_and(|v| !v.is_null() && v.as_str() != Some("")));
    if present {
        Ok(())
    } else {
        Err(Error::InvalidRequest {
            operation,
            field: fields.join(" | "),
            rule: format!("at least one of {} is required", fields.join(", ")),
        })
    }
}

/// A required value of a request, or an error naming the field before anything is sent.
pub fn required<T>(operation: &'static str, field: &str, value: Option<T>) -> Result<T, Error> {
    value.ok_or_else(|| Error::InvalidRequest { operation, field: field.to_owned(), rule: "is required".into() })
}

/// A path parameter's value, refused when it would send the call to another route:
///
/// - empty: `/cashouts/` is another route than `/cashouts/{id}`;
/// - `.` or `..`: URL parsers resolve those segments (WHATWG URL, which `reqwest` follows), so
///   `cancel_transaction("..")` would cancel at the parent path; percent-encoding them does not
///   help, as `%2e` is read as a dot too;
/// - holding `\`: in an `http(s)` URL it is read as `/`, so `"..\\invoices\\INV-1"` would
///   climb to another resource. The builders encode it, but a file download goes through
///   progenitor's path encoding, which does not, so the value is refused for every call alike.
///
/// The rest of a value is percent-encoded into one segment.
pub fn path_segment(operation: &'static str, field: &str, value: Option<&str>) -> Result<(), Error> {
    let rule = match value {
        Some("") => "is empty (it is a segment of the URL path)",
        Some("." | "..") => "is `.` or `..`, which a URL reads as this or the parent path, not as a value",
        Some(v) if v.contains('\\') => "holds `\\`, which a URL reads as `/` (it is a segment of the URL path)",
        _ => return Ok(()),
    };
    Err(Error::InvalidRequest { operation, field: field.to_owned(), rule: rule.into() })
}

/// A value the spec gives the pattern `^\S+$` (an identifier): at least one character, none of
/// them white space (JSON Schema's `\s`, Unicode white space and the byte-order mark).
pub fn no_white_space(operation: &'static str, field: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        Some(v) if v.is_empty() || v.chars().any(|c| c.is_whitespace() || c == '\u{feff}') => {
            Err(Error::InvalidRequest {
                operation,
                field: field.to_owned(),
                rule: "must match ^\\S+$ (an identifier, with no white space)".into(),
            })
        }
        _ => Ok(()),
    }
}

/// The most digits before the decimal point of an amount sent (the specs' decimal pattern,
/// `^-?[0-9]{1,16}(\.[0-9]{1,12})?$`).
pub const AMOUNT_INTEGER_DIGITS: usize = 16;
/// The most digits after the decimal point of an amount sent.
pub const AMOUNT_FRACTION_DIGITS: usize = 12;

/// An amount (`DecimalString`, `DecimalNumber`) as it goes on the wire, refused when it breaks
/// the specs' decimal pattern: at most [`AMOUNT_INTEGER_DIGITS`] digits before the point and
/// [`AMOUNT_FRACTION_DIGITS`] after it. Checked on the text sent, so the scale the caller gave
/// counts (`100.0000000000000` has 13 digits after the point).
pub fn amount<T: Serialize>(operation: &'static str, field: &str, value: Option<&T>) -> Result<(), Error> {
    match value.and_then(amount_problem) {
        Some(rule) => Err(Error::InvalidRequest { operation, field: field.to_owned(), rule }),
        None => Ok(()),
    }
}

/// What is wrong with an amount as it goes on the wire (see [`amount`]), or `None` when it
/// keeps to the digit limits: for an amount nested in a request body, whose path (with its list
/// indices) is only written out when it is refused.
pub fn amount_problem<T: Serialize>(value: &T) -> Option<String> {
    let text = serde_json::to_string(value).unwrap_or_default();
    let text = text.trim_matches('"');
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').map_or((digits, None), |(w, f)| (w, Some(f)));
    if whole.len() > AMOUNT_INTEGER_DIGITS {
        Some(format!("has {} digits before the decimal point; at most {AMOUNT_INTEGER_DIGITS} are sent", whole.len()))
    } else {
        fraction.filter(|f| f.len() > AMOUNT_FRACTION_DIGITS).map(|f| {
            format!(
                "has {} digits after the decimal point; at most {AMOUNT_FRACTION_DIGITS} are sent (round it, or drop \
                 trailing zeros)",
                f.len()
            )
        })
    }
}
