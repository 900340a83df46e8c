//! Query parameters and body fields the spec does not list, added to a call's request
//! ([`CallOptions::query`], [`CallOptions::body_fields`]): how a caller sends what a provider has
//! added before the spec says so. They are added once, before the first attempt, so every
//! attempt (and its signature, made afresh on each) carries the same request.

use std::collections::HashMap;

use reqwest::header::CONTENT_TYPE;
use serde::de::IgnoredAny;

use super::CallOptions;
use crate::error::Error;

/// Adds `options`' extra query parameters and body fields to `request`, refusing, before anything
/// is sent, a name the operation sends already (its argument is the way to set it: sent twice,
/// which one the provider reads is its choice) and body fields for an operation whose body is not
/// a JSON object.
pub(super) fn add(operation: &'static str, request: &mut reqwest::Request, options: &CallOptions) -> Result<(), Error> {
    if !options.query.is_empty() {
        add_query(operation, request, &options.query)?;
    }
    if !options.body_fields.is_empty() {
        add_body_fields(operation, request, &options.body_fields)?;
    }
    Ok(())
}

fn refused(operation: &'static str, field: String, rule: &str) -> Error {
    Error::InvalidRequest { operation, field, rule: rule.to_owned() }
}

fn add_query(operation: &'static str, request: &mut reqwest::Request, extra: &[(String, String)]) -> Result<(), Error> {
    let sent: Vec<String> = request.url().query_pairs().map(|(name, _)| name.into_owned()).collect();
    for (name, _) in extra {
        if name.is_empty() {
            return Err(refused(operation, "extra_query".into(), "a parameter name may not be empty"));
        }
        if sent.contains(name) {
            return Err(refused(
                operation,
                format!("extra_query.{name}"),
                "is a parameter the operation sends already; give it as the operation's argument",
            ));
        }
    }
    let mut pairs = request.url_mut().query_pairs_mut();
    for (name, value) in extra {
        pairs.append_pair(name, value);
    }
    Ok(())
}

/// Writes the fields into the body's JSON text, after its own: the body is never parsed into
/// values and written again, so its numbers (amounts among them) keep their text exactly.
fn add_body_fields(
    operation: &'static str,
    request: &mut reqwest::Request,
    extra: &serde_json::Map<String, serde_json::Value>,
) -> Result<(), Error> {
    let Some(body) = request.body().and_then(reqwest::Body::as_bytes) else {
        return Err(refused(
            operation,
            "extra_body".into(),
            "adds fields to a JSON body, and this operation sends none",
        ));
    };
    let json = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    if !json {
        return Err(refused(
            operation,
            "extra_body".into(),
            "adds fields to a JSON body, and this operation sends a form",
        ));
    }
    let not_an_object =
        || refused(operation, "extra_body".into(), "adds fields to a JSON object, and this body is not one");
    // the body's own field names; their values are skipped, not read
    let own: HashMap<String, IgnoredAny> = serde_json::from_slice(body).map_err(|_| not_an_object())?;
    if let Some(name) = extra.keys().find(|name| own.contains_key(*name)) {
        return Err(refused(
            operation,
            format!("extra_body.{name}"),
            "is a field the operation sends already; give it as the operation's argument",
        ));
    }
    let text = body.trim_ascii_end();
    let open = text.strip_suffix(b"}").ok_or_else(not_an_object)?;
    let mut spliced = Vec::with_capacity(text.len() + 64 * extra.len());
    spliced.extend_from_slice(open);
    for (i, (name, value)) in extra.iter().enumerate() {
        if i > 0 || !own.is_empty() {
            spliced.push(b',');
        }
        // a string and a `Value` always encode
        serde_json::to_writer(&mut spliced, name).map_err(|e| Error::Config(e.to_string()))?;
        spliced.push(b':');
        serde_json::to_writer(&mut spliced, value).map_err(|e| Error::Config(e.to_string()))?;
    }
    spliced.push(b'}');
    *request.body_mut() = Some(spliced.into());
    Ok(())
}
