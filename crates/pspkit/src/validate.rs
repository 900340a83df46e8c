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

/// A path parameter's value: an empty one would change the route (`/cashouts/` instead of
/// `/cashouts/{id}`), whatever the spec says of it.
pub fn path_segment(operation: &'static str, field: &str, value: Option<&str>) -> Result<(), Error> {
    match value {
        Some("") => Err(Error::InvalidRequest {
            operation,
            field: field.to_owned(),
            rule: "is empty (it is a segment of the URL path)".into(),
        }),
        _ => Ok(()),
    }
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
