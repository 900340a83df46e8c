//! The call path of the generated request builders: the builder makes the `reqwest` request
//! from its parameters, [`send`] runs the attempts and decodes the answer itself.
//!
//! progenitor's positional methods do the same work through its hook, but hand the answer back
//! as a `reqwest::Response` to be read again, with a task-local record on the side to keep what
//! that type cannot carry; on a small answer that round trip was about a tenth of a call's
//! instructions.

use std::future::Future;
use std::pin::Pin;
use std::task::Poll;

use serde::de::DeserializeOwned;

use super::{Attempts, Buffered, CallOptions, CallRecord, Context, Ended, Finished, Locate, Response, Running};
use super::{api_error, decode_error};
use super::{describe, locate_decode_error, prepare};
use crate::error::Error;
use crate::operation::{OperationSpec, ProviderSpec};

/// How an operation's success payload is read from the answer's body.
pub struct Payload<T> {
    decode: fn(&[u8]) -> serde_json::Result<T>,
    locate: Locate,
}

impl<T> Clone for Payload<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Payload<T> {}

impl<T: DeserializeOwned> Payload<T> {
    /// A JSON body decoded as `T`; a body that does not match names the path where it stopped.
    pub fn json() -> Self {
        Self { decode: decode_json::<T>, locate: locate_decode_error::<T> }
    }
}

/// `body` decoded as `T`, its UTF-8 checked once over the whole body and then read as text.
/// serde_json reading bytes checks each string it meets apart (every key and every text value,
/// two calls per field of every item), which was about a sixth of the instructions of decoding
/// a page; reading a `&str` it checks nothing again.
///
/// A body that is not UTF-8 is not JSON (RFC 8259 requires it) and is refused, wherever the bad
/// byte is: reading the bytes instead would accept one inside a field the type does not declare
/// (serde_json skips those unchecked), and would build every response type's decoder a second
/// time (the unpacked wheel measured 1.9 MB larger). The decoding error then says where: the second,
/// path-tracking read names the field when the byte is in one the type declares.
fn decode_json<T: DeserializeOwned>(body: &[u8]) -> serde_json::Result<T> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(e) => Err(serde::de::Error::custom(format_args!(
            "the body is not UTF-8: the byte at offset {} is not valid",
            e.valid_up_to()
        ))),
    }
}

impl Payload<()> {
    /// An answer whose body, if any, is not read (a `204`).
    pub fn empty() -> Self {
        Self { decode: |_| Ok(()), locate: |_| None }
    }
}

/// Sends one call of `operation` built by a generated request builder: the [`Sending`] future
/// of its payload with the answer's metadata, or one [`Error`].
///
/// `request` is the call as the spec describes it (method, URL, parameters, JSON body); this
/// adds the caller's `options` (extra headers, policy), the credentials, the idempotency key of
/// an operation the provider deduplicates, and runs the attempts (signing, retries, deadline,
/// body limit, envelope). A 2xx answer is decoded as the payload; any other is the provider's
/// error, read from its body and headers.
///
/// The request is made and checked here, before the future exists; nothing is sent until the
/// future is polled. The future holds only the running attempts (on the heap) and what decodes
/// their answer, so the layers that await it move a few words, not the request.
pub fn send<T>(
    context: &Context,
    http: &reqwest::Client,
    operation: &'static OperationSpec,
    options: &CallOptions,
    request: reqwest::RequestBuilder,
    payload: Payload<T>,
) -> Sending<T> {
    let name = operation.name;
    let prepared = request
        .build()
        .map_err(|e| Error::InvalidRequest {
            operation: name,
            field: "request".into(),
            rule: format!("cannot be sent: {}", describe(&e)),
        })
        .and_then(|mut request| {
            let (policy, key) = prepare(context, Some(operation), name, &mut request, Some(options))?;
            let sent_key = key.clone();
            let attempts =
                Attempts { context: context.clone(), http: http.clone(), name, class: operation.retry, policy, key };
            Ok((attempts.run(request), sent_key))
        });
    match prepared {
        Ok((running, key)) => Sending(State::Running { running, spec: context.spec(), name, payload, key }),
        Err(error) => Sending::failed(error),
    }
}

/// The future of one call sent by [`send`]: its decoded payload with the answer's metadata, or
/// one [`Error`]. Nothing is sent until it is first polled; dropping it abandons the call.
///
/// A write that was abandoned (the future dropped, or cut short by the caller's own timeout) may
/// still have reached the provider. For an operation the provider deduplicates,
/// [`idempotency_key`](Self::idempotency_key) tells the key before the future is awaited: the
/// same call sent again with that key (`.idempotency_key(key)` on its builder) is deduplicated,
/// not done twice.
#[must_use = "a call is sent only when its future is awaited"]
pub struct Sending<T>(State<T>);

enum State<T> {
    /// The call's attempts, and how their answer is read.
    Running {
        running: Running,
        spec: &'static ProviderSpec,
        name: &'static str,
        payload: Payload<T>,
        /// The idempotency key every attempt sends (the attempts hold their own copy).
        key: Option<String>,
    },
    /// The request could not be made: this error, on first poll.
    Invalid(Error),
    /// The output was returned.
    Done,
}

impl<T> Sending<T> {
    /// A call that cannot be made: awaiting it gives `error`, and nothing is sent.
    pub fn failed(error: Error) -> Self {
        Sending(State::Invalid(error))
    }

    /// The idempotency key this call sends on every attempt (the one given to the builder, or
    /// one generated), for an operation the provider deduplicates; `None` for any other
    /// operation, for a call that could not be made, and once the future has returned (the
    /// [`Response`] or the error then carries it).
    pub fn idempotency_key(&self) -> Option<&str> {
        match &self.0 {
            State::Running { key, .. } => key.as_deref(),
            _ => None,
        }
    }
}

impl<T> std::fmt::Debug for Sending<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let state = match &self.0 {
            State::Running { name, .. } => name,
            State::Invalid(_) => "invalid request",
            State::Done => "done",
        };
        f.debug_tuple("Sending").field(&state).finish()
    }
}

impl<T> Future for Sending<T> {
    type Output = Result<Response<T>, Error>;

    fn poll(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        if let State::Running { running, .. } = &mut this.0 {
            let finished = std::task::ready!(running.as_mut().poll(cx));
            let State::Running { spec, name, payload, key, .. } = std::mem::replace(&mut this.0, State::Done) else {
                unreachable!("matched above")
            };
            let Finished { ended, attempts } = finished;
            return Poll::Ready(finish(spec, name, ended, attempts, key, payload));
        }
        match std::mem::replace(&mut this.0, State::Done) {
            State::Invalid(error) => Poll::Ready(Err(error)),
            _ => panic!("`Sending` polled after it returned"),
        }
    }
}

/// What a call returns once its attempts have ended.
fn finish<T>(
    spec: &'static ProviderSpec,
    operation: &'static str,
    ended: Ended,
    attempts: u32,
    idempotency_key: Option<String>,
    payload: Payload<T>,
) -> Result<Response<T>, Error> {
    let answer = match ended {
        Ended::Answer(answer) if (200..300).contains(&answer.status) => answer,
        Ended::Answer(answer) | Ended::Refused(answer) => {
            return Err(provider_error(spec, operation, answer, attempts, idempotency_key));
        }
        Ended::Failed(failure, _) => return Err(failure),
    };
    match (payload.decode)(&answer.body) {
        Ok(value) => Ok(Response {
            status: answer.status,
            headers: answer.headers,
            attempts,
            idempotency_key,
            value,
            body: answer.body,
        }),
        Err(e) => Err(decode_error(spec, operation, answer.status, &answer.body, &e, payload.locate)),
    }
}

/// The provider's error answer as an [`Error`] (`Api`, `RateLimited`, `Unauthorized`, `NotFound`).
fn provider_error(
    spec: &'static ProviderSpec,
    operation: &'static str,
    answer: Buffered,
    attempts: u32,
    idempotency_key: Option<String>,
) -> Error {
    let record = CallRecord {
        attempts,
        idempotency_key,
        last_status: Some(answer.status),
        last_headers: answer.headers,
        last_body: answer.body,
        ..CallRecord::default()
    };
    api_error(spec, operation, record)
}

/// [`finish`] for one complete answer, as if it were a call's only attempt (for
/// [`decode_answer`](super::decode_answer)).
pub(super) fn finish_answer<T>(
    spec: &'static ProviderSpec,
    operation: &'static str,
    answer: Buffered,
    payload: Payload<T>,
) -> Result<Response<T>, Error> {
    let ended = match super::unwrap_envelope(spec, answer) {
        super::Unwrapped::Payload(answer) => Ended::Answer(answer),
        super::Unwrapped::Failed(failed) => Ended::Refused(failed),
    };
    finish(spec, operation, ended, 1, None, payload)
}
