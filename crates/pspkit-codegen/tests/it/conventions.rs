//! What the conventions make of the fixture spec, read from the generated API summary.

use pspkit_codegen::{generate, summary};

use crate::{base, spec_of};

fn api() -> String {
    let generated = generate(&spec_of(&base())).unwrap_or_else(|e| panic!("{e}"));
    summary::api_summary(&generated)
}

#[test]
fn string_enums_become_open_named_after_their_field() {
    let api = api();
    assert!(api.contains("open enum PaymentStatus { new, paid, failed | Unknown(String) }"), "{api}");
    // a nullable inline enum is hoisted too, and becomes optional
    assert!(api.contains("open enum PaymentFailure { declined, expired | Unknown(String) }"), "{api}");
    // an inline enum on a query parameter is named after the operation and the parameter
    assert!(api.contains("open enum ListPaymentsStatus { new, paid | Unknown(String) }"), "{api}");
}

#[test]
fn money_ids_and_times_map_to_the_pspkit_types() {
    let api = api();
    assert!(api.contains("amount: Option<pspkit::DecimalString>"), "{api}");
    assert!(api.contains("amount: pspkit::DecimalNumber"), "request money stays required and a JSON number:\n{api}");
    assert!(api.contains("id: Option<pspkit::Id>"), "{api}");
    assert!(api.contains("created_at: Option<pspkit::Timestamp>"), "{api}");
    assert!(!api.contains("f64"), "no float anywhere:\n{api}");
}

#[test]
fn responses_are_lenient_and_requests_keep_their_rules() {
    let api = api();
    // `Payment.status` is required in the spec, but strings may arrive as null: optional.
    assert!(api.contains("status: Option<types::PaymentStatus>"), "{api}");
    // arrays and integers the provider always sends stay required
    assert!(api.contains("items: Vec<types::Payment>") || api.contains("items: Vec<Payment>"), "{api}");
    assert!(api.contains("total_pages: i64"), "{api}");
    // the idempotency key is optional in the signature: pspkit fills it in
    assert!(api.contains("create_payment(idempotency_key: Option<&str>"), "{api}");
}
