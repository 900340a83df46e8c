//! Webhook verification for OnePay, OnChainPay and FirstPay: valid payloads accepted; tampered
//! bodies, wrong keys, wrong signatures, replays and oversized bodies refused; unknown event types
//! kept; FirstPay's uncovered fields left out.

use std::time::{Duration, SystemTime};

use pspkit::SecretString;
use pspkit::signing::{RsaSigningKey, RsaVerifyingKey};
use pspkit::webhooks::{VerifyOptions, WebhookError, firstpay, onchainpay, onepay};
use pspkit_tests::keys;
use serde_json::json;

const ONEPAY_BODY: &[u8] = br#"{"payment":{"id":"9e5ccd4a-d2f0-49dd-87fc-a0da752bd166","status":"approved","amount":150000,"currency":"COP"},"event":{"type":"payment.approved","timestamp":1707398765,"environment":"test"}}"#;
const ONEPAY_SIGNATURE: &str = "572fe4a28ab9dc5663173efe5928ee531707c02e1a3ba62055d9fe480e223dae";
const ONEPAY_SAMPLE_TIME: u64 = 1_707_398_765;

/// The default limits, with the clock at `offset` seconds after the sample's `event.timestamp`.
fn at_sample(offset: i64) -> VerifyOptions {
    let t = SystemTime::UNIX_EPOCH + Duration::from_secs(ONEPAY_SAMPLE_TIME);
    let t =
        if offset >= 0 { t + Duration::from_secs(offset as u64) } else { t - Duration::from_secs((-offset) as u64) };
    VerifyOptions::default().now(t)
}

/// For payloads without a timestamp (OnePay's second shape): no replay check.
fn no_replay_check() -> VerifyOptions {
    VerifyOptions::default().tolerance(None)
}

/// `onepay::verify_with` at the sample's time.
fn verify_sample(
    body: &[u8],
    signature: Option<&str>,
    token: Option<&str>,
    secret: &SecretString,
    expected: Option<&SecretString>,
) -> Result<onepay::Event, WebhookError> {
    onepay::verify_with(body, signature, token, secret, expected, &at_sample(0))
}

#[test]
fn onepay_valid_webhook_is_accepted_and_typed() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let token = SecretString::from("wh_hdr_token");
    let event =
        verify_sample(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), Some("wh_hdr_token"), &secret, Some(&token)).expect("valid");
    assert_eq!(event.event_type, onepay::EventType::PaymentApproved);
    assert_eq!(event.timestamp, Some(1_707_398_765));
    assert_eq!(event.environment.as_deref(), Some("test"));
    let payment: pspkit_onepay::types::Payment = event.data_as().expect("a Payment");
    assert_eq!(payment.amount.map(|a| a.to_string()).as_deref(), Some("150000"));
    // `sha256=` prefixed signatures are accepted too
    assert!(verify_sample(ONEPAY_BODY, Some(&format!("sha256={ONEPAY_SIGNATURE}")), None, &secret, None).is_ok());
}

#[test]
fn onepay_tampered_body_wrong_key_wrong_signature_and_wrong_token_are_refused() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let tampered = String::from_utf8(ONEPAY_BODY.to_vec()).unwrap().replace("150000", "950000");
    let bad = |r: Result<onepay::Event, WebhookError>| r.expect_err("refused");
    assert_eq!(
        bad(verify_sample(tampered.as_bytes(), Some(ONEPAY_SIGNATURE), None, &secret, None)),
        WebhookError::BadSignature
    );
    assert_eq!(
        bad(verify_sample(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &SecretString::from("wh_tok_OTHER"), None)),
        WebhookError::BadSignature
    );
    let mut wrong = ONEPAY_SIGNATURE.to_owned();
    wrong.replace_range(0..1, "6");
    assert_eq!(bad(verify_sample(ONEPAY_BODY, Some(&wrong), None, &secret, None)), WebhookError::BadSignature);
    assert_eq!(bad(verify_sample(ONEPAY_BODY, Some("not-hex"), None, &secret, None)), WebhookError::BadSignature);
    assert_eq!(bad(verify_sample(ONEPAY_BODY, None, None, &secret, None)), WebhookError::MissingSignature);
    let token = SecretString::from("wh_hdr_token");
    assert_eq!(
        bad(verify_sample(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), Some("wh_hdr_other"), &secret, Some(&token))),
        WebhookError::BadToken
    );
    assert_eq!(
        bad(verify_sample(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &secret, Some(&token))),
        WebhookError::BadToken
    );
}

#[test]
fn onepay_second_payload_shape_and_unknown_event_types() {
    let secret = SecretString::from("whsec_test");
    let body = json!({"event": "payout.reversed", "data": {"id": "x-1"}}).to_string();
    let signature = onepay::sign(&secret, body.as_bytes());
    assert_eq!(
        onepay::verify(body.as_bytes(), Some(&signature), None, &secret, None).unwrap_err(),
        WebhookError::MissingTimestamp,
        "without a timestamp a replay cannot be ruled out, so the default refuses"
    );
    let event =
        onepay::verify_with(body.as_bytes(), Some(&signature), None, &secret, None, &no_replay_check()).expect("valid");
    assert_eq!(event.event_type, onepay::EventType::Unknown("payout.reversed".into()));
    assert_eq!(event.data.get(), r#"{"id":"x-1"}"#);
}

#[test]
fn onchainpay_webhooks() {
    let secret = SecretString::from("ocp-secret");
    // an ORDER webhook carries the order as `getOrder` returns it (white-label docs)
    let body = json!({"id": "o-1", "advancedBalanceId": "ab-1", "currency": "USDT", "network": "tron",
        "status": "processed", "orderId": "order-7", "order": "order-7", "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF",
        "addressId": "a-1", "amount": "10.50", "received": "10.50", "link": "https://pay.example/o-1",
        "expiresAt": "2024-12-26T08:51:33.194Z", "createdAt": "2024-12-26T08:21:33.194Z",
        "updatedAt": "2024-12-26T08:30:02.000Z", "transactions": [], "orphanDeposits": []})
    .to_string();
    let signature = onchainpay::sign(&secret, body.as_bytes());
    let event = onchainpay::verify(body.as_bytes(), Some(&signature), Some("pub-1"), &secret).expect("valid");
    assert_eq!(event.status().as_deref(), Some("processed"));
    assert_eq!(event.public_key.as_deref(), Some("pub-1"));
    let order: pspkit_onchainpay::types::OrderDetail = event.data_as().expect("an order");
    assert_eq!(order.amount.to_string(), "10.50");

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
    assert!(
        onepay::verify_with(escaped, Some(over_escaped), None, &secret, None, &no_replay_check()).is_ok(),
        "raw bytes"
    );
    let event = onepay::verify_with(escaped, Some(over_unescaped), None, &secret, None, &no_replay_check())
        .expect("JSON.stringify form");
    assert_eq!(event.event_type, onepay::EventType::PaymentApproved);
    // Python-spaced bytes compact back to the original, key order kept; other signatures still fail
    let spaced = String::from_utf8(ONEPAY_BODY.to_vec()).unwrap().replace("\":", "\": ").replace(",\"", ", \"");
    assert_ne!(spaced.as_bytes(), ONEPAY_BODY);
    assert_eq!(pspkit::signing::js_compact(spaced.as_bytes()).unwrap(), ONEPAY_BODY.to_vec());
    assert!(onepay::verify_with(escaped, Some(ONEPAY_SIGNATURE), None, &secret, None, &no_replay_check()).is_err());
}

#[test]
fn onepay_events_outside_the_tolerance_are_refused_as_replays() {
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let verify_at = |options: VerifyOptions| {
        onepay::verify_with(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &secret, None, &options)
    };
    assert!(verify_at(at_sample(299)).is_ok(), "within 300 s");
    assert!(verify_at(at_sample(-299)).is_ok(), "clock skew within the tolerance");
    let replayed = verify_at(at_sample(301)).unwrap_err();
    assert!(
        matches!(replayed, WebhookError::OutsideTolerance { timestamp: 1_707_398_765, age, tolerance }
            if age == Duration::from_secs(301) && tolerance == Duration::from_secs(300)),
        "{replayed:?}"
    );
    assert!(matches!(verify_at(at_sample(-301)).unwrap_err(), WebhookError::OutsideTolerance { .. }), "pre-dated");
    // today's clock: the 2024 sample is a replay
    assert!(matches!(
        onepay::verify(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), None, &secret, None).unwrap_err(),
        WebhookError::OutsideTolerance { .. }
    ));
    // a wider tolerance, or none, is the caller's choice
    assert!(verify_at(at_sample(3_000).tolerance(Some(Duration::from_secs(3_600)))).is_ok());
    assert!(verify_at(VerifyOptions::default().tolerance(None)).is_ok());
    // a tampered timestamp breaks the signature before its age is looked at
    let moved = String::from_utf8(ONEPAY_BODY.to_vec()).unwrap().replace("1707398765", "1707398999");
    assert_eq!(
        onepay::verify_with(moved.as_bytes(), Some(ONEPAY_SIGNATURE), None, &secret, None, &at_sample(0)).unwrap_err(),
        WebhookError::BadSignature
    );
    // hostile timestamps cannot overflow the age
    for timestamp in [i64::MIN, i64::MAX, -1, 0] {
        let body = json!({"event": {"type": "payment.approved", "timestamp": timestamp}, "payment": {}}).to_string();
        let signature = onepay::sign(&secret, body.as_bytes());
        let err =
            onepay::verify_with(body.as_bytes(), Some(&signature), None, &secret, None, &at_sample(0)).unwrap_err();
        assert!(matches!(err, WebhookError::OutsideTolerance { .. }), "{timestamp}: {err:?}");
    }
}

#[test]
fn bodies_over_the_cap_are_refused_before_parsing() {
    let secret = SecretString::from("s");
    let big = vec![b'{'; (1 << 20) + 1];
    let too_large = WebhookError::TooLarge { size: (1 << 20) + 1, limit: 1 << 20 };
    assert_eq!(onepay::verify(&big, Some("00"), None, &secret, None).unwrap_err(), too_large);
    assert_eq!(onchainpay::verify(&big, Some("00"), None, &secret).unwrap_err(), too_large);
    let firstpay_public = RsaVerifyingKey::from_pem(keys::FIRSTPAY_PUBLIC_PEM).expect("key");
    assert_eq!(firstpay::verify(&big, &firstpay_public).unwrap_err(), too_large);
    // the cap is configurable, and a signed body under it passes
    let body = json!({"id": "o-1", "status": "processed"}).to_string();
    let signature = onchainpay::sign(&secret, body.as_bytes());
    let small = VerifyOptions::default().max_body_bytes(16);
    assert!(matches!(
        onchainpay::verify_with(body.as_bytes(), Some(&signature), None, &secret, &small),
        Err(WebhookError::TooLarge { limit: 16, .. })
    ));
    assert!(
        onchainpay::verify_with(body.as_bytes(), Some(&signature), None, &secret, &VerifyOptions::default()).is_ok()
    );
}

#[test]
fn a_forged_onepay_body_with_many_keys_is_refused() {
    // many distinct keys and many repeats of one key: both once made the re-serialisation
    // quadratic; the answer must still be a plain refusal (the cost is measured by `just bench`)
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    for body in [pspkit_tests::forged_onepay_body(1 << 20, false), pspkit_tests::forged_onepay_body(1 << 20, true)] {
        assert!(body.len() <= 1 << 20, "{}", body.len());
        let err = onepay::verify(&body, Some(&"0".repeat(64)), None, &secret, None).unwrap_err();
        assert_eq!(err, WebhookError::BadSignature);
    }
    // a repeated key has no compact form (parsers disagree on its value): only the raw bytes
    // can verify such a body
    assert_eq!(pspkit::signing::js_compact(br#"{"a":1,"b":2,"a":3}"#), None);
    assert_eq!(
        pspkit::signing::js_compact(br#"{"a":{"k":1},"b":{"k":2}}"#).unwrap(),
        br#"{"a":{"k":1},"b":{"k":2}}"#.to_vec()
    );
    assert_eq!(pspkit::signing::js_compact(b"[ ]").unwrap(), b"[]".to_vec());
    assert_eq!(pspkit::signing::js_compact(b" { } ").unwrap(), b"{}".to_vec());
    assert_eq!(
        pspkit::signing::js_compact(br#"[1, [ ], {"x": "a\u0001\/b"}]"#).unwrap(),
        br#"[1,[],{"x":"a\u0001/b"}]"#.to_vec()
    );
    assert_eq!(pspkit::signing::js_compact(b"{} x"), None, "trailing bytes are not JSON");
    // numbers as JavaScript writes them, whether serde_json hands them over as f64 or (with its
    // `arbitrary_precision` on in the application's build) as their text; one beyond f64's range
    // has no form JavaScript would sign
    assert_eq!(
        pspkit::signing::js_compact(b"[1.5e-7, 1E21, -0.0, 0.1, 100.50, 123456789012345678901234567890, 1e300, -7]")
            .map(String::from_utf8),
        Some(Ok("[1.5e-7,1e+21,0,0.1,100.5,1.2345678901234568e+29,1e+300,-7]".to_owned()))
    );
    assert_eq!(pspkit::signing::js_compact(b"[1e400]"), None);
    assert_eq!(pspkit::signing::js_compact(br#"{"k": -1e400}"#), None);
}

#[test]
fn firstpay_returns_only_the_fields_its_signature_covers() {
    let firstpay_private = RsaSigningKey::from_pem(keys::FIRSTPAY_PRIVATE_PEM).expect("key");
    let firstpay_public = RsaVerifyingKey::from_pem(keys::FIRSTPAY_PUBLIC_PEM).expect("key");
    let body = r#"{"publicKey": "pk", "id": "p-1", "status": "SUCCESS", "amount": 100.10,
        "card": {"pan": "4111********1111"}, "items": [{"sku": 1}], "tags": ["a", "b"], "split": ["a,b"],
        "note": "x|status=FAILED", "a=b": "c", "flags": [true, 2]}"#;
    let signed = firstpay::sign(body.as_bytes(), &firstpay_private).expect("signed");
    let postback = firstpay::verify(&signed, &firstpay_public).expect("valid");
    assert_eq!(postback.status, firstpay::PostbackStatus::Success);
    let mut unverified = postback.unverified_fields.clone();
    unverified.sort();
    assert_eq!(unverified, ["a=b", "card", "items", "note", "split"]);
    let data: serde_json::Value = serde_json::from_str(postback.data.get()).unwrap();
    for key in ["card", "items", "note", "split", "a=b", "hash"] {
        assert!(data.get(key).is_none(), "{key} is not in the verified data");
    }
    assert_eq!(data["tags"], json!(["a", "b"]));
    assert_eq!(data["flags"], json!([true, 2]));
    // amounts keep their own digits (no float on the way through)
    assert!(postback.data.get().contains(r#""amount":100.10"#), "{}", postback.data.get());

    // the reason: a nested object renders as `[object Object]`, so another one verifies as well
    let swapped = String::from_utf8(signed).unwrap().replace("4111********1111", "5555********4444");
    let postback = firstpay::verify(swapped.as_bytes(), &firstpay_public).expect("the signature cannot see it");
    assert!(postback.unverified_fields.contains(&"card".to_owned()));
    assert!(!postback.data.get().contains("5555"), "and it is not handed out as verified");
}

#[test]
fn an_empty_secret_or_token_verifies_nothing() {
    // a variable of the environment that is not set: anyone can sign with an empty key, so a
    // webhook signed with one must not pass
    let empty = SecretString::from("");
    let body = br#"{"id":"wd-1","status":"success","amount":"10.5"}"#;
    let forged = onchainpay::sign(&empty, body);
    assert_eq!(
        onchainpay::verify(body, Some(&forged), None, &empty).map(drop),
        Err(WebhookError::EmptySecret("secret"))
    );
    let forged = onepay::sign(&empty, ONEPAY_BODY);
    assert_eq!(
        verify_sample(ONEPAY_BODY, Some(&forged), None, &empty, None).map(drop),
        Err(WebhookError::EmptySecret("secret"))
    );
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    for blank in ["", "  "] {
        let refused =
            verify_sample(ONEPAY_BODY, Some(ONEPAY_SIGNATURE), Some(blank), &secret, Some(&SecretString::from(blank)));
        assert_eq!(refused.map(drop), Err(WebhookError::EmptySecret("token")));
    }
}

#[test]
fn onepay_reads_the_form_its_signature_covers_not_an_amount_nobody_signed() {
    // ONEPAY_BODY is compact and signed as it is; a raw body whose compact form is the same
    // (numbers written as JavaScript writes them) passes the signature, and must be read as signed
    let secret = SecretString::from("wh_tok_TESTSECRET0123456789");
    let forged = String::from_utf8(ONEPAY_BODY.to_vec())
        .expect("utf-8")
        .replace("\"amount\":150000", "\"amount\": 150000.00000000001")
        .into_bytes();
    let event = verify_sample(&forged, Some(ONEPAY_SIGNATURE), None, &secret, None).expect("the signed form matches");
    let payment: serde_json::Value = event.data_as().expect("json");
    assert_eq!(payment["amount"].to_string(), "150000", "the signed amount, not the raw body's");
    assert!(!event.data.get().contains("00000000001"), "{}", event.data.get());
}
