//! The typed extensions: each one read from a spec value, each one refusing an unknown value or
//! key with a message naming the extension, and the committed JSON Schema matching the types.

use pspkit_codegen::extensions::{
    self, DocumentExtensions, OperationExtensions, PaginationStyle, ParamPlace, Retry, Signing, Source,
};
use serde_json::{Value, json};

fn operation(extra: Value) -> Value {
    let mut op = json!({"operationId": "listPayments", "x-source": "doc", "x-retry": "safe"});
    for (k, v) in extra.as_object().expect("an object") {
        op[k] = v.clone();
    }
    op
}

fn refused<T: serde::de::DeserializeOwned + std::fmt::Debug>(value: Value, expected: &str) {
    let message = extensions::read::<T>(&value).expect_err("must be refused");
    assert!(message.contains(expected), "{message:?} does not mention {expected:?}");
}

#[test]
fn x_source_and_x_path_source() {
    let op: OperationExtensions = extensions::read(&operation(json!({"x-path-source": "inferred"}))).unwrap();
    assert_eq!((op.source, op.path_source), (Source::Doc, Some(Source::Inferred)));
    refused::<OperationExtensions>(operation(json!({"x-source": "blog"})), "x-source");
    refused::<OperationExtensions>(operation(json!({"x-path-source": 3})), "x-path-source");
}

#[test]
fn x_retry() {
    for (text, retry) in [("safe", Retry::Safe), ("idempotent", Retry::Idempotent), ("unsafe", Retry::Unsafe)] {
        let op: OperationExtensions = extensions::read(&operation(json!({"x-retry": text}))).unwrap();
        assert_eq!(op.retry, retry);
        assert_eq!(retry.as_str(), text);
    }
    // an unknown class used to mean `unsafe` silently; now it is a spec problem
    refused::<OperationExtensions>(operation(json!({"x-retry": "sometimes"})), "x-retry");
    let mut missing = operation(json!({}));
    missing.as_object_mut().unwrap().remove("x-retry");
    refused::<OperationExtensions>(missing, "x-retry");
}

#[test]
fn x_idempotency() {
    let op: OperationExtensions =
        extensions::read(&operation(json!({"x-idempotency": {"header": "Idempotency-Key"}}))).unwrap();
    assert_eq!(op.idempotency.unwrap().header, "Idempotency-Key");
    refused::<OperationExtensions>(operation(json!({"x-idempotency": {"name": "Key"}})), "x-idempotency");
}

#[test]
fn x_pagination() {
    let p = json!({"style": "keyset", "in": "body", "cursor": "fromId", "page-size": "limit",
                   "items": "items", "next-cursor": "nextId", "max-page-size": 100});
    let op: OperationExtensions = extensions::read(&operation(json!({"x-pagination": p}))).unwrap();
    let p = op.pagination.unwrap();
    assert_eq!((p.style, p.place, p.max_page_size), (PaginationStyle::Keyset, ParamPlace::Body, Some(100)));
    assert_eq!(p.position_and_size(), (None, Some("limit")));
    assert_eq!(p.key("next-cursor"), Some("nextId"));
    refused::<OperationExtensions>(
        operation(json!({"x-pagination": {"style": "pages", "in": "query", "items": "."}})),
        "x-pagination",
    );
    refused::<OperationExtensions>(
        operation(json!({"x-pagination": {"style": "offset", "in": "query", "items": ".", "size": "n"}})),
        "x-pagination",
    );
}

#[test]
fn x_require_one_of() {
    let op: OperationExtensions =
        extensions::read(&operation(json!({"x-require-one-of": [["paymentId", "merchantPaymentId"]]}))).unwrap();
    assert_eq!(op.require_one_of, [["paymentId", "merchantPaymentId"]]);
    refused::<OperationExtensions>(operation(json!({"x-require-one-of": "paymentId"})), "x-require-one-of");
}

#[test]
fn x_codegen_skip() {
    let op: OperationExtensions = extensions::read(&operation(json!({"x-codegen-skip": "multipart upload"}))).unwrap();
    assert_eq!(op.codegen_skip.as_deref(), Some("multipart upload"));
    refused::<OperationExtensions>(operation(json!({"x-codegen-skip": true})), "x-codegen-skip");
}

#[test]
fn unknown_operation_extension() {
    refused::<OperationExtensions>(operation(json!({"x-retries": "safe"})), "x-retries");
}

fn document(extra: Value) -> Value {
    let mut doc = json!({
        "openapi": "3.0.3",
        "x-client-name": "Pay",
        "x-credentials": {"keys": [{"name": "api_key", "description": "The key."}]},
    });
    for (k, v) in extra.as_object().expect("an object") {
        doc[k] = v.clone();
    }
    doc
}

#[test]
fn x_client_name() {
    let doc: DocumentExtensions = extensions::read(&document(json!({}))).unwrap();
    assert_eq!(doc.client_name, "Pay");
    let mut missing = document(json!({}));
    missing.as_object_mut().unwrap().remove("x-client-name");
    refused::<DocumentExtensions>(missing, "x-client-name");
}

#[test]
fn x_error() {
    let doc: DocumentExtensions =
        extensions::read(&document(json!({"x-error": {"code": "/error", "message": ["/message", "/error"]}}))).unwrap();
    let error = doc.error.unwrap();
    assert_eq!(error.code.unwrap().as_slice(), ["/error"]);
    assert_eq!(error.message.unwrap().as_slice(), ["/message", "/error"]);
    refused::<DocumentExtensions>(document(json!({"x-error": {"reason": "/r"}})), "x-error");
}

#[test]
fn x_envelope() {
    let doc: DocumentExtensions = extensions::read(&document(
        json!({"x-envelope": {"success": "success", "data": "response", "error": "error"}}),
    ))
    .unwrap();
    assert_eq!(doc.envelope.unwrap().data, "response");
    refused::<DocumentExtensions>(document(json!({"x-envelope": {"success": "ok"}})), "x-envelope");
}

#[test]
fn x_signing() {
    let doc: DocumentExtensions =
        extensions::read(&document(json!({"x-signing": {"scheme": "firekassa-hmac-sha512", "header": "Signature"}})))
            .unwrap();
    assert_eq!(doc.signing, Some(Signing::FireKassaHmacSha512 { header: "Signature".into() }));
    refused::<DocumentExtensions>(document(json!({"x-signing": {"scheme": "md5"}})), "x-signing");
}

#[test]
fn x_credentials() {
    let doc: DocumentExtensions = extensions::read(&document(json!({"x-credentials": {
        "merchant-host": true,
        "keys": [
            {"name": "public_key", "public": true, "description": "Theirs."},
            {"name": "sign_token", "optional": true, "description": "Signs."},
        ],
    }})))
    .unwrap();
    let credentials = doc.credentials;
    assert!(credentials.merchant_host);
    let keys: Vec<_> = credentials.keys.iter().map(|k| (k.name.as_str(), k.optional, k.public)).collect();
    assert_eq!(keys, [("public_key", false, true), ("sign_token", true, false)]);
    let mut missing = document(json!({}));
    missing.as_object_mut().unwrap().remove("x-credentials");
    refused::<DocumentExtensions>(missing, "x-credentials");
    let unknown = json!({"x-credentials": {"keys": [{"name": "k", "description": "d", "secret": true}]}});
    refused::<DocumentExtensions>(document(unknown), "x-credentials");
}

#[test]
fn unknown_document_extension() {
    refused::<DocumentExtensions>(document(json!({"x-envelop": {}})), "x-envelop");
}

/// `specs/extensions.schema.json` is what the types produce: regenerate it with
/// `cargo run -p pspkit-codegen --bin pspkit-spec -- extensions-schema > specs/extensions.schema.json`.
#[test]
fn committed_json_schema_is_current() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../specs/extensions.schema.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(committed, extensions::json_schema(), "regenerate {}", path.display());
}

#[test]
fn x_normalize() {
    let op: OperationExtensions =
        extensions::read(&operation(json!({"x-normalize": crate::fitting_normalize(json!({}))}))).unwrap();
    let n = op.normalize.unwrap();
    assert_eq!(n.status.map["paid"], extensions::NormalStatus::Succeeded);
    assert_eq!(n.direction, extensions::DirectionRule::Fixed(extensions::NormalDirection::In));
    let by_field = json!({"direction": {"field": "type", "map": {"PAY_IN": "in", "PAY_OUT": "out"}, "default": "in"}});
    let op: OperationExtensions =
        extensions::read(&operation(json!({"x-normalize": crate::fitting_normalize(by_field)}))).unwrap();
    assert!(matches!(op.normalize.unwrap().direction, extensions::DirectionRule::ByField(_)));
    // unknown statuses, directions, units, keys and range formats are spec problems
    let bad_status = json!({"status": {"field": "status", "map": {"paid": "done"}, "x-source": "doc"}});
    refused::<OperationExtensions>(
        operation(json!({"x-normalize": crate::fitting_normalize(bad_status)})),
        "x-normalize",
    );
    refused::<OperationExtensions>(
        operation(json!({"x-normalize": crate::fitting_normalize(json!({"direction": "up"}))})),
        "x-normalize",
    );
    let stray = json!({"direction": {"field": "type", "map": {}, "default": "in", "fallback": "out"}});
    refused::<OperationExtensions>(operation(json!({"x-normalize": crate::fitting_normalize(stray)})), "x-normalize");
    let bad_unit = json!({"amount": {"field": "amount", "unit": "cents", "x-source": "doc"}});
    refused::<OperationExtensions>(
        operation(json!({"x-normalize": crate::fitting_normalize(bad_unit)})),
        "x-normalize",
    );
    refused::<OperationExtensions>(
        operation(json!({"x-normalize": crate::fitting_normalize(json!({"sign": "+"}))})),
        "x-normalize",
    );
    let bad_range = json!({"range": {"since": "from", "until": "to", "format": "epoch", "x-source": "doc"}});
    refused::<OperationExtensions>(
        operation(json!({"x-normalize": crate::fitting_normalize(bad_range)})),
        "x-normalize",
    );
}
