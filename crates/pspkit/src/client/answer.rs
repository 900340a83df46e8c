//! The decode half of a call, offline: one complete HTTP answer in, what the typed client method
//! would return out. Public so that tests and fuzzers prove things about the path real calls
//! take, not about a copy of it.

use bytes::Bytes;
use futures_util::FutureExt as _;
use progenitor_client::{Error as Progenitor, ResponseValue};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::{Buffered, CallRecord, Unwrapped, convert, locate_decode_error, unwrap_envelope};
use crate::error::Error;
use crate::operation::ProviderSpec;

/// Turns one complete HTTP answer to `operation` (the generated method name) into what the
/// client method returns for it: the payload `T`, or one [`Error`].
///
/// `T` is the operation's success type and `E` its error type, as in the generated client. The
/// steps are the call's own, minus the transport and the retries:
///
/// 1. [`exec`](super::exec)'s envelope step: a 2xx body wrapped in the provider's `x-envelope`
///    is unwrapped to its payload, and a `success: false` envelope is answered as HTTP 400;
/// 2. the generated client's dispatch on the status: 2xx decodes `T`, 4xx and 5xx decode `E` as
///    an error response, anything else is unexpected;
/// 3. progenitor's `ResponseValue::from_response`, the very function the generated client calls
///    (`serde_json::from_slice` of the whole body);
/// 4. the same conversion as [`call_with`](super::call_with): a 2xx body that does not match `T` is
///    [`Error::Decode`] with the path where it stopped matching, an error status is
///    [`Error::Api`] (or `RateLimited`, `Unauthorized`, `NotFound`) read from the body and the
///    headers (`Retry-After`, request ids).
///
/// Only JSON payloads: for an operation answering no body or a file, use `T = IgnoredAny`
/// (`serde::de::IgnoredAny`) and look at error statuses only.
pub fn decode_answer<T: DeserializeOwned, E: DeserializeOwned>(
    spec: &'static ProviderSpec,
    operation: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<T, Error> {
    let name: &'static str = spec.operation(operation).map(|op| op.name).unwrap_or("unknown_operation");
    let answer = Buffered {
        status,
        version: http::Version::HTTP_11,
        headers: headers.clone(),
        body: Bytes::copy_from_slice(body),
    };
    // What exec records and hands to the generated code: the payload of an envelope, or a
    // `success: false` envelope whole, as HTTP 400.
    let answer = match unwrap_envelope(spec, answer) {
        Unwrapped::Payload(payload) => payload,
        Unwrapped::Failed(failed) => Buffered { status: 400, ..failed },
    };
    let record = CallRecord {
        attempts: 1,
        last_status: Some(status),
        last_headers: headers.clone(),
        last_body: answer.body.clone(),
        ..CallRecord::default()
    };
    let url = reqwest::Url::parse("http://answer.invalid/").expect("a constant URL parses");
    let response = answer.into_response(&url);
    // The body is already in memory, so progenitor's async read finishes on its first poll and no
    // runtime is needed; `None` would mean it did not.
    let read = match response.status().as_u16() {
        200..=299 => ResponseValue::<T>::from_response::<E>(response).now_or_never(),
        400..=599 => match ResponseValue::<E>::from_response::<E>(response).now_or_never() {
            Some(Ok(value)) => Some(Err(Progenitor::ErrorResponse(value))),
            Some(Err(e)) => Some(Err(e)),
            None => None,
        },
        _ => Some(Err(Progenitor::UnexpectedResponse(response))),
    };
    match read {
        Some(Ok(value)) => Ok(value.into_inner()),
        Some(Err(e)) => Err(convert(spec, name, e, record, locate_decode_error::<T>)),
        None => Err(Error::Config("an in-memory response body was not read on the first poll".into())),
    }
}
