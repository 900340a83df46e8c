//! The decode half of a call, offline: one complete HTTP answer in, what the generated request
//! builder's `send` would return out. Public so that tests and fuzzers prove things about the
//! path real calls take, not about a copy of it.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use super::Buffered;
use super::send::{Payload, finish_answer};
use crate::error::Error;
use crate::operation::ProviderSpec;

/// Turns one complete HTTP answer to `operation` (the generated method name) into what the
/// builder's `send` returns for it: the payload `T`, or one [`Error`].
///
/// `T` is the operation's success type, as in the generated client. The steps are the call's
/// own ([`send`](super::send)), minus the transport and the retries:
///
/// 1. the envelope step of the attempts: a 2xx body wrapped in the provider's `x-envelope` is
///    unwrapped to its payload, and a `success: false` envelope is the provider's error;
/// 2. a 2xx answer decodes `T` (serde_json, from the whole body); a body that does not
///    match is [`Error::Decode`] with the path where it stopped matching;
/// 3. any other status is [`Error::Api`] (or `RateLimited`, `Unauthorized`, `NotFound`) read from
///    the body and the headers (`Retry-After`, request ids).
///
/// Only JSON payloads: for an operation answering no body or a file, use `T = IgnoredAny`
/// (`serde::de::IgnoredAny`) and look at error statuses only.
pub fn decode_answer<T: DeserializeOwned>(
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
    finish_answer(spec, name, answer, Payload::<T>::json()).map(crate::Response::into_value)
}
