//! The builder-style calls over real HTTP against a scripted server on loopback: per-call
//! options, the idempotency key, the answer's metadata, checks made before anything is sent, and
//! the typed request-body builders.

use std::time::{Duration, Instant};

use pspkit::{Error, RetryPolicy};
use pspkit_onepay::OnePay;
use pspkit_onepay::types::{CashoutMethod, CreateCashoutRequest};
use pspkit_tests::{ScriptedServer, Step};
use serde_json::json;

fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        ..RetryPolicy::default()
    }
}

fn onepay(server: &ScriptedServer) -> OnePay {
    OnePay::new("sk_test_abc").expect("client").with_base_url(&server.base_url).with_policy(fast())
}

fn request() -> CreateCashoutRequest {
    CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(150_000)
        .currency("COP")
        .customer_id("cus-1")
        .method(CashoutMethod::from("ACH"))
        .build()
        .expect("every required field is set")
}

fn cashout() -> serde_json::Value {
    json!({"id": "c-1", "amount": 150000, "status": "pending", "customer_id": "cus-1", "account_id": "acc-1",
        "is_test": true, "created_at": "2024-10-17T18:07:18.000000Z", "method": "ACH"})
}

#[test]
fn a_body_builder_names_the_missing_required_field() {
    let err = CreateCashoutRequest::builder().account_id("acc-1").build().expect_err("amount is missing");
    let Error::InvalidRequest { operation, field, rule } = &err else { panic!("{err:?}") };
    assert_eq!((*operation, field.as_str(), rule.as_str()), ("CreateCashoutRequest", "amount", "is required"));
    let body = serde_json::to_value(request()).expect("serializes");
    assert_eq!(body["amount"], json!(150000), "money is sent as the exact number");
    assert_eq!(body["method"], json!("ACH"));
}

#[tokio::test]
async fn the_given_idempotency_key_is_sent_on_every_attempt() {
    let server = ScriptedServer::start(vec![Step::ResetAfterRequest, Step::json(200, cashout())]).await;
    let created = onepay(&server)
        .create_cashout(request())
        .idempotency_key("order-42")
        .send_with_response()
        .await
        .expect("the retry succeeds");
    assert_eq!(created.status, 200);
    assert_eq!(created.attempts, 2);
    assert_eq!(created.idempotency_key.as_deref(), Some("order-42"));
    let seen = server.received();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.header("x-idempotency") == Some("order-42")), "{seen:?}");
}

#[tokio::test]
async fn query_params_and_body_fields_the_spec_does_not_list_go_out_on_every_attempt() {
    let server = ScriptedServer::start(vec![Step::ResetAfterRequest, Step::json(200, cashout())]).await;
    let fee: serde_json::Value = serde_json::from_str("1.5").expect("a JSON number");
    onepay(&server)
        .create_cashout(request())
        .idempotency_key("order-7")
        .query_param("expand", "fees")
        .body_field("fee", fee)
        .body_field("note", json!("a \"quoted\" note"))
        .send()
        .await
        .expect("the retry succeeds");
    let seen = server.received();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for attempt in &seen {
        assert_eq!(attempt.target, "/cashouts?expand=fees");
        let body: serde_json::Value = serde_json::from_slice(&attempt.body).expect("JSON");
        assert_eq!(body["amount"], json!(150000));
        assert_eq!(body["account_id"], json!("acc-1"));
        assert_eq!(body["note"], json!("a \"quoted\" note"));
        let text = String::from_utf8_lossy(&attempt.body);
        assert!(text.contains("\"fee\":1.5"), "{text}");
        assert_eq!(attempt.header("x-idempotency"), Some("order-7"));
    }
    assert_eq!(seen[0].body, seen[1].body, "every attempt sends the same body");
}

#[tokio::test]
async fn an_extra_param_or_field_the_call_sends_already_is_refused_before_sending() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let client = onepay(&server);
    let twice = client.create_cashout(request()).body_field("amount", json!(1)).send().await.expect_err("twice");
    let no_body = client.get_cashout("c-1").body_field("fee", json!(1)).send().await.expect_err("no body");
    let empty = client.get_cashout("c-1").query_param("", "x").send().await.expect_err("no name");
    for (err, field, rule) in [
        (twice, "extra_body.amount", "sends already"),
        (no_body, "extra_body", "sends none"),
        (empty, "extra_query", "empty"),
    ] {
        let Error::InvalidRequest { field: said, rule: why, .. } = &err else { panic!("{err:?}") };
        assert_eq!(said, field);
        assert!(why.contains(rule), "{why}");
    }
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_given_idempotency_key_that_cannot_be_sent_as_given_is_refused() {
    // replaced by a fresh key, it would not match the key of the caller's earlier attempt at the
    // same cashout, and the provider would make it twice
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    for (key, rule) in [("pedido-ñ-42", "visible ASCII"), ("", "is empty"), ("  ", "is empty")] {
        let err = onepay(&server).create_cashout(request()).idempotency_key(key).send().await.expect_err(key);
        let Error::InvalidRequest { field, rule: said, .. } = &err else { panic!("{key:?}: {err:?}") };
        assert_eq!(field, "idempotency_key");
        assert!(said.contains(rule), "{key:?}: {said}");
    }
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn a_generated_key_is_reported_and_identical_across_attempts() {
    let server = ScriptedServer::start(vec![Step::ResetAfterRequest, Step::json(200, cashout())]).await;
    let created = onepay(&server).create_cashout(request()).send_with_response().await.expect("retried");
    let key = created.idempotency_key.expect("a key was generated");
    let seen = server.received();
    assert!(seen.iter().all(|r| r.header("x-idempotency") == Some(key.as_str())), "{seen:?}");
}

#[tokio::test]
async fn an_abandoned_write_is_sent_again_with_the_key_its_future_told() {
    // the caller's own timeout drops the first call while the provider may be working on it
    let stall = Step::Delay(Duration::from_secs(1), Box::new(Step::json(200, cashout())));
    let server = ScriptedServer::start(vec![stall, Step::json(200, cashout())]).await;
    let client = onepay(&server);
    let sending = client.create_cashout(request()).send_with_response();
    let key = sending.idempotency_key().expect("OnePay deduplicates a cashout by its key").to_owned();
    tokio::time::timeout(Duration::from_millis(200), sending).await.expect_err("abandoned by the caller");
    let again = client.create_cashout(request()).idempotency_key(&key).send_with_response().await.expect("answered");
    assert_eq!(again.idempotency_key.as_deref(), Some(key.as_str()));
    let seen = server.received();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert!(seen.iter().all(|r| r.header("x-idempotency") == Some(key.as_str())), "{seen:?}");
    assert_eq!(client.get_cashout("c-1").send_with_response().idempotency_key(), None, "a read has no key");
}

#[tokio::test]
async fn send_with_response_keeps_status_headers_and_request_id() {
    let server = ScriptedServer::start(vec![Step::Respond {
        status: 201,
        headers: vec![("x-request-id", "req-7".into())],
        body: cashout().to_string(),
    }])
    .await;
    let response = onepay(&server).get_cashout("c-1").send_with_response().await.expect("decodes");
    assert_eq!((response.status, response.request_id()), (201, Some("req-7")));
    assert_eq!(response.headers.get("x-request-id").map(|v| v.to_str().ok()), Some(Some("req-7")));
    assert_eq!(response.value.id, "c-1");
}

#[tokio::test]
async fn optional_parameters_are_setters_and_reach_the_query() {
    let server = ScriptedServer::start(vec![Step::json(200, json!({"data": [], "next_page_url": null}))]).await;
    onepay(&server).list_cashouts().limit(5).page(2).send().await.expect("decodes");
    let target = &server.received()[0].target;
    assert!(target.contains("limit=5") && target.contains("page=2"), "{target}");
}

#[tokio::test]
async fn zero_where_the_spec_says_at_least_one_fails_before_sending() {
    let server = ScriptedServer::start(vec![Step::json(200, json!({"data": []}))]).await;
    let err = onepay(&server).list_cashouts().limit(0).send().await.expect_err("0 is refused");
    let Error::InvalidRequest { field, rule, .. } = &err else { panic!("{err:?}") };
    assert_eq!((field.as_str(), rule.as_str()), ("limit", "must be at least 1"));
    assert!(server.received().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn extra_headers_are_sent_and_cannot_replace_the_credentials() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    onepay(&server)
        .get_cashout("c-1")
        .header("x-trace", "t-1")
        .header("authorization", "Bearer stolen")
        .send()
        .await
        .expect("decodes");
    let seen = &server.received()[0];
    assert_eq!(seen.header("x-trace"), Some("t-1"));
    assert_eq!(seen.header("authorization"), Some("Bearer sk_test_abc"));
}

#[tokio::test]
async fn an_invalid_header_fails_before_sending_without_echoing_its_value() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let err = onepay(&server).get_cashout("c-1").header("x-key", "secret\nvalue").send().await.expect_err("refused");
    assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
    assert!(!err.to_string().contains("secret"), "{err}");
    assert!(server.received().is_empty());
}

#[tokio::test]
async fn a_per_call_timeout_bounds_the_whole_call() {
    let stall = Step::Delay(Duration::from_secs(5), Box::new(Step::json(200, cashout())));
    let server = ScriptedServer::start(vec![stall]).await;
    let started = Instant::now();
    let err =
        onepay(&server).get_cashout("c-1").timeout(Duration::from_millis(300)).send().await.expect_err("too slow");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_per_call_policy_replaces_the_clients_for_that_call_only() {
    let server = ScriptedServer::start(vec![Step::json(503, json!({"message": "down"}))]).await;
    let client = onepay(&server);
    let once = RetryPolicy { max_attempts: 1, ..fast() };
    let _ = client.get_cashout("c-1").policy(once).send().await.expect_err("503");
    assert_eq!(server.received().len(), 1, "one attempt with the call's policy");
    let _ = client.get_cashout("c-1").send().await.expect_err("503");
    assert_eq!(server.received().len(), 1 + 4, "the client's policy is untouched");
}

#[tokio::test]
async fn a_base_url_with_a_path_keeps_it_before_the_operations_path() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout()), Step::json(200, cashout())]).await;
    let client = OnePay::new("sk_test_abc").expect("client").with_policy(fast());
    for base in [format!("{}/api/v2/", server.base_url), format!("{}/api/./v2", server.base_url)] {
        client.with_base_url(&base).get_cashout("c 1/x?").send().await.expect("decodes");
    }
    let targets: Vec<_> = server.received().iter().map(|r| r.target.clone()).collect();
    assert_eq!(targets, ["/api/v2/cashouts/c%201%2Fx%3F"; 2], "the parameter stays one encoded segment");
}

#[tokio::test]
async fn a_base_url_is_kept_as_parsed_and_its_secrets_stay_out_of_debug() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let client = OnePay::new("sk_test_abc").expect("client").with_policy(fast());
    // the URL parser drops white space at the ends; the text kept is the parsed one, so the
    // generated client underneath (file downloads) goes where the builders go
    let spaced = client.with_base_url(&format!(" {}/api/v2/ ", server.base_url));
    assert_eq!(spaced.base_url(), format!("{}/api/v2", server.base_url));
    spaced.get_cashout("c-1").send().await.expect("decodes");
    assert_eq!(server.received()[0].target, "/api/v2/cashouts/c-1");
    for base in ["https://ops:pa55word@psp.example/v1", "https://psp.example/v1?api_key=pa55word", "no url pa55word"] {
        let shown = format!("{:?}", client.with_base_url(base));
        assert!(shown.contains("OnePay") && shown.contains("base_url"), "{shown}");
        assert!(!shown.contains("pa55word") && !shown.contains("sk_test_abc"), "a secret in {shown}");
    }
}

#[tokio::test]
async fn a_base_url_that_is_no_url_fails_the_call_without_panicking() {
    for base in ["not a url", "mailto:ops@example.com", "https://exa mple.com", "http://[::1"] {
        let client = OnePay::new("sk_test_abc").expect("client").with_base_url(base);
        assert_eq!(client.base_url(), base, "kept as given");
        let err = client.get_cashout("c-1").send().await.expect_err("no URL to send to");
        let Error::InvalidRequest { field, .. } = &err else { panic!("{base}: {err:?}") };
        assert_eq!(field, "request", "{base}: {err}");
    }
}

#[tokio::test]
async fn a_call_is_sent_only_when_awaited() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let client = onepay(&server);
    let call = client.get_cashout("c-1").send_with_response();
    assert_eq!(format!("{call:?}"), r#"Sending("get_cashout")"#);
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.received().is_empty(), "made, not yet awaited: nothing sent");
    drop(call);
    drop(client.get_cashout("c-1").send());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.received().is_empty(), "dropped unawaited: nothing sent");
    assert_eq!(client.get_cashout("c-1").send().await.expect("decodes").id, "c-1");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn an_amount_past_the_specs_digits_is_refused_before_sending() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let client = onepay(&server);
    for (amount, rule) in
        [("0.1234567890123", "after the decimal point"), ("12345678901234567", "before the decimal point")]
    {
        let mut body = request();
        body.amount = amount.parse::<pspkit::Decimal>().expect("a decimal").into();
        let err = client.create_cashout(body).send().await.expect_err("refused");
        let Error::InvalidRequest { field, rule: said, .. } = &err else { panic!("{err:?}") };
        assert_eq!(field, "body.amount");
        assert!(said.contains(rule), "{said}");
    }
    assert!(server.received().is_empty(), "nothing was sent");
    // at the limits it goes out
    let mut body = request();
    body.amount = "1234567890123456.123456789012".parse::<pspkit::Decimal>().expect("a decimal").into();
    client.create_cashout(body).send().await.expect("sent");
    assert_eq!(server.received().len(), 1);
}

#[tokio::test]
async fn an_amount_nested_in_the_body_is_refused_naming_its_path() {
    use pspkit_onepay::types::{CreateChargeRequest, SplitRequest};
    let server = ScriptedServer::start(vec![]).await;
    let client = onepay(&server);
    let split = |value: &str| {
        SplitRequest::builder()
            .split_value(value.parse::<pspkit::Decimal>().expect("a decimal"))
            .build()
            .expect("a split")
    };
    let body = CreateChargeRequest::builder()
        .amount(1000)
        .customer_id("cus-1")
        .splits(vec![split("10"), split("12345678901234567")])
        .build()
        .expect("a charge");
    let err = client.create_charge(body).send().await.expect_err("refused");
    let Error::InvalidRequest { field, rule, .. } = &err else { panic!("{err:?}") };
    assert_eq!(field, "body.splits[1].split_value");
    assert!(rule.contains("before the decimal point"), "{rule}");
    assert!(server.received().is_empty(), "nothing was sent");
}

#[test]
fn the_amount_limits_are_the_specs_decimal_pattern() {
    use pspkit::validate::{AMOUNT_FRACTION_DIGITS, AMOUNT_INTEGER_DIGITS};
    let pattern = format!(r"^-?[0-9]{{1,{AMOUNT_INTEGER_DIGITS}}}(\.[0-9]{{1,{AMOUNT_FRACTION_DIGITS}}})?$");
    assert_eq!(pattern, pspkit_codegen::lint::DECIMAL_PATTERN, "the lint's pattern and the check are one rule");
}

/// `send_with_response` keeps the body as the provider sent it: a field the spec does not list
/// (dropped from the typed value) and a number's every digit are there. `Debug` shows its size
/// only, as a body may hold a customer's details.
#[tokio::test]
async fn the_response_keeps_the_body_as_sent_and_debug_shows_only_its_size() {
    let mut sent = cashout();
    sent["brand_new_fee"] = json!("4111 1111 1111 1111 charged 12.345678901234567890123");
    let text = sent.to_string();
    let server = ScriptedServer::start(vec![Step::json(200, &text)]).await;
    let got = onepay(&server).get_cashout("c-1").send_with_response().await.expect("answered");
    assert_eq!(got.body, text.as_bytes());
    let shown = format!("{got:?}");
    assert!(shown.contains(&format!("body: [{} bytes]", text.len())), "{shown}");
    assert!(!shown.contains("4111") && !shown.contains("brand_new_fee"), "{shown}");
}
