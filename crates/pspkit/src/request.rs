//! Pieces of a request as the generated builders make it from an operation's parameters: path
//! segments and header parameters. Query parameters and JSON bodies go through `reqwest` as
//! progenitor's own methods send them, so both paths put the same bytes on the wire.

use std::fmt::Display;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::RequestBuilder;
use reqwest::header::HeaderValue;

use crate::error::Error;

/// What is percent-encoded in a path parameter: what would end the segment or the path (`/`,
/// `?`, `#`), `%` itself, and what a URL may not hold as it is. The set progenitor encodes.
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// Appends `value` to `url` as one path segment, percent-encoded.
pub fn push_segment(url: &mut String, value: &str) {
    url.extend(utf8_percent_encode(value, SEGMENT));
}

/// Adds a header parameter's value (its text, as progenitor writes it), or nothing for `None`.
/// A value that cannot be an HTTP header fails the call before it is sent, naming the parameter
/// (and not its value, which may be a secret).
pub fn header<T: Display>(
    request: RequestBuilder,
    operation: &'static str,
    field: &str,
    wire: &'static str,
    value: Option<&T>,
) -> Result<RequestBuilder, Error> {
    let Some(value) = value else { return Ok(request) };
    match HeaderValue::try_from(value.to_string()) {
        Ok(value) => Ok(request.header(wire, value)),
        Err(_) => Err(Error::InvalidRequest {
            operation,
            field: field.to_owned(),
            rule: "must be a valid HTTP header value (visible ASCII, spaces and tabs)".into(),
        }),
    }
}
