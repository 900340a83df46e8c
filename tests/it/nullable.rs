//! Required-but-nullable request fields: `None` is sent as JSON `null`, over real HTTP. The
//! specs are searched for every such field, so a new one cannot be added without a test here.

use pspkit_tests::{PROVIDERS, ScriptedServer, Step, keys, spec_path};
use serde_json::{Value, json};

/// `provider operationId field` for every required, nullable field of a JSON request body.
fn required_nullable_fields() -> Vec<String> {
    let mut out = Vec::new();
    for provider in PROVIDERS {
        let spec = pspkit_codegen::Spec::load(spec_path(provider)).expect("the spec loads");
        let resolve = |v: &Value| spec.resolve(v).cloned().unwrap_or(Value::Null);
        for op in spec.operations() {
            let Some(body) = op.value.get("requestBody") else { continue };
            let schema = resolve(resolve(body).pointer("/content/application~1json/schema").unwrap_or(&Value::Null));
            let required: Vec<&str> =
                schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            for (name, prop) in schema["properties"].as_object().into_iter().flatten() {
                let nullable =
                    prop["nullable"].as_bool().unwrap_or(false) || resolve(prop)["nullable"].as_bool().unwrap_or(false);
                if nullable && required.contains(&name.as_str()) {
                    out.push(format!("{provider} {} {name}", op.id().unwrap_or("?")));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_required_nullable_field_is_covered_below() {
    assert_eq!(
        required_nullable_fields(),
        [
            "firstpay createComplaint amount",
            "firstpay createComplaint clientFieldsValues",
            "firstpay createComplaint paymentMethodId",
        ],
        "a spec gained or lost a required, nullable request field: cover it in this file"
    );
}

#[tokio::test]
async fn firstpay_complaint_sends_null_for_each_required_nullable_field() {
    use pspkit_firstpay::{FirstPay, types};
    for field in ["paymentMethodId", "amount", "clientFieldsValues"] {
        let server = ScriptedServer::start(vec![Step::json(200, json!({"id": "c-1", "status": "NEW"}))]).await;
        let client =
            FirstPay::new(&server.base_url, keys::FIRSTPAY_PUBLIC_PEM, keys::MERCHANT_PRIVATE_PEM).expect("client");
        let mut body = types::ComplaintRequest {
            amount: Some("100.5".parse().expect("decimal")),
            attachment_id: None,
            client_fields_values: Some(vec![types::ClientFieldValue {
                key: "phone".into(),
                value: "+8801700000000".into(),
            }]),
            comment: None,
            merchant_payment_id: Some("order-42".into()),
            merchant_user_id: None,
            payment_id: None,
            payment_method_id: Some("pm_test_1".into()),
            post_back_url: None,
        };
        match field {
            "paymentMethodId" => body.payment_method_id = None,
            "amount" => body.amount = None,
            _ => body.client_fields_values = None,
        }
        client.create_complaint(body).send().await.expect("sent and answered");
        let received = server.received();
        let sent: Value = serde_json::from_slice(&received[0].body).expect("a JSON body");
        assert_eq!(sent.get(field), Some(&Value::Null), "{field} is on the wire as null: {sent}");
        // the optional fields left as None are left out, not sent as null
        assert!(sent.get("comment").is_none() && sent.get("paymentId").is_none(), "{sent}");
    }
}
