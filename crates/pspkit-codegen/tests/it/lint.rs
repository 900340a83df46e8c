//! Each lint rule, broken once on an otherwise clean spec: the error names the file, the
//! operation and the rule.

use pspkit_codegen::lint::lint;
use serde_json::{Value, json};

use crate::{base, spec_of};

const LIST: &str = "/paths/~1payments/get";
const CREATE: &str = "/paths/~1payments/post";

fn set(doc: &mut Value, pointer: &str, value: Value) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    let parent = doc.pointer_mut(parent).unwrap_or_else(|| panic!("no {parent}"));
    parent.as_object_mut().expect("object").insert(key.replace("~1", "/"), value);
}

fn remove(doc: &mut Value, pointer: &str) {
    let (parent, key) = pointer.rsplit_once('/').expect("pointer has a parent");
    doc.pointer_mut(parent).and_then(Value::as_object_mut).expect("object").remove(key);
}

/// Breaks the base spec with `edit` and expects exactly the rule `rule` on `operation`.
fn expect_rule(edit: impl FnOnce(&mut Value), operation: Option<&str>, rule: &str) {
    let mut doc = base();
    edit(&mut doc);
    let err = lint(&spec_of(&doc)).expect_err("the broken spec is rejected");
    let p = err.problems.iter().find(|p| p.rule == rule).unwrap_or_else(|| panic!("no {rule} problem in:\n{err}"));
    assert_eq!(p.file, "specs/fixture.yaml");
    assert_eq!(p.operation.as_deref(), operation, "{err}");
    let text = err.to_string();
    assert!(text.contains(&format!("[{rule}]")), "{text}");
}

#[test]
fn the_base_fixture_is_clean() {
    lint(&spec_of(&base())).expect("clean");
}

#[test]
fn two_success_schemas_on_one_operation() {
    expect_rule(
        |d| {
            set(
                d,
                &format!("{CREATE}/responses/200"),
                json!({"description": "also", "content": {"application/json": {"schema": {"type": "object"}}}}),
            )
        },
        Some("createPayment"),
        "one-success-response",
    );
}

#[test]
fn error_statuses_with_different_schemas() {
    expect_rule(
        |d| {
            set(
                d,
                &format!("{CREATE}/responses/409"),
                json!({"description": "conflict", "content": {"application/json": {"schema": {"type": "object"}}}}),
            )
        },
        Some("createPayment"),
        "errors-share-schema",
    );
}

#[test]
fn default_response() {
    expect_rule(
        |d| set(d, &format!("{LIST}/responses/default"), json!({"description": "x"})),
        Some("listPayments"),
        "no-default-response",
    );
}

#[test]
fn duplicate_operation_id() {
    expect_rule(
        |d| set(d, &format!("{CREATE}/operationId"), json!("listPayments")),
        Some("listPayments"),
        "unique-operation-id",
    );
}

#[test]
fn missing_source_and_unknown_source() {
    expect_rule(|d| remove(d, &format!("{LIST}/x-source")), Some("listPayments"), "x-source");
    expect_rule(|d| set(d, &format!("{LIST}/x-source"), json!("blog")), Some("listPayments"), "x-source");
}

#[test]
fn missing_summary_and_undeclared_tag() {
    expect_rule(|d| remove(d, &format!("{LIST}/summary")), Some("listPayments"), "summary");
    expect_rule(|d| set(d, &format!("{LIST}/tags"), json!(["Refunds"])), Some("listPayments"), "one-tag");
    expect_rule(|d| set(d, &format!("{LIST}/tags"), json!(["Payments", "Payments"])), Some("listPayments"), "one-tag");
}

#[test]
fn retry_class_is_required_and_gets_are_safe() {
    expect_rule(|d| remove(d, &format!("{CREATE}/x-retry")), Some("createPayment"), "x-retry");
    expect_rule(|d| set(d, &format!("{LIST}/x-retry"), json!("unsafe")), Some("listPayments"), "x-retry");
}

#[test]
fn idempotent_writes_need_a_declared_optional_key_header() {
    expect_rule(|d| remove(d, &format!("{CREATE}/x-idempotency")), Some("createPayment"), "x-idempotency");
    expect_rule(|d| set(d, &format!("{CREATE}/parameters"), json!([])), Some("createPayment"), "x-idempotency");
    expect_rule(
        |d| set(d, &format!("{CREATE}/parameters/0/required"), json!(true)),
        Some("createPayment"),
        "x-idempotency",
    );
}

#[test]
fn unknown_extension_is_a_typo() {
    expect_rule(|d| set(d, &format!("{CREATE}/x-retries"), json!("safe")), Some("createPayment"), "known-extensions");
    expect_rule(|d| set(d, "/x-envelop", json!({})), None, "known-extensions");
}

#[test]
fn request_body_must_be_json_and_required() {
    expect_rule(
        |d| {
            set(d, &format!("{CREATE}/requestBody/content/multipart~1form-data"), json!({"schema": {"type": "object"}}))
        },
        Some("createPayment"),
        "json-request-body",
    );
    expect_rule(
        |d| set(d, &format!("{CREATE}/requestBody/required"), json!(false)),
        Some("createPayment"),
        "json-request-body",
    );
}

#[test]
fn floats_closed_objects_and_money_in_unions() {
    expect_rule(|d| set(d, "/components/schemas/Payment/properties/fee", json!({"type": "number"})), None, "no-float");
    expect_rule(|d| set(d, "/components/schemas/Payment/additionalProperties", json!(false)), None, "open-objects");
    expect_rule(
        |d| set(d, "/components/schemas/Payment/properties/amount/x-sensitive", json!(true)),
        None,
        "sensitive",
    );
    // on a parameter: its own plain text schema only
    expect_rule(
        |d| set(d, &format!("{LIST}/parameters/0/schema"), json!({"type": "integer", "x-sensitive": true})),
        Some("listPayments"),
        "sensitive",
    );
    let mut doc = base();
    set(&mut doc, &format!("{LIST}/parameters/0/schema"), json!({"type": "string", "x-sensitive": true}));
    lint(&spec_of(&doc)).expect("a text parameter may be marked");
    expect_rule(
        |d| {
            set(
                d,
                "/components/schemas/Payment/properties/fee",
                json!({"oneOf": [{"type": "string", "format": "decimal"}, {"type": "integer"}]}),
            )
        },
        None,
        "money-outside-unions",
    );
}

#[test]
fn pagination_must_name_real_fields() {
    expect_rule(
        |d| set(d, &format!("{LIST}/x-pagination/page-size"), json!("per_page")),
        Some("listPayments"),
        "x-pagination",
    );
    expect_rule(|d| set(d, &format!("{LIST}/x-pagination/items"), json!("data")), Some("listPayments"), "x-pagination");
    expect_rule(
        |d| set(d, &format!("{LIST}/x-pagination/style"), json!("cursor")),
        Some("listPayments"),
        "x-pagination",
    );
    expect_rule(|d| remove(d, &format!("{LIST}/x-pagination/first-page")), Some("listPayments"), "x-pagination");
    // a page's metadata, which no style needs, must name real fields too
    expect_rule(
        |d| set(d, &format!("{LIST}/x-pagination/total-items"), json!("no_such_total")),
        Some("listPayments"),
        "x-pagination",
    );
}

#[test]
fn undeclared_path_parameter_and_cookies() {
    expect_rule(
        |d| {
            let op = d.pointer(LIST).cloned().expect("list op");
            set(d, "/paths/~1payments~1{id}", json!({"get": op}));
            set(d, "/paths/~1payments~1{id}/get/operationId", json!("getPayment"));
            remove(d, "/paths/~1payments~1{id}/get/x-pagination");
        },
        Some("getPayment"),
        "parameters",
    );
    expect_rule(
        |d| {
            let params = d.pointer_mut(&format!("{LIST}/parameters")).and_then(Value::as_array_mut).expect("params");
            params.push(json!({"name": "session", "in": "cookie", "schema": {"type": "string"}}));
        },
        Some("listPayments"),
        "parameters",
    );
}

#[test]
fn response_fields_say_why_they_may_be_absent_or_null() {
    let payment = "/components/schemas/Payment";
    // optional without a source
    expect_rule(|d| remove(d, &format!("{payment}/properties/created_at/x-source")), None, "sourced-leniency");
    // required but nullable without a source
    expect_rule(
        |d| {
            set(d, &format!("{payment}/properties/status/nullable"), json!(true));
        },
        None,
        "sourced-leniency",
    );
    // a nullable `$ref` (the generator ignores a reference's siblings)
    expect_rule(
        |d| {
            set(
                d,
                &format!("{payment}/properties/page"),
                json!({"$ref": "#/components/schemas/Error", "nullable": true, "x-source": "doc"}),
            )
        },
        None,
        "sourced-leniency",
    );
    // request bodies are not concerned: their optional fields are the caller's choice
    let mut doc = base();
    remove(&mut doc, &format!("{CREATE}/requestBody/content/application~1json/schema/required"));
    lint(&spec_of(&doc)).expect("optional request fields need no source");
}

#[test]
fn every_field_and_parameter_is_described() {
    expect_rule(|d| remove(d, "/components/schemas/Payment/properties/amount/description"), None, "descriptions");
    expect_rule(|d| remove(d, &format!("{LIST}/parameters/0/description")), Some("listPayments"), "descriptions");
}

#[test]
fn either_or_groups_name_real_body_fields() {
    // a real group is clean, a group naming a field the body lacks is not
    let mut doc = base();
    set(&mut doc, &format!("{CREATE}/x-require-one-of"), json!([["amount", "reference"]]));
    lint(&spec_of(&doc)).expect("amount and reference are body fields");
    expect_rule(
        |d| set(d, &format!("{CREATE}/x-require-one-of"), json!([["amount", "card_id"]])),
        Some("createPayment"),
        "x-require-one-of",
    );
    expect_rule(
        |d| set(d, &format!("{CREATE}/x-require-one-of"), json!([["amount"]])),
        Some("createPayment"),
        "x-require-one-of",
    );
}

#[test]
fn typed_strings_declare_the_pattern_their_decoder_accepts() {
    // a money string without its pattern: a mock generating from the spec would send text
    expect_rule(|d| remove(d, "/components/schemas/Payment/properties/amount/pattern"), None, "format-patterns");
    // a pattern of its own, however plausible, is not what pspkit::Timestamp was checked against
    expect_rule(
        |d| set(d, "/components/schemas/Payment/properties/created_at/pattern", json!("^.+$")),
        None,
        "format-patterns",
    );
    expect_rule(
        |d| set(d, &format!("{LIST}/parameters/0/schema"), json!({"type": "string", "format": "id"})),
        Some("listPayments"),
        "format-patterns",
    );
    // a JSON-number amount has no pattern to declare
    let mut doc = base();
    set(
        &mut doc,
        "/components/schemas/Payment/properties/fee",
        json!({"type": "number", "format": "decimal", "description": "Fee.", "x-source": "inferred"}),
    );
    lint(&spec_of(&doc)).expect("number money is constrained by its type");
}

#[test]
fn a_signed_nonce_is_declared_in_every_request() {
    let mut doc = base();
    set(&mut doc, "/x-signing", json!({"scheme": "onchainpay-hmac-sha256", "nonce-field": "nonce"}));
    let err = lint(&spec_of(&doc)).expect_err("neither operation declares the nonce");
    let flagged: Vec<&str> =
        err.problems.iter().filter(|p| p.rule == "signed-nonce").filter_map(|p| p.operation.as_deref()).collect();
    assert_eq!(flagged, ["listPayments", "createPayment"], "{err}");

    set(
        &mut doc,
        &format!("{CREATE}/requestBody/content/application~1json/schema/properties/nonce"),
        json!({"type": "integer", "description": "Nonce."}),
    );
    let err = lint(&spec_of(&doc)).expect_err("the list still sends a body it does not declare");
    let flagged: Vec<&str> =
        err.problems.iter().filter(|p| p.rule == "signed-nonce").filter_map(|p| p.operation.as_deref()).collect();
    assert_eq!(flagged, ["listPayments"], "{err}");
}
