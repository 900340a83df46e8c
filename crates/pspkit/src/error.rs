//! The one error type of every pspkit client.

use std::borrow::Cow;
use std::fmt;
use std::time::Duration;

use crate::secret::mask_card_numbers;

/// A per-field validation error the provider reported.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    /// The field, as the provider names it.
    pub field: String,
    /// What is wrong with it.
    pub message: String,
}

/// An error response from the provider, with everything needed to act on it or report it.
/// `Debug` shows its body as `Display` does (not when it names a secret field).
#[derive(Clone, PartialEq, Eq)]
pub struct ApiError {
    /// Provider (`onepay`).
    pub provider: &'static str,
    /// Operation (the generated method name).
    pub operation: &'static str,
    /// HTTP status as the provider sent it (200 for an OnChainPay `success: false` envelope).
    pub status: u16,
    /// The provider's own error code, if it sent one.
    pub code: Option<String>,
    /// The provider's message, if it sent one.
    pub message: Option<String>,
    /// Per-field validation errors.
    pub field_errors: Vec<FieldError>,
    /// The provider's request id, to quote to its support.
    pub request_id: Option<String>,
    /// The idempotency key the request carried, if any (retry with it to stay safe).
    pub idempotency_key: Option<String>,
    /// The response body as received (lossy UTF-8).
    pub raw_body: String,
    /// How many attempts were made.
    pub attempts: u32,
    /// The provider's `x-sensitive` field names: a body naming one is not quoted.
    pub(crate) sensitive: &'static [&'static str],
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: HTTP {}", self.provider, self.operation, self.status)?;
        if let Some(code) = &self.code {
            write!(f, " [{}]", mask_card_numbers(code))?;
        }
        match &self.message {
            Some(m) => write!(f, ": {}", mask_card_numbers(m))?,
            None if !self.raw_body.is_empty() => {
                write!(f, ": {}", shown(&excerpt(&self.raw_body, 200), self.sensitive))?
            }
            None => {}
        }
        for fe in &self.field_errors {
            write!(f, "; {}: {}", fe.field, self.field_message(fe))?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

/// A response that did not match the type the spec gives it. `Debug` shows its body as
/// `Display` does (not when it names a secret field).
#[derive(Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Provider.
    pub provider: &'static str,
    /// Operation.
    pub operation: &'static str,
    /// HTTP status.
    pub status: u16,
    /// JSON path where decoding failed (`data[3].amount`), `.` for the whole body.
    pub path: String,
    /// What was wrong.
    pub message: String,
    /// The start of the body.
    pub excerpt: String,
    /// The whole body as received (lossy UTF-8).
    pub raw_body: String,
    /// The provider's `x-sensitive` field names: a body naming one is not quoted.
    pub(crate) sensitive: &'static [&'static str],
}

impl DecodeError {
    /// A decoding failure made by hand (see [`ApiError::new`]): where in the body it failed
    /// (`data[3].amount`, `.` for the whole body), what was wrong, and the body; the excerpt is
    /// taken from the body as pspkit takes it.
    ///
    /// ```
    /// let failure = pspkit::DecodeError::new("onepay", "list_cashouts", 200, "data", "expected a list", r#"{"data":5}"#);
    /// let error = pspkit::Error::Decode(Box::new(failure));
    /// assert!(error.to_string().contains(r#"at data: expected a list; body starts: {"data":5}"#), "{error}");
    /// ```
    pub fn new(
        provider: &'static str,
        operation: &'static str,
        status: u16,
        path: impl Into<String>,
        message: impl Into<String>,
        raw_body: impl Into<String>,
    ) -> Self {
        let raw_body = raw_body.into();
        Self {
            provider,
            operation,
            status,
            path: path.into(),
            message: message.into(),
            excerpt: excerpt(&raw_body, 120),
            raw_body,
            sensitive: &[],
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: cannot decode the response (HTTP {}) at {}: {}; body starts: {}",
            self.provider,
            self.operation,
            self.status,
            self.path,
            mask_card_numbers(&self.message),
            shown(&self.excerpt, self.sensitive)
        )
    }
}

/// A body in a `Debug` output: its start as an error message shows it, and its size. `Debug`
/// ends up where messages do (`unwrap`, `tracing`'s `?err`), so it hides what they hide; the
/// body itself is in the field.
struct BodyShown<'a>(&'a str, &'static [&'static str]);

impl fmt::Debug for BodyShown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} ({} bytes)", shown(&excerpt(self.0, 200), self.1), self.0.len())
    }
}

impl ApiError {
    /// An error answer made by hand, for a test of your own error handling or an error of a
    /// wrapper of your own: the status and body as a provider would send them, one attempt, and
    /// the rest empty (set the public fields you need). Its messages hide what those of every
    /// pspkit error hide (bodies naming a secret field, card numbers); the provider's
    /// `x-sensitive` fields, which the generated clients pass on, are not known here.
    ///
    /// ```
    /// let mut answer = pspkit::ApiError::new("onepay", "create_cashout", 422, r#"{"message":"Fondos insuficientes"}"#);
    /// answer.message = Some("Fondos insuficientes".into());
    /// let error = pspkit::Error::Api(Box::new(answer));
    /// assert_eq!(error.status(), Some(422));
    /// assert_eq!(error.to_string(), "onepay create_cashout: HTTP 422: Fondos insuficientes");
    /// ```
    pub fn new(provider: &'static str, operation: &'static str, status: u16, raw_body: impl Into<String>) -> Self {
        Self {
            provider,
            operation,
            status,
            code: None,
            message: None,
            field_errors: Vec::new(),
            request_id: None,
            idempotency_key: None,
            raw_body: raw_body.into(),
            attempts: 1,
            sensitive: &[],
        }
    }

    /// What the provider says about a field, as a message shows it: card numbers masked, and
    /// for a field that holds card data (by its name or the provider's `x-sensitive`), any run
    /// of 13 to 19 digits, whether or not it checks out as a card number.
    fn field_message<'a>(&self, error: &'a FieldError) -> Cow<'a, str> {
        if crate::secret::is_sensitive_field(&error.field, self.sensitive) {
            crate::secret::mask_all_card_like_numbers(&error.message)
        } else {
            mask_card_numbers(&error.message)
        }
    }
}

/// An error's field errors in its `Debug`, their messages masked as `Display` masks them.
struct FieldErrorsShown<'a>(&'a ApiError);

impl fmt::Debug for FieldErrorsShown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shown = self
            .0
            .field_errors
            .iter()
            .map(|fe| FieldError { field: fe.field.clone(), message: self.0.field_message(fe).into_owned() });
        f.debug_list().entries(shown).finish()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("code", &self.code.as_deref().map(mask_card_numbers))
            .field("message", &self.message.as_deref().map(mask_card_numbers))
            .field("field_errors", &FieldErrorsShown(self))
            .field("request_id", &self.request_id)
            .field("idempotency_key", &self.idempotency_key)
            .field("raw_body", &BodyShown(&self.raw_body, self.sensitive))
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("provider", &self.provider)
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &mask_card_numbers(&self.message))
            .field("raw_body", &BodyShown(&self.raw_body, self.sensitive))
            .finish()
    }
}

/// Every way a pspkit call can fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The provider answered with an error.
    #[error("{0}")]
    Api(Box<ApiError>),
    /// The provider is rate limiting; retry after the given time (when it said).
    #[error("{api} (rate limited{})", retry_after.map(|d| format!(", retry after {:.1} s", d.as_secs_f64())).unwrap_or_default())]
    RateLimited {
        /// When the provider says to try again.
        retry_after: Option<Duration>,
        /// The response.
        api: Box<ApiError>,
    },
    /// The credentials were refused (401/403).
    #[error("{0} (check the credentials)")]
    Unauthorized(Box<ApiError>),
    /// The object does not exist (404).
    #[error("{0} (not found)")]
    NotFound(Box<ApiError>),
    /// The request could not be delivered (DNS, connection refused, TLS, ...); for a write, the
    /// provider never received it.
    #[error("{provider} {operation}: transport error: {message}")]
    Transport {
        /// Provider.
        provider: &'static str,
        /// Operation.
        operation: &'static str,
        /// What failed.
        message: String,
    },
    /// No complete answer within the time allowed; for a read, nothing happened.
    #[error("{provider} {operation}: timed out after {:.1} s ({attempts} attempt{})", after.as_secs_f64(), if *attempts == 1 { "" } else { "s" })]
    Timeout {
        /// Provider.
        provider: &'static str,
        /// Operation.
        operation: &'static str,
        /// Time spent.
        after: Duration,
        /// Attempts made.
        attempts: u32,
    },
    /// A write may or may not have reached the provider, and it cannot safely be retried by the
    /// client: check its state (e.g. by your own reference) before sending it again.
    #[error("{provider} {operation}: outcome unknown, the request may have been processed: {reason}{}", idempotency_key.as_ref().map(|k| format!(" (idempotency key {k}: retrying with it is safe)")).unwrap_or_default())]
    OutcomeUnknown {
        /// Provider.
        provider: &'static str,
        /// Operation.
        operation: &'static str,
        /// What happened.
        reason: String,
        /// The idempotency key the request carried, if the provider deduplicates.
        idempotency_key: Option<String>,
    },
    /// The response could not be decoded into the expected type.
    #[error("{0}")]
    Decode(Box<DecodeError>),
    /// The request breaks a rule of the spec; nothing was sent.
    #[error("invalid request for {operation}: {field}: {rule}")]
    InvalidRequest {
        /// Operation.
        operation: &'static str,
        /// The field (or parameter) at fault.
        field: String,
        /// The rule it breaks.
        rule: String,
    },
    /// The client is misconfigured (missing credentials, unreadable key); nothing was sent.
    #[error("configuration: {0}")]
    Config(String),
}

impl Error {
    /// The provider's answer, for the error kinds that have one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(a) | Error::Unauthorized(a) | Error::NotFound(a) => Some(a),
            Error::RateLimited { api, .. } => Some(api),
            _ => None,
        }
    }

    /// HTTP status of the provider's answer, if there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Decode(d) => Some(d.status),
            other => other.api().map(|a| a.status),
        }
    }
}

/// The start of a body as a message shows it, or a note in its place when it names a field that
/// may hold a secret (an API key's `secret`, a webhook's `token`; see
/// [`crate::secret::is_secret_field`]) or one of the provider's `sensitive` fields (its spec's
/// `x-sensitive`, FireKassa's `account`): a message ends up in logs and tracebacks, and a body
/// that failed to decode is no less secret. The body itself is kept whole in the error's
/// `raw_body`.
fn shown<'a>(start: &'a str, sensitive: &[&str]) -> Cow<'a, str> {
    if crate::secret::names_a_field(start, |name| crate::secret::is_sensitive_field(name, sensitive)) {
        "(not shown: it names a field that may hold a secret; the body is kept in raw_body)".into()
    } else {
        mask_card_numbers(start)
    }
}

/// The first `max` characters of `s`, on one line. A number cut at the end is left out whole:
/// the start of a card number is more than card-data rules allow to show, and
/// [`mask_card_numbers`] only knows a number it sees whole.
pub(crate) fn excerpt(s: &str, max: usize) -> String {
    let mut out: String = s.chars().take(max).map(|c| if c.is_control() { ' ' } else { c }).collect();
    if let Some(next) = s.chars().nth(max) {
        if next.is_ascii_digit() || matches!(next, ' ' | '-') {
            let kept = out.trim_end_matches(|c: char| c.is_ascii_digit() || matches!(c, ' ' | '-')).len();
            out.truncate(kept);
        }
        out.push('…');
    }
    out
}
