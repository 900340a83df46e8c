//! Retries, idempotency, timeouts and malformed responses, over real HTTP against a scripted
//! server on loopback.

use std::time::{Duration, Instant};

use pspkit::{Error, RetryPolicy};
use pspkit_onepay::OnePay;
use pspkit_tests::{ScriptedServer, Step};
use serde_json::json;

/// Short waits so the tests stay fast; the rules are the production ones.
fn fast() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 5,
        base_delay: Duration::from_millis(5),
        max_delay: Duration::from_millis(20),
        attempt_timeout: Duration::from_secs(5),
        deadline: Duration::from_secs(10),
        ..RetryPolicy::default()
    }
}

fn onepay(server: &ScriptedServer) -> OnePay {
    OnePay::new("sk_test_abc").expect("client").with_base_url(&server.base_url).with_policy(fast())
}

fn empty_page() -> serde_json::Value {
    json!({"data": [], "current_page": 1, "next_page_url": null})
}

fn cashout_request() -> pspkit_onepay::types::CreateCashoutRequest {
    pspkit_onepay::types::CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(150_000)
        .currency("COP")
        .customer_id("cus-1")
        .method("ACH")
        .build()
        .expect("request")
}

/// An OnChainPay order as `make-order` returns it (the fields the SDKs type as always present).
fn order(id: &str) -> serde_json::Value {
    json!({"orderId": id, "clientOrderId": "order-7", "status": "init", "link": "https://pay.example/o",
        "amount": "10.5", "advancedBalanceId": "ab-1", "currency": "USDT", "network": "tron", "addressId": "a-1",
        "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF", "expiresAt": "2024-12-26T08:51:33.194Z",
        "createdAt": "2024-12-26T08:21:33.194Z"})
}

fn cashout() -> serde_json::Value {
    json!({"id": "c-1", "amount": 150000, "status": "pending", "customer_id": "cus-1", "account_id": "acc-1",
        "is_test": true, "created_at": "2024-10-17T18:07:18.000000Z", "method": "ACH"})
}

#[tokio::test]
async fn a_429_with_retry_after_is_waited_out_then_succeeds() {
    let server = ScriptedServer::start(vec![
        Step::Respond {
            status: 429,
            headers: vec![("retry-after", "1".into())],
            body: json!({"message": "slow down"}).to_string(),
        },
        Step::json(200, empty_page()),
    ])
    .await;
    let started = Instant::now();
    onepay(&server).list_cashouts().send().await.expect("second attempt succeeds");
    assert_eq!(server.received().len(), 2);
    assert!(started.elapsed() >= Duration::from_millis(950), "Retry-After: 1 was honoured ({:?})", started.elapsed());
}

#[tokio::test]
async fn a_503_storm_ends_at_the_deadline_with_a_typed_error() {
    let server = ScriptedServer::start(vec![Step::json(503, json!({"message": "maintenance"}))]).await;
    let policy = RetryPolicy {
        max_attempts: 1000,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(80),
        deadline: Duration::from_millis(800),
        ..fast()
    };
    let client = onepay(&server).with_policy(policy);
    let started = Instant::now();
    let err = client.list_cashouts().send().await.expect_err("never succeeds");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_millis(1300), "ended near the deadline, took {elapsed:?}");
    let Error::Api(api) = &err else { panic!("expected an API error, got {err:?}") };
    assert_eq!(api.status, 503);
    assert_eq!(api.message.as_deref(), Some("maintenance"));
    assert!(api.attempts > 3, "it kept trying until the deadline: {} attempts", api.attempts);
    // the last attempt may be cut short by the deadline before the server has read it
    let received = server.received().len();
    assert!(
        received == api.attempts as usize || received + 1 == api.attempts as usize,
        "{received} received, {} attempts",
        api.attempts
    );
}

#[tokio::test]
async fn a_reset_onepay_cashout_is_retried_with_the_same_key_and_creates_one_cashout() {
    let server = ScriptedServer::start(vec![Step::ResetAfterRequest, Step::json(200, cashout())]).await;
    let created = onepay(&server).create_cashout(cashout_request()).send().await.expect("the retry succeeds");
    assert_eq!(created.id, "c-1");

    let seen = server.received();
    assert_eq!(seen.len(), 2, "one retry");
    let keys: Vec<&str> = seen.iter().map(|r| r.header("x-idempotency").expect("key on every attempt")).collect();
    assert_eq!(keys[0], keys[1], "the same key on both attempts");
    assert_eq!(keys[0].len(), 36, "a generated UUID: {}", keys[0]);
    assert_eq!(seen[0].body, seen[1].body, "the same request");
    // OnePay deduplicates by key: the number of distinct keys is the number of cashouts created
    let mut distinct = keys.clone();
    distinct.dedup();
    assert_eq!(distinct.len(), 1, "the server saw exactly one cashout");
}

#[tokio::test]
async fn a_caller_given_idempotency_key_is_used_unchanged_and_reported_on_failure() {
    let server = ScriptedServer::start(vec![Step::ResetAfterRequest]).await;
    let err = onepay(&server)
        .create_cashout(cashout_request())
        .idempotency_key("cashout-001")
        .send()
        .await
        .expect_err("every attempt resets");
    assert!(server.received().iter().all(|r| r.header("x-idempotency") == Some("cashout-001")));
    let Error::OutcomeUnknown { idempotency_key, .. } = &err else { panic!("expected OutcomeUnknown, got {err:?}") };
    assert_eq!(idempotency_key.as_deref(), Some("cashout-001"));
    assert!(err.to_string().contains("retrying with it is safe"), "{err}");
}

#[tokio::test]
async fn an_idempotency_key_given_as_a_header_is_the_key_and_two_different_keys_are_refused() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout()), Step::json(200, cashout())]).await;
    let client = onepay(&server);
    let sent = client
        .create_cashout(cashout_request())
        .header("X-Idempotency", "from-header-1")
        .send_with_response()
        .await
        .expect("answered");
    assert_eq!(sent.idempotency_key.as_deref(), Some("from-header-1"));
    assert_eq!(server.received()[0].header("x-idempotency"), Some("from-header-1"));

    let err = client
        .create_cashout(cashout_request())
        .idempotency_key("order-42")
        .header("x-idempotency", "order-43")
        .send()
        .await
        .expect_err("two keys");
    let Error::InvalidRequest { field, rule, .. } = &err else { panic!("expected InvalidRequest, got {err:?}") };
    assert_eq!(field, "idempotency_key");
    assert!(rule.contains("twice"), "{rule}");
    assert_eq!(server.received().len(), 1, "the refused write was not sent");
    // the same key both ways is one key
    client
        .create_cashout(cashout_request())
        .idempotency_key("order-44")
        .header("x-idempotency", "order-44")
        .send()
        .await
        .expect("one key");
    assert_eq!(server.received()[1].header("x-idempotency"), Some("order-44"));
}

#[tokio::test]
async fn a_write_that_may_have_arrived_stays_unknown_when_later_attempts_cannot_connect() {
    // the first attempt reaches the provider and the answer is lost; then its host is gone:
    // the last attempt's "connection refused" does not mean the cashout was never made
    let server = ScriptedServer::start(vec![Step::ResetAndGoAway]).await;
    let err = onepay(&server).create_cashout(cashout_request()).send().await.expect_err("no answer");
    let seen = server.received();
    assert_eq!(seen.len(), 1, "{seen:?}");
    let Error::OutcomeUnknown { idempotency_key, reason, .. } = &err else {
        panic!("expected OutcomeUnknown, got {err:?}")
    };
    assert_eq!(idempotency_key.as_deref(), seen[0].header("x-idempotency"), "the key to send it again with");
    assert!(reason.contains("earlier attempt"), "{reason}");
    // a read in the same plight is a transport error: nothing to double
    let server = ScriptedServer::start(vec![Step::ResetAndGoAway]).await;
    let err = onepay(&server).get_cashout("c-1").send().await.expect_err("no answer");
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
}

#[tokio::test]
async fn a_redirect_is_the_providers_answer_and_is_not_followed() {
    // a 307 would have the client send the cashout again, and its credentials, to another host
    let elsewhere = ScriptedServer::start(vec![Step::json(200, json!({"id": "c-1"}))]).await;
    let location = format!("{}/steal", elsewhere.base_url);
    let server = ScriptedServer::start(vec![Step::Respond {
        status: 307,
        headers: vec![("location", location)],
        body: "{}".into(),
    }])
    .await;
    let err = onepay(&server).create_cashout(cashout_request()).send().await.expect_err("a 307 is no success");
    assert!(matches!(&err, Error::Api(api) if api.status == 307), "{err:?}");
    assert_eq!(server.received().len(), 1, "not retried");
    assert!(elsewhere.received().is_empty(), "nothing went to the Location");
}

#[tokio::test]
async fn a_reset_onchainpay_create_is_not_retried_and_the_outcome_is_unknown() {
    let server = ScriptedServer::start(vec![
        Step::ResetAfterRequest,
        Step::json(200, json!({"success": true, "response": order("o-1")})),
    ])
    .await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret")
        .expect("client")
        .with_base_url(&server.base_url)
        .with_policy(fast());
    let body = pspkit_onchainpay::types::CreateOrderBody::builder()
        .currency("USDT")
        .network("tron")
        .amount("10.5".parse::<pspkit::Decimal>().expect("a decimal"))
        .order("order-7")
        .lifetime(1800)
        .build()
        .expect("body");
    let err = client.create_order(body).send().await.expect_err("not retried");
    assert_eq!(server.received().len(), 1, "an unsafe write is sent once");
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err:?}");
    assert!(err.to_string().contains("outcome unknown"), "{err}");
}

#[tokio::test]
async fn a_write_whose_url_cannot_be_built_is_refused_as_invalid_not_an_unknown_outcome() {
    // a 70 KB path parameter is past the 64 KiB http allows in a URL: reqwest makes no request of
    // it, so nothing was sent and the caller is told so (never "the request may have been
    // processed"), briefly
    let server = ScriptedServer::start(vec![]).await;
    let client = pspkit_firekassa::FireKassa::new(&server.base_url, "token").expect("client").with_policy(fast());
    let id = "x".repeat(70_000);
    let err = client.cancel_transaction(id).send().await.expect_err("refused");
    match &err {
        Error::InvalidRequest { operation, field, rule } => {
            assert_eq!((*operation, field.as_str()), ("cancel_transaction", "url"));
            assert!(rule.contains("cannot be sent"), "{rule}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(err.to_string().len() < 1_000, "the message repeats the 70 KB URL: {} bytes", err.to_string().len());
    assert!(server.received().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn a_path_parameter_that_would_change_the_route_or_an_identifier_with_spaces_is_refused_before_sending() {
    // `/cashouts/` is another route than `/cashouts/{id}`; `..` and `\` would climb out of the
    // operation's path (a cancel sent to another resource); FireKassa and FirstPay ids are `^\S+$`
    let server = ScriptedServer::start(vec![]).await;
    let onepay = onepay(&server);
    let firekassa = pspkit_firekassa::FireKassa::new(&server.base_url, "token").expect("client").with_policy(fast());
    let firstpay = pspkit_firstpay::FirstPay::new(
        &server.base_url,
        pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM,
        pspkit_tests::keys::MERCHANT_PRIVATE_PEM,
    )
    .expect("client");
    let status_of = |id: &str| pspkit_firstpay::types::PaymentStatusRequest::builder().payment_id(id).build();
    let refusals = [
        (onepay.get_cashout("").send().await.map(drop), "get_cashout", "id", "is empty"),
        (onepay.get_cashout("..").send().await.map(drop), "get_cashout", "id", "`.` or `..`"),
        (onepay.get_cashout(".").send().await.map(drop), "get_cashout", "id", "`.` or `..`"),
        (
            firekassa.cancel_transaction("..\\invoices\\INV-1").send().await.map(drop),
            "cancel_transaction",
            "id",
            "reads as `/`",
        ),
        // a file download, whose URL progenitor encodes
        (
            firekassa.download_transaction_receipt("1\\..\\..\\settings").send().await.map(drop),
            "download_transaction_receipt",
            "id",
            "reads as `/`",
        ),
        (
            firstpay.get_payment_status(status_of("pay 1").expect("body")).send().await.map(drop),
            "get_payment_status",
            "body.paymentId",
            "^\\S+$",
        ),
        (firekassa.cancel_transaction("50712 2561").send().await.map(drop), "cancel_transaction", "id", "^\\S+$"),
        (firekassa.get_transaction("\u{feff}").send().await.map(drop), "get_transaction", "id", "^\\S+$"),
    ];
    for (result, expected_operation, expected_field, expected_rule) in refusals {
        match result {
            Err(Error::InvalidRequest { operation, field, rule }) => {
                assert_eq!((operation, field.as_str()), (expected_operation, expected_field));
                assert!(rule.contains(expected_rule), "{rule}");
            }
            other => panic!("{expected_operation}: expected InvalidRequest, got {other:?}"),
        }
    }
    assert!(server.received().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn a_path_parameter_is_one_encoded_segment_and_a_bad_header_parameter_is_refused_unechoed() {
    let server = ScriptedServer::start(vec![Step::json(200, cashout())]).await;
    let client = onepay(&server);
    // what would end the segment or the path, and `%` itself, are escaped
    client.get_cashout("c/1?x#y%z").send().await.expect("answered");
    let seen = server.received();
    assert_eq!((seen[0].method.as_str(), seen[0].target.as_str()), ("GET", "/cashouts/c%2F1%3Fx%23y%25z"));
    assert_eq!(seen[0].header("accept"), Some("application/json"));

    let err = client
        .create_cashout(cashout_request())
        .idempotency_key("order-42\r\nx-evil: 1")
        .send()
        .await
        .expect_err("refused");
    match &err {
        Error::InvalidRequest { operation, field, rule } => {
            assert_eq!((*operation, field.as_str()), ("create_cashout", "idempotency_key"));
            assert!(rule.contains("header value"), "{rule}");
        }
        other => panic!("expected InvalidRequest, got {other:?}"),
    }
    assert!(!format!("{err} {err:?}").contains("order-42"), "the value is not echoed: {err:?}");
    assert_eq!(server.received().len(), 1, "the refused write was not sent");
}

#[tokio::test]
async fn a_refused_connection_is_retried_even_for_unsafe_writes() {
    // nothing listens yet: the request cannot have left, so even a non-deduplicated write retries
    let port = std::net::TcpListener::bind("127.0.0.1:0").expect("free port").local_addr().expect("addr").port();
    let base_url = format!("http://127.0.0.1:{port}");
    let later = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(150)).await;
        ScriptedServer::start_on(port, vec![Step::json(200, json!({"success": true, "response": order("o-9")}))]).await
    });
    let policy = RetryPolicy {
        max_attempts: 30,
        base_delay: Duration::from_millis(40),
        max_delay: Duration::from_millis(60),
        ..fast()
    };
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret")
        .expect("client")
        .with_base_url(&base_url)
        .with_policy(policy);
    let body = pspkit_onchainpay::types::CreateOrderBody::builder()
        .currency("USDT")
        .network("tron")
        .amount(1)
        .order("o")
        .lifetime(1800)
        .build()
        .expect("body");
    let order = client.create_order(body).send().await.expect("succeeds once the server is up");
    assert_eq!(order.order_id, "o-9");
    assert_eq!(later.await.expect("server task").received().len(), 1, "delivered exactly once");
}

#[tokio::test]
async fn malformed_responses_are_typed_errors_never_panics() {
    let cases: Vec<(Step, &str)> = vec![
        (
            Step::Respond {
                status: 200,
                headers: vec![("content-type", "text/html".into())],
                body: "<html>oops</html>".into(),
            },
            "decode",
        ),
        (Step::json(200, ""), "decode"),
        (Step::json(200, r#"{"data": [{"id": "c-1", "amount": "#), "decode"),
        (
            Step::Respond {
                status: 200,
                headers: vec![("content-type", "text/plain".into())],
                body: empty_page().to_string(),
            },
            "ok",
        ),
        (
            Step::Respond {
                status: 502,
                headers: vec![("content-type", "text/html".into())],
                body: "<h1>Bad Gateway</h1>".into(),
            },
            "api",
        ),
        (Step::ResetMidBody { status: 200, body: empty_page().to_string() }, "transport"),
    ];
    for (step, expected) in cases {
        let server = ScriptedServer::start(vec![step.clone()]).await;
        let result = onepay(&server).list_cashouts().send().await;
        let kind = match &result {
            Ok(_) => "ok",
            Err(Error::Decode(_)) => "decode",
            Err(Error::Api(_)) => "api",
            Err(Error::Transport { .. }) => "transport",
            Err(other) => panic!("{step:?}: unexpected {other:?}"),
        };
        assert_eq!(kind, expected, "{step:?} gave {result:?}");
        if let Err(e) = result {
            assert!(!e.to_string().is_empty());
        }
    }
}

#[tokio::test]
async fn a_decode_error_names_the_json_path_and_keeps_the_body() {
    let mut bad = cashout();
    bad["id"] = json!("c-2");
    bad["amount"] = json!("12,50");
    let body = json!({"data": [cashout(), bad], "next_page_url": null});
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let err = onepay(&server).list_cashouts().send().await.expect_err("12,50 is not a decimal");
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert_eq!(d.path, "data[1].amount");
    assert!(d.message.contains("12,50"), "{}", d.message);
    assert_eq!(d.raw_body, body.to_string());
    assert!(err.to_string().contains("data[1].amount"), "{err}");
}

#[tokio::test]
async fn an_endless_body_ends_at_the_attempt_timeout_and_a_huge_one_at_the_size_limit() {
    // headers promise a body that never comes
    let stall = Step::Delay(Duration::from_secs(30), Box::new(Step::json(200, empty_page())));
    let server = ScriptedServer::start(vec![stall]).await;
    let policy =
        RetryPolicy { attempt_timeout: Duration::from_millis(300), deadline: Duration::from_millis(700), ..fast() };
    let started = Instant::now();
    let err = onepay(&server).with_policy(policy).list_cashouts().send().await.expect_err("times out");
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_millis(1200), "{:?}", started.elapsed());

    let huge = json!({"data": [], "padding": "x".repeat(64 * 1024)});
    let server = ScriptedServer::start(vec![Step::json(200, huge)]).await;
    let client = onepay(&server);
    let small = OnePay::with_context(&server.base_url, client.context().with_max_body_bytes(16 * 1024));
    let err = small.list_cashouts().send().await.expect_err("over the limit");
    let Error::Decode(d) = &err else { panic!("{err:?}") };
    assert!(d.message.contains("larger than"), "{}", d.message);
}

#[tokio::test]
async fn a_huge_error_body_is_kept_raw_and_not_read_as_json() {
    // 2.4 MiB of `[]`: read as a JSON tree it would take about 25 times that
    let body = format!(r#"{{"message":"too big","errors":[{}[]]}}"#, "[],".repeat(800_000));
    let server = ScriptedServer::start(vec![Step::json(422, &body)]).await;
    let err = onepay(&server).create_cashout(cashout_request()).send().await.expect_err("422");
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 422);
    assert_eq!(api.message, None, "a body over 1 MiB is not read for its message");
    assert!(api.field_errors.is_empty());
    assert_eq!(api.raw_body, body, "the body is kept whole");

    // the same answer under 1 MiB is read
    let body = r#"{"message":"too big","errors":[[],[]]}"#;
    let server = ScriptedServer::start(vec![Step::json(422, body)]).await;
    let err = onepay(&server).create_cashout(cashout_request()).send().await.expect_err("422");
    assert_eq!(err.api().expect("an API error").message.as_deref(), Some("too big"));
}

#[tokio::test]
async fn provider_errors_keep_code_message_fields_and_raw_body() {
    let body = json!({"message": "Fondos insuficientes", "code": 10501, "code_name": "insufficient_funds",
        "errors": [{"key": "amount", "description": "exceeds the available balance"}]});
    let server = ScriptedServer::start(vec![Step::json(422, &body)]).await;
    let err = onepay(&server).create_cashout(cashout_request()).send().await.expect_err("422");
    let api = err.api().expect("an API error");
    assert_eq!(api.status, 422);
    assert_eq!(api.code.as_deref(), Some("insufficient_funds"));
    assert_eq!(api.message.as_deref(), Some("Fondos insuficientes"));
    assert_eq!(api.field_errors[0].field, "amount");
    assert_eq!(api.raw_body, body.to_string());
    assert_eq!(server.received().len(), 1, "a 422 is not retried");

    // OnChainPay reports failures under HTTP 200
    let server = ScriptedServer::start(vec![Step::json(
        200,
        json!({"success": false, "error": {"code": 1003, "name": "INVALID_NETWORK", "message": "Unknown network"}, "requestId": "req-42"}),
    )])
    .await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url);
    let err = client.get_available_currencies().send().await.expect_err("success: false");
    let api = err.api().expect("an API error");
    assert_eq!(
        (api.status, api.code.as_deref(), api.message.as_deref()),
        (200, Some("INVALID_NETWORK"), Some("Unknown network"))
    );
    assert_eq!(api.request_id.as_deref(), Some("req-42"));

    // 401 and 404 have their own kinds
    let server = ScriptedServer::start(vec![Step::json(401, json!({"message": "Unauthenticated."}))]).await;
    assert!(matches!(onepay(&server).list_cashouts().send().await, Err(Error::Unauthorized(_))));
    let server = ScriptedServer::start(vec![Step::json(404, json!({"message": "not found"}))]).await;
    assert!(matches!(onepay(&server).get_cashout("nope").send().await, Err(Error::NotFound(_))));
}

#[test]
fn the_retry_decision_table_is_reviewed() {
    insta::assert_snapshot!("retry_decision_table", pspkit::retry::decision_table());
}

#[tokio::test]
async fn either_or_fields_are_checked_before_anything_is_sent() {
    let payment = json!({"id": "p-1", "status": "SUCCESS", "paymentMethodId": "pm-1", "currencyCode": "BDT"});
    let server = ScriptedServer::start(vec![Step::json(200, payment)]).await;
    let client = pspkit_firstpay::FirstPay::new(
        &server.base_url,
        pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM,
        pspkit_tests::keys::MERCHANT_PRIVATE_PEM,
    )
    .expect("client");
    let neither = pspkit_firstpay::types::PaymentStatusRequest::default();
    let err = client.get_payment_status(neither).send().await.expect_err("one id is required");
    let Error::InvalidRequest { field, rule, .. } = &err else { panic!("{err:?}") };
    assert_eq!(field, "paymentId | merchantPaymentId");
    assert!(rule.contains("at least one of"), "{rule}");
    assert!(server.received().is_empty(), "nothing was sent");

    let by_merchant_id = pspkit_firstpay::types::PaymentStatusRequest::builder()
        .merchant_payment_id("order-42")
        .build()
        .expect("request");
    let payment = client.get_payment_status(by_merchant_id).send().await.expect("sent and decoded");
    assert_eq!(payment.id.as_str(), "p-1");
}

#[tokio::test]
async fn any_2xx_is_a_success_whatever_status_the_spec_names() {
    // OnePay never documents 200 versus 201 for creates; the spec says 200
    let server = ScriptedServer::start(vec![Step::json(201, cashout())]).await;
    let created = onepay(&server).create_cashout(cashout_request()).send().await.expect("201 is a success too");
    assert_eq!(created.id, "c-1");
}

/// The time limit keeps an idle timer per thread so that setting a limit wakes nobody; a
/// shorter limit after longer ones, and a limit in a new runtime on the same thread (the first
/// one gone with the idle timer it held), must still end on time.
#[test]
fn a_time_limit_ends_on_time_after_longer_limits_and_in_a_new_runtime() {
    for _ in 0..2 {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        runtime.block_on(async {
            for _ in 0..3 {
                assert!(pspkit::time_limit(Duration::from_secs(30), async {}).await.is_ok());
            }
            let started = Instant::now();
            let outcome = pspkit::time_limit(Duration::from_millis(50), std::future::pending::<()>()).await;
            assert!(outcome.is_err(), "the pending future was not cut short");
            let took = started.elapsed();
            assert!(took >= Duration::from_millis(50) && took < Duration::from_secs(2), "ended after {took:?}");
        });
    }
}

/// An API key signs nothing, so the runtime sets it once per call on the request every attempt
/// copies: a retried attempt must carry it as the first did.
#[tokio::test]
async fn an_api_key_is_sent_on_every_attempt() {
    let server =
        ScriptedServer::start(vec![Step::json(503, json!({"message": "maintenance"})), Step::json(200, empty_page())])
            .await;
    onepay(&server).list_cashouts().send().await.expect("second attempt succeeds");
    let seen = server.received();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.header("authorization") == Some("Bearer sk_test_abc")), "{seen:?}");
}
