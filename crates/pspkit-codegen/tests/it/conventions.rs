//! What the conventions make of the fixture spec, read from the generated API summary.

use pspkit_codegen::{generate, summary};
use serde_json::json;

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
    assert!(api.contains("amount: pspkit::DecimalString"), "{api}");
    assert!(api.contains("amount: pspkit::DecimalNumber"), "request money stays required and a JSON number:\n{api}");
    assert!(api.contains("id: pspkit::Id"), "{api}");
    assert!(api.contains("created_at: Option<pspkit::Timestamp>"), "{api}");
    assert!(!api.contains("f64"), "no float anywhere:\n{api}");
}

#[test]
fn required_means_required_in_responses_too() {
    let api = api();
    // `Payment.status` and `.id` are required in the spec: plain fields, whatever their type
    assert!(api.contains("status: types::PaymentStatus"), "{api}");
    assert!(!api.contains("status: Option<types::PaymentStatus>"), "{api}");
    // optional or nullable in the spec (each with its x-source): an Option
    assert!(api.contains("failure: Option<types::PaymentFailure>"), "{api}");
    // arrays and integers the provider always sends stay required
    assert!(api.contains("items: Vec<types::Payment>") || api.contains("items: Vec<Payment>"), "{api}");
    assert!(api.contains("total_pages: i64"), "{api}");
    // the idempotency key is a setter, not an argument: pspkit fills it in
    assert!(api.contains("create_payment(body: types::CreatePaymentBody)"), "{api}");
    assert!(api.contains(".idempotency_key(String)"), "{api}");
}

#[test]
fn response_schemas_lose_their_size_keywords_and_requests_keep_them() {
    let mut doc = base();
    doc["components"]["schemas"]["Payment"]["properties"]["id"]["maxLength"] = json!(8);
    let create = doc.pointer_mut("/paths/~1payments/post/requestBody/content/application~1json/schema").expect("body");
    assert_eq!(create["properties"]["reference"]["maxLength"], json!(32));
    let prepared = pspkit_codegen::conventions::apply(&spec_of(&doc));
    let schemas = &prepared.doc["components"]["schemas"];
    assert!(schemas["Payment"]["properties"]["id"].get("maxLength").is_none(), "{}", schemas["Payment"]);
    assert_eq!(schemas["Payment"]["required"], json!(["id", "amount", "status"]), "the spec's required list is kept");
    let create = &prepared.doc["paths"]["/payments"]["post"]["requestBody"]["content"]["application/json"]["schema"];
    assert_eq!(create["properties"]["reference"]["maxLength"], json!(32), "{create}");
}

#[test]
fn a_signed_nonce_is_left_to_the_runtime() {
    let mut doc = base();
    doc["x-signing"] = json!({"scheme": "onchainpay-hmac-sha256", "nonce-field": "nonce"});
    let nonce = json!({"type": "integer", "description": "Nonce."});
    let create = doc.pointer_mut("/paths/~1payments/post/requestBody/content/application~1json/schema").expect("body");
    create["properties"]["nonce"] = nonce.clone();
    create["required"] = json!(["amount", "nonce"]);
    doc["paths"]["/payments"]["get"]["requestBody"] = json!({
        "required": true,
        "content": {"application/json": {"schema": {"type": "object", "required": ["nonce"], "properties": {"nonce": nonce}}}}
    });
    let generated = generate(&spec_of(&doc)).unwrap_or_else(|e| panic!("{e}"));
    let api = summary::api_summary(&generated);
    // the body holding only the nonce is gone from the list's arguments; the create's body type
    // keeps its own fields and loses the nonce
    assert!(api.contains("list_payments() -> "), "{api}");
    assert!(!api.contains("ListPaymentsBody"), "{api}");
    assert!(api.contains("struct CreatePaymentBody {"), "{api}");
    assert!(!api.contains("nonce"), "{api}");
}
