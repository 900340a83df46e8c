//! Hostile `Retry-After` values, over real HTTP: whatever a server puts in the header, a call
//! ends in a bounded wait and a retry, or in a typed `RateLimited` error, never a panic.

use std::time::{Duration, SystemTime};

use pspkit::{Error, RetryPolicy};
use pspkit_onepay::OnePay;
use pspkit_tests::{ScriptedServer, Step};
use serde_json::json;

/// What the client must make of a 429 carrying the value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Expect {
    /// Honoured or ignored: the wait stays within the policy, the second attempt succeeds.
    Retried,
    /// Longer than the policy allows: no second attempt, a `RateLimited` error saying so.
    GivesUp,
}

/// The longest `Retry-After` the test's policy honours.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(2);

fn table() -> Vec<(String, Expect)> {
    use Expect::*;
    let now = SystemTime::now();
    let mut rows: Vec<(String, Expect)> = [
        // delays too long to represent, or longer than the policy: the call gives up, typed
        ("1e20", GivesUp),
        ("18446744073709551616", GivesUp),
        ("99999999999999999999999999999999", GivesUp),
        ("1e400", GivesUp),
        ("1.7976931348623157e308", GivesUp),
        ("3600", GivesUp),
        ("   60   ", GivesUp),
        ("+5", GivesUp),
        ("Fri, 31 Dec 9999 23:59:59 GMT", GivesUp),
        // not a delay: ignored, the client's own backoff applies
        ("NaN", Retried),
        ("nan", Retried),
        ("inf", Retried),
        ("-inf", Retried),
        ("Infinity", Retried),
        ("-1", Retried),
        ("-0.5", Retried),
        ("-0", Retried),
        ("", Retried),
        ("abc", Retried),
        ("0x10", Retried),
        ("1,5", Retried),
        ("1e", Retried),
        ("..", Retried),
        ("Mon, 32 Foo 2020 99:99:99 GMT", Retried),
        ("\u{ff15}", Retried),
        // small delays, fractions and exponents: honoured
        ("0", Retried),
        ("0.05", Retried),
        ("1e-9", Retried),
        ("5e-2", Retried),
        // dates in the past, in all three HTTP-date formats: retry now
        ("Wed, 21 Oct 2015 07:28:00 GMT", Retried),
        ("Sunday, 06-Nov-94 08:49:37 GMT", Retried),
        ("Sun Nov  6 08:49:37 1994", Retried),
    ]
    .into_iter()
    .map(|(v, e)| (v.to_owned(), e))
    .collect();
    rows.push(("9".repeat(10_000), GivesUp));
    rows.push((httpdate::fmt_http_date(now - Duration::from_secs(3600)), Retried));
    rows.push((httpdate::fmt_http_date(now + Duration::from_secs(1)), Retried));
    rows.push((httpdate::fmt_http_date(now + Duration::from_secs(86_400)), GivesUp));
    rows
}

async fn one(value: String, expect: Expect) -> Result<(), String> {
    let server = ScriptedServer::start(vec![
        Step::Respond {
            status: 429,
            headers: vec![("retry-after", value.clone())],
            body: json!({"message": "slow down"}).to_string(),
        },
        Step::json(200, json!({"data": [], "current_page": 1, "next_page_url": null})),
    ])
    .await;
    let policy = RetryPolicy {
        max_attempts: 3,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        max_retry_after: MAX_RETRY_AFTER,
        attempt_timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(10),
        ..RetryPolicy::default()
    };
    let client = OnePay::new("sk_test_abc").expect("client").with_base_url(&server.base_url).with_policy(policy);
    let outcome = tokio::spawn(async move { client.list_cashouts().send().await })
        .await
        .map_err(|e| format!("Retry-After {value:?} panicked the call: {e}"))?;
    let shown: String = value.chars().take(40).collect();
    match (expect, outcome) {
        (Expect::Retried, Ok(_)) if server.received().len() == 2 => Ok(()),
        (Expect::GivesUp, Err(Error::RateLimited { retry_after, api })) => {
            if server.received().len() != 1 || api.status != 429 {
                return Err(format!("{shown:?}: gave up after {} requests", server.received().len()));
            }
            match retry_after {
                Some(d) if d > MAX_RETRY_AFTER => Ok(()),
                other => Err(format!("{shown:?}: reported retry_after {other:?}")),
            }
        }
        (expect, outcome) => Err(format!(
            "{shown:?}: expected {expect:?}, got {} after {} requests",
            match outcome {
                Ok(_) => "success".to_owned(),
                Err(e) => e.to_string(),
            },
            server.received().len()
        )),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_hostile_retry_after_ends_in_a_bounded_wait_or_a_typed_error() {
    let rows = table();
    assert!(rows.len() >= 20, "the table covers at least 20 values");
    let results = futures_util::future::join_all(rows.into_iter().map(|(v, e)| one(v, e))).await;
    let failures: Vec<String> = results.into_iter().filter_map(Result::err).collect();
    assert!(failures.is_empty(), "{} hostile Retry-After values misbehaved:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn retry_after_parsing_saturates_ignores_or_honours() {
    use pspkit::retry::parse_retry_after;
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    assert_eq!(parse_retry_after("1e20", now), Some(Duration::MAX));
    assert_eq!(parse_retry_after("18446744073709551616", now), Some(Duration::MAX));
    assert_eq!(parse_retry_after("NaN", now), None);
    assert_eq!(parse_retry_after("-1", now), None);
    assert_eq!(parse_retry_after("1.5", now), Some(Duration::from_millis(1500)));
    assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
    assert_eq!(
        parse_retry_after(&httpdate::fmt_http_date(now + Duration::from_secs(30)), now),
        Some(Duration::from_secs(30))
    );
    assert_eq!(parse_retry_after(&httpdate::fmt_http_date(now - Duration::from_secs(30)), now), Some(Duration::ZERO));
    assert_eq!(parse_retry_after("Thu, 01 Jan 1970 00:00:00 GMT", now), Some(Duration::ZERO));
}

#[test]
fn a_backoff_capped_at_the_longest_duration_does_not_divide_by_zero() {
    // a caller's "no cap" (`Duration::MAX`) reached by the doubling: the cap is past u64 nanoseconds
    let policy = RetryPolicy { base_delay: Duration::MAX, max_delay: Duration::MAX, ..RetryPolicy::default() };
    for random in [0, 1, u64::MAX - 1, u64::MAX] {
        let wait = pspkit::retry::backoff(&policy, 5, random);
        assert!(wait <= Duration::from_nanos(u64::MAX), "{wait:?}");
    }
}
