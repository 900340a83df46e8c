//! The retry engine: which failures are retried for which operations, and how long to wait.

use std::time::{Duration, SystemTime};

use crate::operation::RetryClass;

/// How hard to try. One policy per client; timeouts can be changed per call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts at most, the first included.
    pub max_attempts: u32,
    /// Backoff before the second attempt (doubled each time, then full jitter).
    pub base_delay: Duration,
    /// Longest backoff between two attempts.
    pub max_delay: Duration,
    /// Longest `Retry-After` honoured; a longer one ends the retries.
    pub max_retry_after: Duration,
    /// Time for one attempt (connect, send, read the whole body).
    pub attempt_timeout: Duration,
    /// Time for the whole call, every attempt and wait included.
    pub deadline: Duration,
    /// Time to establish a connection.
    pub connect_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(5),
            max_retry_after: Duration::from_secs(30),
            attempt_timeout: Duration::from_secs(30),
            deadline: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// What happened on one attempt, as far as retrying is concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Failure {
    /// The connection could not be established: the request never left.
    ConnectFailed,
    /// The connection broke or timed out after the request may have been sent.
    ConnectionLost,
    /// An HTTP status.
    Status(u16),
}

/// Whether a failure is retried for an operation of the given class.
pub fn is_retryable(class: RetryClass, failure: Failure) -> bool {
    match failure {
        // The provider never saw the request: nothing can be doubled.
        Failure::ConnectFailed => true,
        // The request may have been processed: only repeatable if the provider deduplicates or
        // there is nothing to duplicate.
        Failure::ConnectionLost => class != RetryClass::Unsafe,
        Failure::Status(s) => class != RetryClass::Unsafe && (s == 408 || s == 429 || (500..=599).contains(&s)),
    }
}

/// Backoff before attempt `attempt + 1` (attempt counts from 1): full jitter, a uniformly
/// random wait between zero and `min(max_delay, base_delay * 2^(attempt-1))`.
pub fn backoff(policy: &RetryPolicy, attempt: u32, random: u64) -> Duration {
    let exp = policy.base_delay.saturating_mul(1u32 << attempt.saturating_sub(1).min(16));
    let cap = exp.min(policy.max_delay);
    // a cap past u64 nanoseconds (584 years, a caller's `Duration::MAX`) is held to u64::MAX,
    // where `+ 1` would wrap to a division by zero
    let nanos = u64::try_from(cap.as_nanos()).unwrap_or(u64::MAX);
    if nanos == 0 { Duration::ZERO } else { Duration::from_nanos(random % nanos.saturating_add(1)) }
}

/// Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 section 10.2.3).
///
/// The header comes from the server, so every value is survivable: a delay too large for a
/// `Duration` (`1e20`, `18446744073709551616`, `inf`) saturates to `Duration::MAX`, which is longer
/// than any policy allows and so ends the retries; a date in the past means "now"; anything that
/// is neither a non-negative number nor an HTTP date (`NaN`, `-1`, garbage) is `None`, and the
/// caller falls back to its own backoff. Fractions (`1.5`), which some servers send against the
/// grammar, are honoured.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // All digits: only overflow can fail, and an overflowing delay is a very long one.
        return Some(value.parse::<u64>().map(Duration::from_secs).unwrap_or(Duration::MAX));
    }
    if value.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-')) {
        let secs = value.parse::<f64>().ok()?;
        if secs.is_nan() || secs.is_sign_negative() {
            return None;
        }
        return Some(Duration::try_from_secs_f64(secs).unwrap_or(Duration::MAX));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(now).unwrap_or(Duration::ZERO))
}

/// The decision table: for each retry class, which failures are retried. Printed in tests
/// (snapshot) so a change to the rules shows up in review.
pub fn decision_table() -> String {
    let failures = [
        ("connect refused / DNS", Failure::ConnectFailed),
        ("connection lost / timeout", Failure::ConnectionLost),
        ("408", Failure::Status(408)),
        ("429", Failure::Status(429)),
        ("500", Failure::Status(500)),
        ("502", Failure::Status(502)),
        ("503", Failure::Status(503)),
        ("504", Failure::Status(504)),
        ("400", Failure::Status(400)),
        ("401", Failure::Status(401)),
        ("404", Failure::Status(404)),
        ("409", Failure::Status(409)),
        ("422", Failure::Status(422)),
    ];
    let mut out = String::from("failure                     | safe  | idempotent | unsafe\n");
    for (name, f) in failures {
        let cell = |c| if is_retryable(c, f) { "retry" } else { "-" };
        out.push_str(&format!(
            "{name:<27} | {:<5} | {:<10} | {}\n",
            cell(RetryClass::Safe),
            cell(RetryClass::Idempotent),
            cell(RetryClass::Unsafe)
        ));
    }
    out
}
