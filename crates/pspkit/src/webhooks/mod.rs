//! Verifying and parsing the webhooks providers send, from the raw body bytes.
//!
//! A webhook endpoint is public: anyone can send it anything. So every check runs on the bytes
//! exactly as received (read the body before any JSON parsing), is constant-time where a secret is
//! compared, costs time linear in the body, refuses bodies over a size cap before parsing them, and
//! fails closed. OnePay events older (or newer) than a tolerance are refused, so a captured webhook
//! cannot be replayed later. Each provider module also signs payloads, so users can test their own
//! webhook handlers with validly signed requests.

use std::time::{Duration, SystemTime};

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

pub mod firstpay;
pub mod onchainpay;
pub mod onepay;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is missing.
    #[error("the webhook has no signature")]
    MissingSignature,
    /// The signature does not match the body and the key: tampered, or signed with another key.
    #[error("the webhook signature does not match its body")]
    BadSignature,
    /// The secret (or expected token) given to check the webhook with is empty: anyone can
    /// compute a signature with an empty key, so nothing would be verified. Usually a variable
    /// of the environment that is not set.
    #[error("the webhook {0} to verify with is empty, so any sender could forge a webhook that passes")]
    EmptySecret(&'static str),
    /// OnePay's static `x-webhook-token` is missing or wrong.
    #[error("the webhook token does not match")]
    BadToken,
    /// The body is not the JSON the provider documents.
    #[error("the webhook body cannot be read: {0}")]
    Malformed(String),
    /// The body is larger than [`VerifyOptions::max_body_bytes`]; it was not parsed.
    #[error("the webhook body is {size} bytes, over the {limit}-byte limit")]
    TooLarge {
        /// The body's size in bytes.
        size: usize,
        /// The limit it exceeded.
        limit: usize,
    },
    /// The event carries no timestamp, so its age cannot be checked (see
    /// [`VerifyOptions::tolerance`] to accept such events).
    #[error("the webhook has no event timestamp, so a replay cannot be ruled out")]
    MissingTimestamp,
    /// The event's timestamp is further from now than the tolerance: a replayed (or
    /// pre-dated) webhook.
    #[error("the webhook's timestamp {timestamp} is {} s from now, outside the {} s tolerance", age.as_secs(), tolerance.as_secs())]
    OutsideTolerance {
        /// The event's timestamp (Unix seconds).
        timestamp: i64,
        /// How far it is from now, in either direction.
        age: Duration,
        /// The tolerance it exceeded.
        tolerance: Duration,
    },
}

/// The body cap of [`VerifyOptions::default`]: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1 << 20;

/// The replay tolerance of [`VerifyOptions::default`]: 300 s, as Stripe's SDKs default to.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// Limits applied by every `verify` (the plain `verify` functions use [`VerifyOptions::default`]).
///
/// ```
/// use std::time::Duration;
/// let options = pspkit::webhooks::VerifyOptions::default()
///     .max_body_bytes(256 * 1024)
///     .tolerance(Some(Duration::from_secs(600)));
/// # let _ = options;
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyOptions {
    max_body_bytes: usize,
    tolerance: Option<Duration>,
    now: Option<SystemTime>,
}

impl Default for VerifyOptions {
    /// [`DEFAULT_MAX_BODY_BYTES`], [`DEFAULT_TOLERANCE`], the system clock.
    fn default() -> Self {
        Self { max_body_bytes: DEFAULT_MAX_BODY_BYTES, tolerance: Some(DEFAULT_TOLERANCE), now: None }
    }
}

impl VerifyOptions {
    /// Largest body accepted, in bytes; a larger one is refused before it is parsed or hashed.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// How far an event's timestamp may be from now, in either direction. `None` turns the replay
    /// check off (and accepts events without a timestamp): de-duplicate by event id yourself then.
    pub fn tolerance(mut self, tolerance: Option<Duration>) -> Self {
        self.tolerance = tolerance;
        self
    }

    /// Checks timestamps against this time instead of the system clock (for tests, or for
    /// re-verifying stored webhooks as of when they arrived).
    pub fn now(mut self, now: SystemTime) -> Self {
        self.now = Some(now);
        self
    }

    /// Refuses a body over the cap, before anything reads it.
    fn check_size(&self, body: &[u8]) -> Result<(), WebhookError> {
        if body.len() > self.max_body_bytes {
            return Err(WebhookError::TooLarge { size: body.len(), limit: self.max_body_bytes });
        }
        Ok(())
    }

    /// Refuses an event whose timestamp is missing or outside the tolerance.
    fn check_timestamp(&self, timestamp: Option<i64>) -> Result<(), WebhookError> {
        let Some(tolerance) = self.tolerance else { return Ok(()) };
        let timestamp = timestamp.ok_or(WebhookError::MissingTimestamp)?;
        let now = self.now.unwrap_or_else(SystemTime::now);
        let now_secs: i128 = match now.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => d.as_secs().into(),
            Err(before) => -i128::from(before.duration().as_secs()),
        };
        // i128: a hostile i64 timestamp cannot overflow the difference
        let age = u64::try_from((now_secs - i128::from(timestamp)).unsigned_abs()).unwrap_or(u64::MAX);
        let age = Duration::from_secs(age);
        if age > tolerance {
            return Err(WebhookError::OutsideTolerance { timestamp, age, tolerance });
        }
        Ok(())
    }
}

fn data_as<T: DeserializeOwned>(raw: &RawValue) -> Result<T, WebhookError> {
    serde_json::from_str(raw.get()).map_err(|e| WebhookError::Malformed(e.to_string()))
}
