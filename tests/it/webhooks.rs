//! Webhook verification for OnePay, OnChainPay and FirstPay: valid payloads accepted; tampered
//! bodies, wrong keys and wrong signatures refused; unknown event types kept.

use pspkit::SecretString;
use pspkit::signing::{RsaSigningKey, RsaVerifyingKey};
use pspkit::webhooks::{WebhookError, firstpay, onchainpay, onepay};
use pspkit_tests::keys;
use serde_json::json;

const ONEPAY_BODY: &[u8] = br#"{"payment":{"id":"9e5ccd4a-d2f0-49dd-87fc-a0da752bd166","status":"approved","amount":150000,"currency":"COP"},"event":{"type":"payment.approved","timestamp":1707398765,"environment":"test"}}"#;
const ONEPAY_SIGNATURE: &str = "572fe4a28ab9dc5663173efe5928ee531707c02e1a3ba62055d9fe480e223dae";

#[test]
fn onepay_valid_webhook_is_accepted_and_typed() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let token = SecretString::from("wh_hdr_token");
    let event = onepay::verify(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), Some("wh_hdr_token"), &secret, Some(&token))
        .expect("valid");
    assert_eq!(event.event_type, onepay::EventType::PaymentApproved);
    assert_eq!(event.timestamp, Some(1_707_398_765));
    assert_eq!(event.environment.as_deref(), Some("test"));
    let payment: pspkit_onepay::types::Payment = event.data_as().expect("a Payment");
    assert_eq!(payment.amount.map(|a| a.to_string()).as_deref(), Some("150000"));
    // `sha256=` prefixed signatures are accepted too
    assert!(onepay::verify(ONEPAY_BODY, Some(&format!("sha256={ONEPAY_SIGNATURE}")), None, &secret, None).is_ok());
}

#[test]
fn onepay_tampered_body_wrong_key_wrong_signature_and_wrong_token_are_refused() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let tampered = String::from_utf8(ONEPAY_BODY.to_vec()).unwrap().replace("150000", "950000");
    let bad = |r: Result<onepay::Event, WebhookError>| r.expect_err("refused");
    assert_eq!(
        bad(onepay::verify(tampered.as_bytes(), Some(ONEPAY_SIGNATURE), None, &secret, None)),
        WebhookError::BadSignature
    );
    assert_eq!(
        bad(onepay::verify(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &SecretString::from("wh_tok_OTHER"), None)),
        WebhookError::BadSignature
    );
    let mut wrong = ONEPAY_SIGNATURE.to_owned();
    wrong.replace_range(0..1, "6");
    assert_eq!(bad(onepay::verify(ONEPAY_BODY, Some(&wrong), None, &secret, None)), WebhookError::BadSignature);
    assert_eq!(bad(onepay::verify(ONEPAY_BODY, Some("not-hex"), None, &secret, None)), WebhookError::BadSignature);
    assert_eq!(bad(onepay::verify(ONEPAY_BODY, None, None, &secret, None)), WebhookError::MissingSignature);
    let token = SecretString::from("wh_hdr_token");
    assert_eq!(
        bad(onepay::verify(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), Some("wh_hdr_other"), &secret, Some(&token))),
        WebhookError::BadToken
    );
    assert_eq!(
        bad(onepay::verify(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &secret, Some(&token))),
        WebhookError::BadToken
    );
}

#[test]
fn onepay_second_payload_shape_and_unknown_event_types() {
    let secret = SecretString::from("whsec_test");
    let body = json!({"event": "payout.reversed", "data": {"id": "x-1"}}).to_string();
    let signature = onepay::sign(&secret, body.as_bytes());
    let event = onepay::verify(body.as_bytes(), Some(&signature), None, &secret, None).expect("valid");
    assert_eq!(event.event_type, onepay::EventType::Unknown("payout.reversed".into()));
    assert_eq!(event.data.get(), r#"{"id":"x-1"}"#);
}

#[test]
fn onchainpay_webhooks() {
    let secret = SecretString::from("ocp-secret");
    let body = json!({"id": "o-1", "status": "processed", "amount": "10.50", "received": "10.50"}).to_string();
    let signature = onchainpay::sign(&secret, body.as_bytes());
    let event = onchainpay::verify(body.as_bytes(), Some(&signature), Some("pub-1"), &secret).expect("valid");
    assert_eq!(event.status().as_deref(), Some("processed"));
    assert_eq!(event.public_key.as_deref(), Some("pub-1"));
    let order: pspkit_onchainpay::types::OrderDetail = event.data_as().expect("an order");
    assert_eq!(order.amount.map(|a| a.to_string()).as_deref(), Some("10.50"));

    let tampered = body.replace("10.50", "99.50");
    assert!(matches!(
        onchainpay::verify(tampered.as_bytes(), Some(&signature), None, &secret),
        Err(WebhookError::BadSignature)
    ));
    assert!(matches!(
        onchainpay::verify(body.as_bytes(), Some(&signature), None, &SecretString::from("other")),
        Err(WebhookError::BadSignature)
    ));
    assert!(matches!(
        onchainpay::verify(body.as_bytes(), Some(&"0".repeat(64)), None, &secret),
        Err(WebhookError::BadSignature)
    ));
    assert!(matches!(onchainpay::verify(body.as_bytes(), None, None, &secret), Err(WebhookError::MissingSignature)));
}

#[test]
fn firstpay_postbacks() {
    let firstpay_private = RsaSigningKey::from_pem(keys::FIRSTPAY_PRIVATE_PEM).expect("key");
    let firstpay_public = RsaVerifyingKey::from_pem(keys::FIRSTPAY_PUBLIC_PEM).expect("key");
    let body = json!({"publicKey": keys::FIRSTPAY_PUBLIC_PEM, "id": "p-1", "status": "SUCCESS", "failedCode": null,
        "paymentMethodId": "pm_1", "amount": 100.5, "currency": "BDT"})
    .to_string();
    let signed = firstpay::sign(body.as_bytes(), &firstpay_private).expect("signed");
    let postback = firstpay::verify(&signed, &firstpay_public).expect("valid");
    assert_eq!(postback.status, firstpay::PostbackStatus::Success);
    assert_eq!(postback.id.as_deref(), Some("p-1"));

    let tampered = String::from_utf8(signed.clone()).unwrap().replace("100.5", "900.5");
    assert_eq!(firstpay::verify(tampered.as_bytes(), &firstpay_public).unwrap_err(), WebhookError::BadSignature);
    // signed by someone else (the merchant's key is not FirstPay's)
    let forged =
        firstpay::sign(body.as_bytes(), &RsaSigningKey::from_pem(keys::MERCHANT_PRIVATE_PEM).unwrap()).unwrap();
    assert_eq!(firstpay::verify(&forged, &firstpay_public).unwrap_err(), WebhookError::BadSignature);
    // verified with the wrong public key
    let merchant_public = RsaVerifyingKey::from_pem(keys::MERCHANT_PUBLIC_PEM).unwrap();
    assert_eq!(firstpay::verify(&signed, &merchant_public).unwrap_err(), WebhookError::BadSignature);
    assert_eq!(firstpay::verify(body.as_bytes(), &firstpay_public).unwrap_err(), WebhookError::MissingSignature);
    // an unknown status is kept
    let other = firstpay::sign(body.replace("SUCCESS", "CHARGEBACK").as_bytes(), &firstpay_private).unwrap();
    assert_eq!(
        firstpay::verify(&other, &firstpay_public).unwrap().status,
        firstpay::PostbackStatus::Unknown("CHARGEBACK".into())
    );
}

/// OnePay's Node sample signs `JSON.stringify(parsedBody)`; a PHP backend escapes `í` as
/// `\u00ed` in the bytes it sends. The published vector: the escaped body, signed over the
/// unescaped form, verifies; keys keep their order.
#[test]
fn onepay_signatures_over_the_re_serialised_body_are_accepted() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let escaped = br#"{"event":"payment.approved","data":{"id":"9e02966f-2ddf-4ee7-a391-5b5b7653e232","amount":150000,"customer":{"last_name":"Garc\u00eda"}}}"#;
    let over_unescaped = "5761e8c6c7dd5e6845cc4e8ddc4c701f9f212f2647080458b5654e609461520e";
    let over_escaped = "649287b19113cf61178773b8167b0e19d800a7f1157a7f044f2cae9f9b26d7a5";
    assert_eq!(onepay::sign(&secret, escaped), over_escaped, "the published vector for the raw bytes");
    assert!(onepay::verify(escaped, Some(over_escaped), None, &secret, None).is_ok(), "raw bytes");
    let event = onepay::verify(escaped, Some(over_unescaped), None, &secret, None).expect("JSON.stringify form");
    assert_eq!(event.event_type, onepay::EventType::PaymentApproved);
    // Python-spaced bytes compact back to the original, key order kept; other signatures still fail
    let spaced = String::from_utf8(ONEPAY_BODY.to_vec()).unwrap().replace("\":", "\": ").replace(",\"", ", \"");
    assert_ne!(spaced.as_bytes(), ONEPAY_BODY);
    assert_eq!(pspkit::signing::js_compact(spaced.as_bytes()).unwrap(), ONEPAY_BODY.to_vec());
    assert!(onepay::verify(escaped, Some(ONEPAY_SIGNATURE), None, &secret, None).is_err());
}
