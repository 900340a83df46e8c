//! The request path shared by every provider client: per-attempt signing, the retry loop, a
//! bounded body read, the response envelope, and the conversion of every failure into one
//! [`Error`].
//!
//! pspkit's generated request builders make each call's request and hand it to [`send`], which
//! runs the attempts and decodes the answer. progenitor's raw `Client` (and a file download)
//! sends through [`exec`], its `ClientHooks` hook, inside [`call_with`], which turns the outcome
//! into `Result<T, pspkit::Error>`; those two talk through a task-local record of the call
//! (attempts, idempotency key, the last response's raw body, a typed failure), because
//! progenitor's hook can only return `reqwest` types. Both paths run the same attempts.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use progenitor_client::{OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use serde::de::DeserializeOwned;
use serde_json::value::RawValue;
use tracing::Instrument as _;

mod answer;
mod extra;
mod options;
mod send;
mod time_limit;
mod tls;

pub use answer::decode_answer;
pub use options::{CallOptions, Response};
pub use send::{Payload, Sending, send};
pub use time_limit::time_limit;

use crate::auth::{Credentials, new_idempotency_key};
use crate::error::{ApiError, DecodeError, Error, FieldError, excerpt};
use crate::operation::{OperationSpec, ProviderSpec, RetryClass};
use crate::retry::{self, Failure, RetryPolicy};
use crate::signing::random_bytes;

/// Status of the responses pspkit makes up when no usable one arrived (a call that timed out,
/// a body over the size limit). Only the raw progenitor client ever shows it.
pub const SYNTHETIC_STATUS: u16 = 599;

/// Largest response body read by default (16 MiB); a larger one is an error, not an
/// out-of-memory.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 << 20;

/// The header in which progenitor's generated methods send the spec's `info.version`.
const PROGENITOR_VERSION_HEADER: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("api-version");

/// Everything a provider client carries besides its base URL: the spec facts, the credentials
/// and the retry policy. Cheap to clone. `Debug` shows no secret.
#[derive(Clone)]
pub struct Context(Arc<Inner>);

#[derive(Clone)]
struct Inner {
    spec: &'static ProviderSpec,
    credentials: Credentials,
    /// The credentials' header when they sign nothing, built once (see [`Credentials::fixed_header`]).
    fixed_header: Option<(HeaderName, HeaderValue)>,
    policy: RetryPolicy,
    max_body_bytes: usize,
}

impl std::fmt::Debug for Context {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Context")
            .field("provider", &self.0.spec.name)
            .field("credentials", &self.0.credentials)
            .field("policy", &self.0.policy)
            .finish()
    }
}

impl Context {
    /// A context for a provider, refusing empty credentials.
    pub fn new(spec: &'static ProviderSpec, credentials: Credentials) -> Result<Self, Error> {
        credentials.validate()?;
        let fixed_header = credentials.fixed_header().transpose()?;
        Ok(Self(Arc::new(Inner {
            spec,
            credentials,
            fixed_header,
            policy: RetryPolicy::default(),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        })))
    }

    /// The same context with another retry policy (timeouts, attempts, deadline).
    pub fn with_policy(&self, policy: RetryPolicy) -> Self {
        Self(Arc::new(Inner { policy, ..(*self.0).clone() }))
    }

    /// The same context with another limit on response bodies.
    pub fn with_max_body_bytes(&self, max_body_bytes: usize) -> Self {
        Self(Arc::new(Inner { max_body_bytes, ..(*self.0).clone() }))
    }

    /// The provider's spec facts.
    pub fn spec(&self) -> &'static ProviderSpec {
        self.0.spec
    }

    /// The retry policy.
    pub fn policy(&self) -> RetryPolicy {
        self.0.policy
    }

    /// A reqwest client with this context's connect timeout (rustls on ring). Attempt timeouts
    /// and the deadline are enforced per call by [`exec`].
    ///
    /// Redirects are not followed: a `3xx` is the provider's answer, handed back as its error.
    /// Following one would re-send a write (`307`/`308`) or turn it into a `GET` (`303`) outside
    /// the retry rules, and would carry the credential headers (an API key) to whatever host the
    /// `Location` names.
    ///
    /// The TLS configuration (the system's trusted roots, read once) is shared by the process's
    /// clients; each client has its own connection pool.
    pub fn http_client(&self) -> reqwest::Client {
        reqwest::Client::builder()
            .tls_backend_preconfigured(tls::shared_config())
            .connect_timeout(self.0.policy.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("a reqwest client with rustls and an installed provider builds")
    }
}

/// What one logical call did, shared between [`exec`] and [`call_with`].
#[derive(Debug, Default)]
struct CallRecord {
    attempts: u32,
    idempotency_key: Option<String>,
    last_status: Option<u16>,
    last_headers: HeaderMap,
    last_body: Bytes,
    failure: Option<Error>,
    options: CallOptions,
}

tokio::task_local! {
    // Boxed: tokio moves a task-local's value in and out of the thread on every poll of the
    // call, and the record is a few hundred bytes.
    static CALL: RefCell<Box<CallRecord>>;
}

fn record(f: impl FnOnce(&mut CallRecord)) {
    let _ = CALL.try_with(|c| f(&mut c.borrow_mut()));
}

/// Hands the provider's answer to the generated code as a `reqwest::Response`, keeping it in
/// the call's record too (for the caller's `Response` and for error reports). Inside a call the
/// headers are moved to the record, not copied: the generated code only reads the status and the
/// body, and each copy of a header map is a handful of allocations on every call. Outside one
/// (the raw progenitor client) the response keeps them. `shown_status` is the status the
/// generated code sees; the record keeps the provider's.
fn hand_over(mut answer: Buffered, shown_status: u16, url: &reqwest::Url) -> reqwest::Response {
    let _ = CALL.try_with(|c| {
        let mut c = c.borrow_mut();
        c.last_status = Some(answer.status);
        c.last_headers = std::mem::take(&mut answer.headers);
        c.last_body = answer.body.clone();
    });
    Buffered { status: shown_status, ..answer }.into_response(url)
}

/// A response read whole.
struct Buffered {
    status: u16,
    version: http::Version,
    headers: HeaderMap,
    body: Bytes,
}

impl Buffered {
    /// The answer as reqwest's type, with the URL it came from (else reqwest parses a
    /// placeholder URL for each response).
    fn into_response(self, url: &reqwest::Url) -> reqwest::Response {
        use reqwest::ResponseBuilderExt as _;
        let mut builder = http::Response::builder().status(self.status).version(self.version).url(url.clone());
        if let Some(h) = builder.headers_mut() {
            *h = self.headers;
        }
        reqwest::Response::from(builder.body(self.body).expect("status and headers came from a response"))
    }

    fn synthetic(url: &reqwest::Url) -> reqwest::Response {
        Buffered {
            status: SYNTHETIC_STATUS,
            version: http::Version::HTTP_11,
            headers: HeaderMap::new(),
            body: Bytes::new(),
        }
        .into_response(url)
    }
}

enum AttemptError {
    Http(reqwest::Error),
    TooLarge { status: u16, limit: usize },
    TimedOut,
}

async fn read_limited(mut response: reqwest::Response, limit: usize) -> Result<Buffered, AttemptError> {
    let status = response.status().as_u16();
    let declared = response.content_length();
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(AttemptError::TooLarge { status, limit });
    }
    let version = response.version();
    let headers = std::mem::take(response.headers_mut());
    // A body that arrives in one chunk is kept as it came; a longer one is joined into a buffer
    // sized by the declared length (already bounded by the limit).
    let mut first: Option<Bytes> = None;
    let mut joined: Vec<u8> = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(AttemptError::Http)? {
        let read = first.as_ref().map_or(0, Bytes::len) + joined.len();
        if read + chunk.len() > limit {
            return Err(AttemptError::TooLarge { status, limit });
        }
        match first.take() {
            None if joined.is_empty() => first = Some(chunk),
            earlier => {
                if let Some(earlier) = earlier {
                    joined.reserve(declared.map_or(0, |n| n as usize).max(earlier.len() + chunk.len()));
                    joined.extend_from_slice(&earlier);
                }
                joined.extend_from_slice(&chunk);
            }
        }
    }
    let body = first.unwrap_or_else(|| joined.into());
    Ok(Buffered { status, version, headers, body })
}

/// Sends one logical call through progenitor's raw client (its `ClientHooks::exec`): the
/// attempts that [`send`] runs too, with the outcome handed back as a `reqwest::Response` and kept
/// in the call's record for [`call_with`]. The generated builders send JSON calls through
/// [`send`] instead, which decodes the answer itself.
pub fn exec<'a>(
    context: &'a Context,
    http: &'a reqwest::Client,
    mut request: reqwest::Request,
    info: &'a OperationInfo,
) -> Pin<Box<dyn Future<Output = reqwest::Result<reqwest::Response>> + Send + 'a>> {
    let operation = context.spec().operation(info.operation_id);
    let name: &'static str = operation.map(|op| op.name).unwrap_or("unknown_operation");
    // A write the spec does not describe is treated as the most dangerous kind.
    let class = operation.map(|op| op.retry).unwrap_or(RetryClass::Unsafe);
    // progenitor's methods send the spec's version in this header; providers expect none (the
    // builders' own requests never carry it)
    request.headers_mut().remove(PROGENITOR_VERSION_HEADER);
    let prepared = CALL
        .try_with(|c| prepare(context, operation, name, &mut request, Some(&c.borrow().options)))
        .unwrap_or_else(|_| prepare(context, operation, name, &mut request, None));
    let (policy, key) = match prepared {
        Ok(prepared) => prepared,
        Err(failure) => return Box::pin(std::future::ready(Ok(fail(failure, request.url())))),
    };
    if key.is_some() {
        record(|c| c.idempotency_key = key.clone());
    }
    let attempts = Attempts { context: context.clone(), http: http.clone(), name, class, policy, key };
    // progenitor's answer carries the request's URL
    let url = request.url().clone();
    Box::pin(async move {
        let Finished { ended, attempts, .. } = attempts.run(request).await;
        record(|c| c.attempts = attempts);
        match ended {
            Ended::Answer(answer) => {
                let status = answer.status;
                Ok(hand_over(answer, status, &url))
            }
            // the generated code reads 400 as the documented error; the record keeps the status
            Ended::Refused(failed) => Ok(hand_over(failed, 400, &url)),
            Ended::Failed(failure, error) => {
                record(|c| c.failure = Some(failure));
                match error {
                    Some(e) => Err(e),
                    None => Ok(Buffered::synthetic(&url)),
                }
            }
        }
    })
}

/// How a call ended, after its last attempt.
enum Ended {
    /// The provider's answer (a success, or its error).
    Answer(Buffered),
    /// The provider's envelope says `success: false`: its error, whatever the status.
    Refused(Buffered),
    /// No answer worth reading: the typed error, and reqwest's own when there is one.
    Failed(Error, Option<reqwest::Error>),
}

/// The attempts of one logical call, and what they need besides the request. It owns all of it
/// (the client's parts are shared, cheap to clone), so that a call's future borrows nothing.
struct Attempts {
    context: Context,
    http: reqwest::Client,
    name: &'static str,
    class: RetryClass,
    policy: RetryPolicy,
    key: Option<String>,
}

/// What the attempts of a call hand back once they have ended.
struct Finished {
    ended: Ended,
    /// Attempts made, the first included.
    attempts: u32,
}

/// The future of a call's attempts.
type Running = Pin<Box<dyn Future<Output = Finished> + Send>>;

impl Attempts {
    /// Signs each attempt afresh, retries what the operation's `x-retry` allows within the
    /// policy's attempts and deadline (honouring `Retry-After`), reads bodies up to the size
    /// limit and unwraps the provider's envelope. Returns how the call ended, with the number
    /// of attempts and the idempotency key.
    ///
    /// The call's state lives on the heap, in two allocations small enough for the system
    /// allocator's fast path (a large one costs several times more): this loop's, and each
    /// attempt's. Nothing held across a wait is larger than it must be: every extra field of the
    /// state is paid for on every call.
    fn run(self, request: reqwest::Request) -> Running {
        Box::pin(async move {
            let Attempts { context, http, name, class, policy, key } = self;
            let (context, http) = (&context, &http);
            let spec = context.spec();
            let started = Instant::now();
            // A caller's "no deadline" (`Duration::MAX`) must not overflow the clock: a century will do.
            let deadline = started
                .checked_add(policy.deadline)
                .unwrap_or_else(|| started + Duration::from_secs(100 * 365 * 86_400));
            let mut attempt = 0;
            // The last HTTP answer of a read: if a later attempt is cut short (by the deadline,
            // say), the provider's answer says more than "timed out".
            let mut last_answer: Option<Buffered> = None;
            // Whether an earlier attempt may have reached the provider: if so, a last attempt
            // that cannot connect does not mean the write never happened.
            let mut sent_before = false;
            loop {
                attempt += 1;
                // in a block of its own, so that none of it is kept while waiting to retry
                let step = {
                    let sent = Instant::now();
                    let span = tracing::info_span!(
                        "pspkit.attempt",
                        provider = spec.name,
                        operation = name,
                        attempt,
                        status = tracing::field::Empty,
                        latency_ms = tracing::field::Empty
                    );
                    let outcome = {
                        let this_try = match signed_copy(context, &request) {
                            Ok(this_try) => this_try,
                            Err(failure) => {
                                return Finished { ended: Ended::Failed(failure, None), attempts: attempt };
                            }
                        };
                        let remaining = deadline.saturating_duration_since(Instant::now());
                        let limit = context.0.max_body_bytes;
                        // The attempt (reqwest's call and the body read, most of a call's state) is
                        // boxed first and only once: each layer around a future moves it whole, and
                        // the attempt is several hundred bytes where the box is a pointer.
                        let attempt = Box::pin(async move {
                            let response = http.execute(this_try).await.map_err(AttemptError::Http)?;
                            read_limited(response, limit).await
                        });
                        let limited = time_limit(policy.attempt_timeout.min(remaining), attempt);
                        // entered on every poll and drop when someone listens, else not wrapped at all
                        if span.is_disabled() { limited.await } else { limited.instrument(span.clone()).await }
                    }
                    .unwrap_or(Err(AttemptError::TimedOut));
                    let latency = sent.elapsed();
                    span.record("latency_ms", latency.as_millis() as u64);
                    if let Ok(buffered) = &outcome {
                        span.record("status", buffered.status);
                    }
                    let connected = !matches!(&outcome, Err(AttemptError::Http(e)) if e.is_connect() || e.is_builder());
                    let attempted = Attempted { spec, name, class, attempt, latency, deadline, started, sent_before };
                    sent_before |= connected;
                    attempted.next_step(outcome, &policy, &mut last_answer, key.as_deref())
                };
                let ended = match step {
                    Step::Answer(answer) => Ended::Answer(answer),
                    Step::Refused(failed) => Ended::Refused(failed),
                    Step::Fail(failure, error) => Ended::Failed(failure, error),
                    Step::Retry(wait) => {
                        // Boxed: a retry is rare, and a timer held inline would enlarge every call's state.
                        Box::pin(tokio::time::sleep(wait)).await;
                        continue;
                    }
                };
                return Finished { ended, attempts: attempt };
            }
        })
    }
}

/// Records a failure found before any answer, and the response progenitor is handed instead.
fn fail(failure: Error, url: &reqwest::Url) -> reqwest::Response {
    record(|c| c.failure = Some(failure));
    Buffered::synthetic(url)
}

/// A copy of the request for one attempt, signed (or given its credentials) afresh.
///
/// A request without a body (most reads) is copied from its parts: `Request::try_clone` also
/// sets reqwest's own timeout on the copy, which allocates a map of extensions for it on every
/// attempt, and pspkit never sets that timeout (its time limits are its own) nor any extension.
/// A body is shared with the copy by `try_clone`, not copied.
fn signed_copy(context: &Context, request: &reqwest::Request) -> Result<reqwest::Request, Error> {
    let mut this_try = if request.body().is_none() {
        let mut copy = reqwest::Request::new(request.method().clone(), request.url().clone());
        *copy.headers_mut() = request.headers().clone();
        *copy.version_mut() = request.version();
        copy
    } else {
        request
            .try_clone()
            .ok_or_else(|| Error::Config("a streaming request body cannot be retried or signed".into()))?
    };
    // credentials that sign nothing were set once, by `prepare`
    if context.0.fixed_header.is_none() {
        context.0.credentials.apply(&mut this_try)?;
    }
    Ok(this_try)
}

/// What comes after an attempt.
enum Step {
    /// Hand this answer to the generated code (a success, or the provider's error).
    Answer(Buffered),
    /// The provider's envelope says `success: false`: its error, whatever the status.
    Refused(Buffered),
    /// The call failed without an answer worth handing over: the typed error, and reqwest's own
    /// when there is one.
    Fail(Error, Option<reqwest::Error>),
    /// Try again after this long.
    Retry(Duration),
}

/// One attempt that has just ended, and what is needed to decide on the next.
struct Attempted {
    spec: &'static ProviderSpec,
    name: &'static str,
    class: RetryClass,
    attempt: u32,
    latency: Duration,
    deadline: Instant,
    started: Instant,
    /// Whether an earlier attempt of the call may have reached the provider.
    sent_before: bool,
}

impl Attempted {
    /// Decides what follows this attempt's outcome, logging the attempt. A read's answer that
    /// would be retried is kept in `last_answer`, to report if no later attempt answers.
    fn next_step(
        &self,
        outcome: Result<Buffered, AttemptError>,
        policy: &RetryPolicy,
        last_answer: &mut Option<Buffered>,
        key: Option<&str>,
    ) -> Step {
        let Attempted { spec, name, class, attempt, latency, deadline, .. } = *self;
        let failure = match outcome {
            Ok(buffered) => {
                let buffered = match unwrap_envelope(spec, buffered) {
                    Unwrapped::Payload(b) => b,
                    Unwrapped::Failed(failed) => {
                        // `success: false`: the provider's answer, not a transport problem.
                        log_attempt(spec.name, name, attempt, Some(failed.status), latency, "", None);
                        return Step::Refused(failed);
                    }
                };
                let status = buffered.status;
                let retryable = !(200..300).contains(&status) && retry::is_retryable(class, Failure::Status(status));
                let wait = retryable.then(|| wait_before_retry(policy, attempt, &buffered.headers)).flatten();
                return match wait {
                    Some(wait)
                        if attempt < policy.max_attempts
                            && Instant::now().checked_add(wait).is_some_and(|t| t < deadline) =>
                    {
                        log_attempt(spec.name, name, attempt, Some(status), latency, "", Some(wait));
                        if class == RetryClass::Safe {
                            *last_answer = Some(buffered);
                        }
                        Step::Retry(wait)
                    }
                    _ => {
                        log_attempt(spec.name, name, attempt, Some(status), latency, "", None);
                        Step::Answer(buffered)
                    }
                };
            }
            Err(AttemptError::TooLarge { status, limit }) => {
                log_attempt(spec.name, name, attempt, Some(status), latency, "body over the size limit", None);
                return Step::Fail(
                    Error::Decode(Box::new(DecodeError::new(
                        spec.name,
                        name,
                        status,
                        ".",
                        format!("the response body is larger than the {limit}-byte limit"),
                        "",
                    ))),
                    None,
                );
            }
            // reqwest could not make a request of it (a URL over http's 64 KiB limit, say): nothing
            // left, so a write did not happen and nothing is retried
            Err(AttemptError::Http(e)) if e.is_builder() => {
                log_attempt(spec.name, name, attempt, None, latency, "request not sent", None);
                let rule = format!("cannot be sent: {}", describe(&e));
                return Step::Fail(Error::InvalidRequest { operation: name, field: "url".into(), rule }, Some(e));
            }
            Err(AttemptError::Http(e)) if e.is_connect() => (Failure::ConnectFailed, Some(e)),
            Err(AttemptError::Http(e)) => (Failure::ConnectionLost, Some(e)),
            Err(AttemptError::TimedOut) => (Failure::ConnectionLost, None),
        };
        let (kind, error) = failure;
        let problem = match (kind, &error) {
            (Failure::ConnectFailed, _) => "connection failed",
            (_, None) => "timed out",
            _ => "connection lost",
        };
        if retry::is_retryable(class, kind) && attempt < policy.max_attempts {
            let wait = jittered(policy, attempt);
            if Instant::now().checked_add(wait).is_some_and(|t| t < deadline) {
                log_attempt(spec.name, name, attempt, None, latency, problem, Some(wait));
                return Step::Retry(wait);
            }
        }
        log_attempt(spec.name, name, attempt, None, latency, problem, None);
        if let Some(answer) = last_answer.take() {
            return Step::Answer(answer);
        }
        let elapsed = self.started.elapsed();
        let typed = match (kind, class) {
            // the first attempts of a write the provider deduplicates may have done it: the
            // caller needs the key to send it again, not a "never received"
            (Failure::ConnectFailed, RetryClass::Unsafe | RetryClass::Idempotent) if self.sent_before => {
                Error::OutcomeUnknown {
                    provider: spec.name,
                    operation: name,
                    reason: format!(
                        "an earlier attempt may have reached the provider, and the last could not connect ({})",
                        error.as_ref().map(describe).unwrap_or_else(|| "connection failed".into())
                    ),
                    idempotency_key: key.map(str::to_owned),
                }
            }
            (Failure::ConnectFailed, _) => Error::Transport {
                provider: spec.name,
                operation: name,
                message: error.as_ref().map(describe).unwrap_or_else(|| "connection failed".into()),
            },
            (_, RetryClass::Unsafe) | (_, RetryClass::Idempotent) => Error::OutcomeUnknown {
                provider: spec.name,
                operation: name,
                reason: match &error {
                    Some(e) => format!("the connection was lost after the request was sent ({})", describe(e)),
                    None => format!("no complete response within {:.1} s", elapsed.as_secs_f64()),
                },
                idempotency_key: key.map(str::to_owned),
            },
            (_, RetryClass::Safe) => match &error {
                Some(e) if !e.is_timeout() => {
                    Error::Transport { provider: spec.name, operation: name, message: describe(e) }
                }
                _ => Error::Timeout { provider: spec.name, operation: name, after: elapsed, attempts: attempt },
            },
        };
        Step::Fail(typed, error)
    }
}

/// Applies the caller's per-call options to the request (extra headers, refusing an invalid one,
/// and the query parameters and body fields the spec does not list) and, for an operation the
/// provider deduplicates, the idempotency key: the caller's if the request carries one, else a
/// fresh one. Returns the call's policy and the key.
///
/// Runs before the call's state is made, so that nothing it uses is stored there.
fn prepare(
    context: &Context,
    operation: Option<&OperationSpec>,
    name: &'static str,
    request: &mut reqwest::Request,
    options: Option<&CallOptions>,
) -> Result<(RetryPolicy, Option<String>), Error> {
    // Credentials that sign nothing are the same on every attempt: set on the request each
    // attempt copies (inserted into a copy, the header grew its exactly-sized table every time).
    if let Some((header, value)) = &context.0.fixed_header {
        request.headers_mut().insert(header.clone(), value.clone());
    }
    let policy = match options {
        Some(options) => {
            if let Some(rule) = &options.invalid_header {
                return Err(Error::InvalidRequest { operation: name, field: "header".into(), rule: rule.clone() });
            }
            for (header, value) in &options.headers {
                if !request.headers().contains_key(header) {
                    request.headers_mut().insert(header, value.clone());
                }
            }
            extra::add(name, request, options)?;
            options.policy_or(context.policy())
        }
        None => context.policy(),
    };

    let Some(header) = operation.and_then(|op| op.idempotency_header) else { return Ok((policy, None)) };
    // A key the caller gave is sent as given or the call is refused: replaced by a fresh one, it
    // would no longer match the key of the caller's earlier attempt at the same write, and the
    // provider would do it twice.
    // the same key given twice (the builder's and an extra header) must agree: sending one and
    // dropping the other would break the caller's retry of an earlier attempt either way
    if let (Some(set), Some(options)) = (request.headers().get(header), options)
        && options.headers.get_all(header).iter().any(|extra| extra != set)
    {
        return Err(bad_key(name, &format!("is given twice and differently: as the key and in the {header} header")));
    }
    let key = match request.headers().get(header).map(|v| v.to_str()) {
        None => new_idempotency_key(),
        Some(Ok(given)) if !given.trim().is_empty() => given.to_owned(),
        Some(Ok(_)) => return Err(bad_key(name, "is empty")),
        Some(Err(_)) => return Err(bad_key(name, "must be visible ASCII (it is sent as a header)")),
    };
    if let Ok(value) = reqwest::header::HeaderValue::from_str(&key) {
        request.headers_mut().insert(header, value);
    }
    Ok((policy, Some(key)))
}

/// The refusal of an idempotency key the caller gave.
fn bad_key(operation: &'static str, rule: &str) -> Error {
    Error::InvalidRequest { operation, field: "idempotency_key".into(), rule: rule.into() }
}

/// Reports one attempt to whoever listens through `tracing` (target `pspkit`, level INFO): the
/// provider, operation, attempt number, HTTP status (0 when no answer came), latency, what went
/// wrong without an answer, and when another attempt follows, after how long. Nothing secret
/// is in it: no header, body or query string.
fn log_attempt(
    provider: &'static str,
    operation: &'static str,
    attempt: u32,
    status: Option<u16>,
    latency: Duration,
    problem: &str,
    retry_in: Option<Duration>,
) {
    tracing::info!(
        target: "pspkit",
        provider,
        operation,
        attempt,
        status = status.unwrap_or(0),
        latency_ms = latency.as_secs_f64() * 1e3,
        problem,
        retry_in_ms = retry_in.map_or(-1.0, |d| d.as_secs_f64() * 1e3),
        "attempt"
    );
}

/// The wait before retrying a retryable status: the provider's `Retry-After` when it sent one
/// (`None` when it asks for longer than the policy allows), else the jittered backoff.
fn wait_before_retry(policy: &RetryPolicy, attempt: u32, headers: &HeaderMap) -> Option<Duration> {
    match headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        Some(v) => match retry::parse_retry_after(v, SystemTime::now()) {
            Some(d) if d <= policy.max_retry_after => Some(d),
            Some(_) => None,
            None => Some(jittered(policy, attempt)),
        },
        None => Some(jittered(policy, attempt)),
    }
}

/// The backoff before the next attempt, with fresh randomness for the jitter.
fn jittered(policy: &RetryPolicy, attempt: u32) -> Duration {
    retry::backoff(policy, attempt, u64::from_le_bytes(random_bytes::<8>()))
}

/// The error's message and its causes, with any user-info and query taken out of the URL.
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    if let Some(url) = error.url() {
        let safe = crate::request::without_secrets(url);
        // a path built from a caller's 100 KB argument is not repeated in full
        text = text.replace(url.as_str(), &excerpt(safe.as_str(), 200));
    }
    let mut source = std::error::Error::source(error);
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

/// A response after the provider's envelope is taken off.
enum Unwrapped {
    /// The payload (or the response as it came, when there is no envelope to take off).
    Payload(Buffered),
    /// `success: false`: the provider's error, to report as an API error.
    Failed(Buffered),
}

/// OnChainPay-style envelopes: `{"success": true, "response": X}` becomes `X`, byte for byte.
/// Only 2xx responses are unwrapped: an error status carries the failure envelope whole, which is
/// what the spec's error schema describes, and goes through the usual status rules (retries).
fn unwrap_envelope(spec: &ProviderSpec, buffered: Buffered) -> Unwrapped {
    let Some(envelope) = spec.envelope.filter(|_| (200..300).contains(&buffered.status)) else {
        return Unwrapped::Payload(buffered);
    };
    let Ok(fields) = serde_json::from_slice::<std::collections::HashMap<&str, &RawValue>>(&buffered.body) else {
        return Unwrapped::Payload(buffered);
    };
    match fields.get(envelope.success).map(|v| v.get().trim()) {
        Some("true") => {
            let data = fields.get(envelope.data).map(|v| v.get().trim()).unwrap_or("null");
            let body = Bytes::copy_from_slice(data.as_bytes());
            Unwrapped::Payload(Buffered { body, ..buffered })
        }
        Some("false") => Unwrapped::Failed(buffered),
        _ => Unwrapped::Payload(buffered),
    }
}

/// Runs one generated call with the caller's per-call options and returns its payload (with its
/// status, headers, request id, attempts and idempotency key) or one [`Error`]: a call of
/// progenitor's raw `Client` (`client.raw()`), sent through [`exec`].
///
/// The generated call is boxed before any `async` layer holds it: a future is as large as
/// everything it may hold across an await, each layer around it stores it again, and moving
/// kilobytes of future per layer was a measurable part of a call.
pub fn call_with<'a, T, E, F>(
    context: &'a Context,
    operation: &'static str,
    options: CallOptions,
    future: F,
) -> impl Future<Output = Result<Response<T>, Error>> + 'a
where
    T: DeserializeOwned + 'a,
    E: 'a,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>> + 'a,
{
    run(context, operation, options, Box::pin(future), locate_decode_error::<T>)
}

/// [`call_with`] for a payload that is not JSON (a file download).
pub fn call_stream_with<'a, T, E, F>(
    context: &'a Context,
    operation: &'static str,
    options: CallOptions,
    future: F,
) -> impl Future<Output = Result<Response<T>, Error>> + 'a
where
    T: 'a,
    E: 'a,
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>> + 'a,
{
    run(context, operation, options, Box::pin(future), |_| None)
}

type Locate = fn(&[u8]) -> Option<(String, String)>;

async fn run<T, E, F>(
    context: &Context,
    operation: &'static str,
    options: CallOptions,
    future: F,
    locate: Locate,
) -> Result<Response<T>, Error>
where
    F: Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>,
{
    let record = CallRecord { options, ..CallRecord::default() };
    let (result, record) = CALL
        .scope(RefCell::new(Box::new(record)), async {
            let result = future.await;
            (result, CALL.with(|c| *c.take()))
        })
        .await;
    match result {
        Ok(value) => {
            let status = value.status().as_u16();
            // exec moved the answer's headers into the record (the response progenitor read has none)
            let headers = record.last_headers;
            Ok(Response {
                status,
                headers,
                attempts: record.attempts,
                idempotency_key: record.idempotency_key,
                value: value.into_inner(),
                body: record.last_body,
            })
        }
        Err(error) => Err(convert(context.spec(), operation, error, record, locate)),
    }
}

/// Decodes again with path tracking, to say where the body stopped matching the type.
fn locate_decode_error<T: DeserializeOwned>(body: &[u8]) -> Option<(String, String)> {
    let mut de = serde_json::Deserializer::from_slice(body);
    let err = serde_path_to_error::deserialize::<_, T>(&mut de).err()?;
    let path = err.path().to_string();
    Some((if path.is_empty() { ".".into() } else { path }, err.into_inner().to_string()))
}

fn convert<E>(
    spec: &'static ProviderSpec,
    operation: &'static str,
    error: progenitor_client::Error<E>,
    mut record: CallRecord,
    locate: Locate,
) -> Error {
    if let Some(typed) = record.failure.take() {
        return typed;
    }
    use progenitor_client::Error as P;
    match error {
        P::InvalidRequest(rule) => Error::InvalidRequest { operation, field: "request".into(), rule },
        P::Custom(message) => Error::Config(message),
        P::CommunicationError(e) | P::InvalidUpgrade(e) | P::ResponseBodyError(e) => {
            Error::Transport { provider: spec.name, operation, message: describe(&e) }
        }
        // An error status whose body is not the documented error JSON (an HTML gateway page)
        // is still the provider's answer: an API error with the raw body, not a decode failure.
        P::InvalidResponsePayload(..) if record.last_status.is_some_and(|s| s >= 400) => {
            api_error(spec, operation, record)
        }
        P::InvalidResponsePayload(body, first) => {
            decode_error(spec, operation, record.last_status.unwrap_or(200), &body, &first, locate)
        }
        P::ErrorResponse(_) | P::UnexpectedResponse(_) => api_error(spec, operation, record),
    }
}

/// A success whose body does not match the payload's type: where it stopped matching, and the
/// raw body.
fn decode_error(
    spec: &'static ProviderSpec,
    operation: &'static str,
    status: u16,
    body: &[u8],
    first: &serde_json::Error,
    locate: Locate,
) -> Error {
    let (path, message) = locate(body).unwrap_or_else(|| (".".into(), first.to_string()));
    let message = if body.is_empty() {
        "the body is empty".into()
    } else if ends_at_a_sensitive_field(&path, spec.sensitive_fields) {
        // serde's message quotes the value it refused (`invalid type: integer `4111...``)
        "the value does not have the field's type (not shown: the field may hold a secret or card data)".into()
    } else {
        message
    };
    let failure = DecodeError::new(spec.name, operation, status, path, message, String::from_utf8_lossy(body));
    Error::Decode(Box::new(DecodeError { sensitive: spec.sensitive_fields, ..failure }))
}

/// Whether a decoding path (`items[3].account`) ends at a field that may hold a secret or card
/// data: named so by the secret-name rule, or one of the provider's `x-sensitive` fields.
fn ends_at_a_sensitive_field(path: &str, sensitive: &[&str]) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    let field = last.split('[').next().unwrap_or(last);
    !field.is_empty() && crate::secret::is_sensitive_field(field, sensitive)
}

fn api_error(spec: &'static ProviderSpec, operation: &'static str, record: CallRecord) -> Error {
    let status = record.last_status.unwrap_or(0);
    // A JSON tree takes many times the memory of its text (each `[]` of a body is a 3-byte
    // text and a 32-byte value): a hostile error body at the size cap would cost hundreds of
    // megabytes. No provider's error needs more than a few kilobytes; a larger one keeps only
    // its raw body.
    let body: Option<serde_json::Value> = (record.last_body.len() <= MAX_PARSED_ERROR_BODY)
        .then(|| serde_json::from_slice(&record.last_body).ok())
        .flatten();
    let text_at = |pointers: &[&str]| -> Option<String> {
        pointers.iter().find_map(|p| match body.as_ref()?.pointer(p)? {
            serde_json::Value::String(s) if !s.is_empty() => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let fields = spec.error_fields;
    let request_id = text_at(fields.request_id).or_else(|| options::request_id(&record.last_headers));
    let api = Box::new(ApiError {
        provider: spec.name,
        operation,
        status,
        code: text_at(fields.code),
        message: text_at(fields.message),
        field_errors: fields
            .fields
            .iter()
            .find_map(|p| body.as_ref()?.pointer(p))
            .map(field_errors)
            .unwrap_or_default(),
        request_id,
        idempotency_key: record.idempotency_key,
        raw_body: String::from_utf8_lossy(&record.last_body).into_owned(),
        attempts: record.attempts,
        sensitive: spec.sensitive_fields,
    });
    match status {
        401 | 403 => Error::Unauthorized(api),
        404 => Error::NotFound(api),
        429 => Error::RateLimited {
            retry_after: record
                .last_headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry::parse_retry_after(v, SystemTime::now())),
            api,
        },
        _ => Error::Api(api),
    }
}

/// The largest error body whose code, message and field errors are read (1 MiB).
const MAX_PARSED_ERROR_BODY: usize = 1 << 20;

/// Field errors as providers send them: `[{key, description}]`, `[{field, message}]` or
/// `{field: [messages]}`.
fn field_errors(value: &serde_json::Value) -> Vec<FieldError> {
    use serde_json::Value;
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().map(str::to_owned).unwrap_or_else(|| i.to_string()))
            .collect::<Vec<_>>()
            .join("; "),
        other => other.to_string(),
    };
    match value {
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let pick = |keys: &[&str]| keys.iter().find_map(|k| item.get(*k)).map(text).unwrap_or_default();
                FieldError {
                    field: pick(&["key", "field", "name"]),
                    message: pick(&["description", "message", "error"]),
                }
            })
            .collect(),
        Value::Object(map) => map.iter().map(|(k, v)| FieldError { field: k.clone(), message: text(v) }).collect(),
        _ => Vec::new(),
    }
}
