//! The fuzzer in every test run: 10,000 mutated bodies per provider through every generated
//! response decoder, 10,000 hostile header sets, deep nesting, and the inputs that once broke
//! something. `just fuzz` runs the same engine a million cases per provider.

use pspkit::Error;
use pspkit_tests::fuzz::bodies::{decoders, fuzz_provider};
use pspkit_tests::fuzz::headers::fuzz_headers;
use pspkit_tests::{PROVIDERS, provider_spec};

/// Fixed, so that a failure here is reproducible with `just fuzz --seed`.
const SEED: u64 = 0x5eed_f022;
const CASES: u64 = 10_000;

/// One provider's share, a test of its own so that the providers run in parallel.
fn mutated_bodies_decode_or_fail_with_a_typed_error(provider: &str) {
    let report = fuzz_provider(provider, CASES, SEED);
    println!("{}", report.summary());
    assert_eq!(report.cases, CASES);
    // A mutator that only ever broke the body, or never did, would prove little.
    assert!(report.accepted > 0 && report.decode_errors > 0 && report.api_errors > 0, "{}", report.summary());
    assert!(report.clean(), "{}", report.summary());
}

#[test]
fn onlyonepays_bodies() {
    mutated_bodies_decode_or_fail_with_a_typed_error("onlyonepays");
}

#[test]
fn firekassa_bodies() {
    mutated_bodies_decode_or_fail_with_a_typed_error("firekassa");
}

#[test]
fn firstpay_bodies() {
    mutated_bodies_decode_or_fail_with_a_typed_error("firstpay");
}

#[test]
fn onepay_bodies() {
    mutated_bodies_decode_or_fail_with_a_typed_error("onepay");
}

#[test]
fn onchainpay_bodies() {
    mutated_bodies_decode_or_fail_with_a_typed_error("onchainpay");
}

#[test]
fn every_provider_is_fuzzed() {
    assert_eq!(PROVIDERS, ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"], "add a test above");
}

#[test]
fn hostile_response_headers_never_panic() {
    let report = fuzz_headers(CASES, SEED);
    println!("{}", report.summary());
    assert_eq!(report.cases, CASES);
    assert!(report.api_errors > CASES / 2, "most hostile values are valid header bytes: {}", report.summary());
    assert!(report.clean(), "{}", report.summary());
}

/// serde_json refuses a 128th level of nesting (its default recursion limit): a body nested
/// 100,000 deep is a decode error, not a stack overflow. Fails if the limit is ever turned off
/// (serde_json's `unbounded_depth`).
#[test]
fn deep_nesting_is_refused_before_the_stack_runs_out() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(serde_json::from_str::<serde_json::Value>(&nested(127)).is_ok());
    let refused = serde_json::from_str::<serde_json::Value>(&nested(128)).expect_err("128 levels");
    assert!(refused.to_string().contains("recursion limit exceeded"), "{refused}");
    let headers = http::HeaderMap::new();
    for provider in PROVIDERS {
        let decoder = decoders(provider).into_iter().find(|d| d.success).expect("a JSON payload");
        for body in [nested(100_000), format!("{}1{}", r#"{"a":"#.repeat(100_000), "}".repeat(100_000))] {
            let envelope =
                provider_spec(provider).envelope.map(|e| format!(r#"{{"{}":true,"{}":{body}}}"#, e.success, e.data));
            let body = envelope.unwrap_or(body);
            match (decoder.decode)(200, &headers, body.as_bytes()) {
                Err(Error::Decode(e)) => assert!(e.message.contains("recursion limit"), "{provider}: {}", e.message),
                other => panic!("{provider} {}: {other:?}", decoder.operation),
            }
            assert!(matches!((decoder.decode)(500, &headers, body.as_bytes()), Err(Error::Api(_))), "{provider}");
        }
    }
}
