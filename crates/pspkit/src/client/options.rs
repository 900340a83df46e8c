//! What a caller may set for one call (`.policy()`, `.timeout()`, `.header()`, `.query_param()`,
//! `.body_field()` on a generated builder), and a success read together with its HTTP metadata
//! (`.send_with_response()`).

use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::retry::RetryPolicy;

/// Settings of one call, on top of the client's.
#[derive(Clone, Default)]
pub struct CallOptions {
    /// Another retry policy for this call only.
    pub policy: Option<RetryPolicy>,
    /// Extra request headers; the runtime's own (authentication, signature, idempotency key)
    /// are set after these and win.
    pub headers: HeaderMap,
    /// A header name or value that is not valid HTTP, reported when the call is sent.
    pub invalid_header: Option<String>,
    /// Query parameters the spec does not list (a provider's newer filter), sent after the
    /// operation's own; one the operation sends already is refused when the call is sent.
    pub query: Vec<(String, String)>,
    /// Fields the spec does not list, added to the operation's JSON body; one the body has
    /// already is refused when the call is sent, as is any for an operation without a JSON body.
    pub body_fields: serde_json::Map<String, serde_json::Value>,
}

/// The extra query parameters and body fields by name only: what a provider added may be a
/// customer's details or card data, and a builder printed with `{:?}` must not show it.
impl std::fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CallOptions")
            .field("policy", &self.policy)
            .field("headers", &self.headers)
            .field("invalid_header", &self.invalid_header)
            .field("query", &self.query.iter().map(|(name, _)| (name, "[redacted]")).collect::<Vec<_>>())
            .field("body_fields", &self.body_fields.keys().map(|name| (name, "[redacted]")).collect::<Vec<_>>())
            .finish()
    }
}

impl CallOptions {
    /// The policy of this call: the caller's, or the client's.
    pub fn policy_or(&self, client: RetryPolicy) -> RetryPolicy {
        self.policy.unwrap_or(client)
    }

    /// This call with `timeout` for the whole call, retries and waits included (and for each
    /// attempt, when that was longer).
    pub fn set_timeout(&mut self, client: RetryPolicy, timeout: Duration) {
        let mut policy = self.policy_or(client);
        policy.deadline = timeout;
        policy.attempt_timeout = policy.attempt_timeout.min(timeout);
        self.policy = Some(policy);
    }

    /// Adds a request header; an invalid name or value fails the call before it is sent.
    pub fn add_header(&mut self, name: &str, value: &str) {
        match (HeaderName::try_from(name), HeaderValue::try_from(value)) {
            (Ok(name), Ok(mut value)) => {
                // a caller's header may carry a credential: shown as `Sensitive` by `Debug`
                // (of these options, of a request builder holding them)
                value.set_sensitive(true);
                self.headers.append(name, value);
            }
            (Err(_), _) => self.invalid_header = Some(format!("{name:?} is not a valid header name")),
            // the value may be a secret: never echoed
            (_, Err(_)) => self.invalid_header = Some(format!("the value of header {name:?} is not valid")),
        }
    }

    /// Adds a query parameter the spec does not list.
    pub fn add_query(&mut self, name: &str, value: &str) {
        self.query.push((name.to_owned(), value.to_owned()));
    }

    /// Adds a body field the spec does not list (given twice, the later value is sent).
    pub fn add_body_field(&mut self, name: &str, value: serde_json::Value) {
        self.body_fields.insert(name.to_owned(), value);
    }
}

/// A decoded success with the HTTP answer it came from.
#[derive(Clone)]
pub struct Response<T> {
    /// The decoded payload.
    pub value: T,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The answer's headers.
    pub headers: HeaderMap,
    /// Attempts made, the first included.
    pub attempts: u32,
    /// The idempotency key sent, for an operation the provider deduplicates.
    pub idempotency_key: Option<String>,
    /// The body as the provider sent it, which `value` was decoded from: what it says beyond
    /// the spec (a field the provider added, a number's own digits) is here. Shared, not copied.
    pub body: bytes::Bytes,
}

/// The body's size only: a provider's answer may hold what logs must not (a card number it
/// echoes, a customer's details).
impl<T: std::fmt::Debug> std::fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("value", &self.value)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("attempts", &self.attempts)
            .field("idempotency_key", &self.idempotency_key)
            .field("body", &format_args!("[{} bytes]", self.body.len()))
            .finish()
    }
}

impl<T> Response<T> {
    /// The payload, dropping the metadata.
    pub fn into_value(self) -> T {
        self.value
    }

    /// The provider's request id, from the first of `x-request-id`, `request-id` and `cf-ray`
    /// (read from the headers when asked: most calls never ask).
    pub fn request_id(&self) -> Option<&str> {
        request_id_of(&self.headers)
    }
}

/// Request-id headers, in the order they are looked for (as header names: a lookup by text
/// parses the name every time).
pub(crate) const REQUEST_ID_HEADERS: [HeaderName; 3] =
    [HeaderName::from_static("x-request-id"), HeaderName::from_static("request-id"), HeaderName::from_static("cf-ray")];

/// The first request-id header of an answer.
pub(crate) fn request_id(headers: &HeaderMap) -> Option<String> {
    request_id_of(headers).map(str::to_owned)
}

fn request_id_of(headers: &HeaderMap) -> Option<&str> {
    REQUEST_ID_HEADERS.iter().find_map(|h| headers.get(h).and_then(|v| v.to_str().ok()))
}
