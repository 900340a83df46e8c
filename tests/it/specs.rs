//! Every spec against the project's rules, and the coverage each must reach.

use pspkit_codegen::{Spec, generate, stats};
use pspkit_tests::{PROVIDERS, spec_path};

fn load(provider: &str) -> Spec {
    Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn every_spec_passes_the_lint_and_generates() {
    for provider in PROVIDERS {
        let spec = load(provider);
        if let Err(e) = generate(&spec) {
            panic!("{provider}: {e}");
        }
    }
}

/// The coverage table (`just spec-stats` prints the same): operations per spec and per source.
#[test]
fn operation_counts_reach_the_coverage_floor() {
    let floor = [("onlyonepays", 7), ("firekassa", 15), ("firstpay", 7), ("onepay", 15), ("onchainpay", 80)];
    let mut rows = Vec::new();
    for (provider, min) in floor {
        let s = stats::stats(&load(provider));
        assert!(s.operations >= min, "{provider} has {} operations, fewer than {min}", s.operations);
        assert_eq!(s.by_source.values().sum::<usize>(), s.operations, "{provider}: every operation has one x-source");
        assert!(!s.by_source.contains_key("(none)"), "{provider}: an operation has no x-source");
        rows.push((provider.to_owned(), s));
    }
    assert_eq!(rows[0].1.operations, 7, "OnlyOnePays documents exactly 7 operations");
    println!("{}", stats::table(&rows));
}

/// The retry classes that protect money, spot-checked on the writes that matter most.
#[test]
fn payout_writes_are_classified_for_safe_retries() {
    let expect = [
        ("onepay", "createCashout", "idempotent", Some("x-idempotency")),
        ("onchainpay", "createOrder", "unsafe", None),
        ("onchainpay", "createWithdrawal", "unsafe", None),
        ("firstpay", "createPayOut", "unsafe", None),
        ("firekassa", "createWithdrawalTransaction", "unsafe", None),
        ("onlyonepays", "searchOperations", "safe", None),
    ];
    for (provider, id, retry, header) in expect {
        let spec = load(provider);
        let ops = spec.operations();
        let op = ops.iter().find(|op| op.id() == Some(id)).unwrap_or_else(|| panic!("{provider} has no {id}"));
        assert_eq!(op.str_field("x-retry"), Some(retry), "{provider} {id}");
        let key = op.value.get("x-idempotency").and_then(|i| i.get("header")).and_then(|h| h.as_str());
        assert_eq!(key, header, "{provider} {id}: idempotency header");
    }
}

/// Every write the provider deduplicates declares the key header, and no write that it does not
/// deduplicate claims to be retryable.
#[test]
fn no_write_is_retryable_without_an_idempotency_key() {
    for provider in PROVIDERS {
        let spec = load(provider);
        for op in spec.operations() {
            let retry = op.str_field("x-retry").unwrap_or("");
            if retry == "idempotent" {
                assert!(op.value.get("x-idempotency").is_some(), "{provider} {}: idempotent without a key", op.label());
            }
            if op.method != "get" && retry == "safe" {
                // A non-GET marked safe must be a read: its summary says so to a reviewer.
                assert!(op.value.get("x-idempotency").is_none(), "{provider} {}", op.label());
            }
        }
    }
}
