//! Hostile values in the response headers the runtime reads: `Retry-After` (straight into
//! `pspkit::retry::parse_retry_after`, at clocks from 1970 to the far future, and through the
//! client's rate-limit path), the request-id headers an API error quotes, and `Content-Type`.

use std::time::{Duration, SystemTime};

use pspkit::Error;

use super::bodies::{decoders, is_api_error};
use super::mutate::mutate_bytes;
use super::rng::Rng;
use super::{Report, guarded};
use crate::PROVIDERS;

/// Values that broke or could break a parser of delays and dates: beyond `u64` and `f64`, NaN,
/// negative, fractions, exponents, HTTP dates in every historical format and none, non-ASCII.
pub const HOSTILE: &[&str] = &[
    "",
    " ",
    "0",
    "-0",
    "-1",
    "120",
    " 120 ",
    "\t7",
    "1.5",
    "0.0000001",
    ".5",
    "5.",
    "+5",
    "1e20",
    "1E400",
    "1e-400",
    "-1e20",
    "1e",
    "e5",
    "18446744073709551615",
    "18446744073709551616",
    "99999999999999999999999999999999999999",
    "NaN",
    "nan",
    "-NaN",
    "inf",
    "-inf",
    "Infinity",
    "1_000",
    "0x10",
    "1,2",
    "--1",
    "1-1",
    "+-.eE",
    "Sun, 06 Nov 1994 08:49:37 GMT",
    "Sunday, 06-Nov-94 08:49:37 GMT",
    "Sun Nov  6 08:49:37 1994",
    "Thu, 01 Jan 1970 00:00:00 GMT",
    "Wed, 31 Dec 1969 23:59:59 GMT",
    "Mon, 01 Jan 0001 00:00:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 GMT",
    "Sat, 01 Jan 10000 00:00:00 GMT",
    "Thu, 31 Feb 2024 00:00:00 GMT",
    "Tue, 99 Foo 2024 99:99:99 GMT",
    "Sun, 06 Nov 1994 08:49:37 PST",
    "Sun, 06 Nov 1994 08:49:37",
    "2024-01-01T00:00:00Z",
    "tomorrow",
    "caf\u{e9}",
    "\u{1F980}",
];

/// The clocks `Retry-After` dates are measured against: the epoch, now, before the epoch, and
/// as far ahead as `SystemTime` goes on this platform.
fn clocks() -> Vec<SystemTime> {
    let epoch = SystemTime::UNIX_EPOCH;
    let mut clocks = vec![epoch, SystemTime::now()];
    clocks.extend(epoch.checked_sub(Duration::from_secs(86_400 * 365 * 100)));
    clocks.extend(epoch.checked_add(Duration::from_secs(253_402_300_799))); // 9999-12-31
    clocks.extend(epoch.checked_add(Duration::from_secs(i64::MAX as u64 / 2)));
    clocks
}

/// A hostile header value: from the list, a long one, one built from random bytes, or a listed
/// one mutated byte-wise.
pub fn hostile_value(rng: &mut Rng) -> Vec<u8> {
    match rng.below(6) {
        0 => rng.pick(&["9", "1", "Sun, 06 Nov 1994 08:49:37 GMT "]).repeat(*rng.pick(&[10, 300, 3_000])).into_bytes(),
        1 => (0..rng.below(64)).map(|_| rng.next_u64() as u8).collect(),
        2 => {
            let mut value = rng.pick(HOSTILE).as_bytes().to_vec();
            mutate_bytes(&mut value, rng);
            value
        }
        _ => rng.pick(HOSTILE).as_bytes().to_vec(),
    }
}

/// Runs `cases` hostile header sets: each value through `parse_retry_after` at every clock, then
/// as the headers of an error answer through a provider's decoder (round robin over providers
/// and operations), which must still be an API error.
pub fn fuzz_headers(cases: u64, seed: u64) -> Report {
    let clocks = clocks();
    let decoders: Vec<_> = PROVIDERS.iter().flat_map(|p| decoders(p)).collect();
    let mut report = Report::new("headers");
    for i in 0..cases {
        let mut rng = Rng::for_case(seed, i);
        let value = hostile_value(&mut rng);
        report.cases += 1;
        // Header values reach the runtime as text only if they are visible ASCII; the bytes as
        // received are tried too, in case a server sends Latin-1.
        let text = String::from_utf8_lossy(&value).into_owned();
        for now in &clocks {
            if let Err(panic) = guarded(|| pspkit::retry::parse_retry_after(&text, *now)) {
                report.finding(true, &format!("parse_retry_after at {now:?} (case {i}, seed {seed}): {panic}"), &value);
            }
        }
        let Ok(header) = http::HeaderValue::from_bytes(&value) else { continue };
        let mut headers = http::HeaderMap::new();
        for name in ["retry-after", "x-request-id", "request-id", "cf-ray", "content-type", "content-length"] {
            if rng.one_in(2) || name == "retry-after" {
                headers.insert(name, header.clone());
            }
        }
        let decoder = decoders[(i % decoders.len() as u64) as usize];
        let status = *rng.pick(&[429, 503, 400, 404]);
        let body = br#"{"error": {"code": "rate_limited", "message": "slow down"}, "requestId": "r-1"}"#;
        match guarded(|| (decoder.decode)(status, &headers, body)) {
            Err(panic) => report.finding(
                true,
                &format!("{} {} HTTP {status} (case {i}, seed {seed}): {panic}", decoder.provider, decoder.operation),
                &value,
            ),
            Ok(Err(e)) if is_api_error(&e) && (status != 429 || matches!(e, Error::RateLimited { .. })) => {
                report.api_errors += 1
            }
            Ok(outcome) => report.finding(
                false,
                &format!("{} {} HTTP {status}: {outcome:?}", decoder.provider, decoder.operation),
                &value,
            ),
        }
    }
    report
}
