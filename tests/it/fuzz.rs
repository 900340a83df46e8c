//! The fuzzer in every test run: 10,000 mutated bodies per provider through every generated
//! response decoder, 10,000 hostile header sets, 10,000 mutated webhook deliveries per provider
//! that has webhooks, 10,000 hostile ledgers, and deep nesting. `just fuzz` runs the same engine a million cases per provider.

use pspkit::Error;
use pspkit_tests::fuzz::bodies::{decoders, fuzz_provider};
use pspkit_tests::fuzz::headers::fuzz_headers;
use pspkit_tests::fuzz::ledger::fuzz_ledger;
use pspkit_tests::fuzz::webhooks::fuzz_webhooks;
use pspkit_tests::{PROVIDERS, provider_spec};

/// Fixed, so that a failure here is reproducible with `just fuzz --seed`.
const SEED: u64 = 0x5eed_f022;
const CASES: u64 = 10_000;
/// As many as the response bodies: a webhook endpoint is as exposed as a client.
const WEBHOOK_CASES: u64 = 10_000;

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

#[test]
fn hostile_ledgers_are_read_or_refused_with_their_line() {
    let report = fuzz_ledger(CASES, SEED);
    println!("{}", report.summary());
    assert_eq!(report.cases, CASES);
    // a mutator that only ever broke the ledger, or never did, would prove little
    assert!(report.accepted > CASES / 20 && report.decode_errors > CASES / 4, "{}", report.summary());
    assert!(report.clean(), "{}", report.summary());
}

/// serde_json refuses a 128th level of nesting where it builds values (its default recursion
/// limit; fails if `unbounded_depth` is ever turned on), and skips ignored fields and raw values
/// (money) without recursing: a body nested 100,000 deep is decoded or refused, never a stack
/// overflow (which would abort this test binary).
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
                Ok(()) | Err(Error::Decode(_)) => {}
                Err(other) => panic!("{provider} {}: {other:?}", decoder.operation),
            }
            assert!(matches!((decoder.decode)(500, &headers, body.as_bytes()), Err(Error::Api(_))), "{provider}");
        }
    }
}

/// Mutated webhook deliveries: some get past the signature and are parsed, the rest are refused
/// with a typed error; none panics.
fn webhooks_survive_mutated_deliveries(target: &str) {
    let report = fuzz_webhooks(target, WEBHOOK_CASES, SEED);
    println!("{}", report.summary());
    assert_eq!(report.cases, WEBHOOK_CASES);
    assert!(report.accepted > 0 && report.refused > 0, "{}", report.summary());
    assert!(report.clean(), "{}", report.summary());
}

#[test]
fn onepay_webhooks() {
    webhooks_survive_mutated_deliveries("onepay");
}

#[test]
fn onchainpay_webhooks() {
    webhooks_survive_mutated_deliveries("onchainpay");
}

#[test]
fn firstpay_webhooks() {
    webhooks_survive_mutated_deliveries("firstpay");
}

/// Found by `firstpay_webhooks`: FirstPay's string to sign re-parsed every nested array once per
/// level, each parse with a fresh depth budget, so a body of nested arrays under the 1 MiB cap
/// overflowed the stack before the signature was checked. Array nesting is now capped.
#[test]
fn firstpay_deeply_nested_arrays_are_refused_before_the_stack_runs_out() {
    let key = pspkit::signing::RsaVerifyingKey::from_pem(pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM).expect("test key");
    for depth in [9, 1_000, 400_000] {
        let body = format!(r#"{{"publicKey":"k","hash":"x","a":{}{}}}"#, "[".repeat(depth), "]".repeat(depth));
        let err = pspkit::webhooks::firstpay::verify(body.as_bytes(), &key).expect_err("refused");
        assert!(err.to_string().contains("nested deeper than 8"), "{depth}: {err}");
    }
    // genuine shapes (an array of objects, arrays of scalars) still render and simply fail the
    // signature
    let body = r#"{"publicKey":"k","hash":"x","payments":[{"id":1}],"a":[[1,2],[3]]}"#;
    let err = pspkit::webhooks::firstpay::verify(body.as_bytes(), &key).expect_err("refused");
    assert_eq!(err, pspkit::webhooks::WebhookError::BadSignature);
}
