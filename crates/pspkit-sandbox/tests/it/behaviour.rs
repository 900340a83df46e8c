//! Authentication failures, idempotency, faults, statefulness and webhooks, through the typed
//! clients pointed at the sandbox.

use std::time::Duration;

use futures_util::StreamExt;
use pspkit::{Error, RetryPolicy, SecretString};
use pspkit_sandbox::{Fault, Provider};
use serde_json::{Value, json};

use crate::{credentials, queue_faults, sandbox};

fn fast() -> RetryPolicy {
    RetryPolicy { base_delay: Duration::from_millis(5), max_delay: Duration::from_millis(20), ..RetryPolicy::default() }
}

fn onepay(sb: &pspkit_sandbox::Sandbox) -> pspkit_onepay::OnePay {
    pspkit_onepay::OnePay::with_credentials(&sb.base_url("onepay"), credentials(sb, Provider::OnePay))
        .unwrap()
        .with_policy(fast())
}

fn onchainpay(sb: &pspkit_sandbox::Sandbox) -> pspkit_onchainpay::OnChainPay {
    pspkit_onchainpay::OnChainPay::with_credentials(&sb.base_url("onchainpay"), credentials(sb, Provider::OnChainPay))
        .unwrap()
        .with_policy(fast())
}

fn cashout(amount: i64) -> pspkit_onepay::types::CreateCashoutRequest {
    pspkit_onepay::types::CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(amount)
        .currency("COP")
        .customer_id("cus-1")
        .method(pspkit_onepay::types::CashoutMethod::Ach)
        .build()
        .unwrap()
}

fn order(reference: &str) -> pspkit_onchainpay::types::CreateOrderBody {
    pspkit_onchainpay::types::CreateOrderBody::builder()
        .currency("USDT")
        .network("tron")
        .amount("25.50".parse::<pspkit::Decimal>().unwrap())
        .order(reference)
        .lifetime(1800)
        .build()
        .unwrap()
}

fn created(sb: &pspkit_sandbox::Sandbox, provider: &str, kind: &str) -> u64 {
    sb.inspect()["created"][provider][kind].as_u64().unwrap_or(0)
}

#[tokio::test]
async fn each_authentication_failure_gets_the_providers_own_answer() {
    let sb = sandbox().await;
    // OnePay: wrong secret key -> 401
    let wrong = pspkit_onepay::OnePay::new("sk_test_wrong").unwrap().with_base_url(&sb.base_url("onepay"));
    let err = wrong.list_cashouts().send().await.unwrap_err();
    assert!(matches!(err, Error::Unauthorized(_)), "{err}");
    // OnlyOnePays: wrong API key -> 401
    let wrong = pspkit_onlyonepays::OnlyOnePays::new("nope").unwrap().with_base_url(&sb.base_url("onlyonepays"));
    assert!(matches!(wrong.get_balances_by_currency().send().await.unwrap_err(), Error::Unauthorized(_)));
    // FireKassa: missing signature, then a signature made with the wrong sign token
    let base = sb.base_url("firekassa");
    let unsigned = pspkit_firekassa::FireKassa::new(&base, "sandbox-firekassa-token").unwrap();
    let err = unsigned.get_balance().send().await.unwrap_err();
    assert_eq!(err.api().unwrap().message.as_deref(), Some("Signature required"), "{err}");
    let badly_signed = pspkit_firekassa::FireKassa::new_signed(&base, "sandbox-firekassa-token", "other").unwrap();
    let err = badly_signed.get_balance().send().await.unwrap_err();
    assert_eq!(err.api().unwrap().message.as_deref(), Some("Invalid signature"), "{err}");
    let good = pspkit_firekassa::FireKassa::with_credentials(&base, credentials(&sb, Provider::FireKassa)).unwrap();
    good.get_balance().send().await.expect("a correct signature passes");
    // FirstPay: a hash made with another key -> 401 UNAUTHORIZED; another publicKey -> NO_KEY
    let other_key = include_str!("../../keys/firstpay-private.pem");
    let wrong =
        pspkit_firstpay::FirstPay::new(&sb.base_url("firstpay"), &sb.credentials().firstpay_public_pem, other_key)
            .unwrap();
    let request = pspkit_firstpay::types::PaymentStatusRequest::builder().payment_id("x").build().unwrap();
    let err = wrong.get_payment_status(request.clone()).send().await.unwrap_err();
    assert_eq!(err.api().unwrap().code.as_deref(), Some("UNAUTHORIZED"), "{err}");
    let wrong = pspkit_firstpay::FirstPay::new(
        &sb.base_url("firstpay"),
        "-----BEGIN PUBLIC KEY-----\nother\n-----END PUBLIC KEY-----\n",
        include_str!("../../keys/merchant-private.pem"),
    )
    .unwrap();
    assert_eq!(
        wrong.get_payment_status(request).send().await.unwrap_err().api().unwrap().code.as_deref(),
        Some("NO_KEY")
    );
    // OnChainPay: wrong secret -> its success:false envelope, on HTTP 401
    let wrong = pspkit_onchainpay::OnChainPay::new("sandbox-onchainpay-public", "wrong")
        .unwrap()
        .with_base_url(&sb.base_url("onchainpay"));
    let err = wrong.get_available_currencies().send().await.unwrap_err();
    let api = err.api().unwrap();
    assert_eq!(
        (api.status, api.code.as_deref(), api.message.as_deref()),
        (401, Some("UNAUTHORIZED"), Some("Invalid signature."))
    );
}

#[tokio::test]
async fn a_replayed_onchainpay_nonce_is_refused() {
    let sb = sandbox().await;
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let creds = credentials(&sb, Provider::OnChainPay);
    let mut request =
        http.post(format!("{}/api-gateway/available-currencies", sb.base_url("onchainpay"))).build().unwrap();
    creds.apply(&mut request).unwrap();
    let replay = request.try_clone().unwrap();
    let first: Value = http.execute(request).await.unwrap().json().await.unwrap();
    assert_eq!(first["success"], json!(true));
    let second: Value = http.execute(replay).await.unwrap().json().await.unwrap();
    assert_eq!(second["success"], json!(false));
    assert_eq!(second["error"]["message"], json!("Nonce has already been used."));
}

#[tokio::test]
async fn onepay_idempotency_replays_the_original_and_refuses_a_different_body() {
    let sb = sandbox().await;
    let client = onepay(&sb);
    let first = client.create_cashout(cashout(150_000)).idempotency_key("cashout-001").send().await.unwrap();
    let again = client.create_cashout(cashout(150_000)).idempotency_key("cashout-001").send().await.unwrap();
    assert_eq!(first.id, again.id, "the original cashout comes back");
    assert_eq!(created(&sb, "onepay", "cashout"), 1, "exactly one cashout was created");
    let err = client.create_cashout(cashout(999_000)).idempotency_key("cashout-001").send().await.unwrap_err();
    assert_eq!(err.status(), Some(409), "{err}");
    assert_eq!(created(&sb, "onepay", "cashout"), 1);
    // and what was created comes back from get and list
    let id = first.id;
    assert_eq!(client.get_cashout(id.clone()).send().await.unwrap().amount.to_string(), "150000");
    let all: Vec<_> =
        client.list_cashouts().stream(pspkit::paginate::PageOptions::new()).map(|c| c.unwrap()).collect().await;
    assert!(all.iter().any(|c| c.id == id));
    assert_eq!(all.len(), 251, "250 seeded + 1 created, across pages");
}

#[tokio::test]
async fn faults_are_seen_by_the_client_as_the_right_error() {
    let sb = sandbox().await;
    let client = onepay(&sb);
    // 429 and 503 on a read: retried, then success
    sb.inject(&[Fault::RateLimited(0), Fault::Status(503)]);
    client.list_cashouts().send().await.expect("retried past 429 and 503");
    // a reset on a deduplicated write: retried with the same key, one cashout
    sb.inject(&[Fault::ResetBeforeResponse]);
    let made = client.create_cashout(cashout(1_000)).send().await.expect("retried");
    assert!(!made.id.is_empty());
    assert_eq!(created(&sb, "onepay", "cashout"), 1, "the retry replayed the first cashout instead of making a second");
    // the same fault on a write nobody deduplicates: not retried, outcome unknown
    sb.inject(&[Fault::ResetBeforeResponse]);
    let err = onchainpay(&sb).create_order(order("ord-1")).send().await.unwrap_err();
    assert!(matches!(err, Error::OutcomeUnknown { .. }), "{err}");
    // a body cut in the middle of a read: retried
    sb.inject(&[Fault::ResetMidBody]);
    client.list_cashouts().send().await.expect("retried after the broken body");
    // truncated JSON and an HTML page where JSON belongs
    sb.inject(&[Fault::TruncatedJson]);
    assert!(matches!(client.get_balance().send().await.unwrap_err(), Error::Decode(_)));
    sb.inject(&[Fault::HtmlErrorPage; 4]); // one per attempt of the default policy
    let err = client.get_balance().send().await.unwrap_err();
    assert_eq!(err.status(), Some(502), "{err}");
    assert!(err.api().unwrap().raw_body.contains("Bad Gateway"));
    // a wrong content type on a good JSON body is tolerated
    sb.inject(&[Fault::WrongContentType]);
    client.get_balance().send().await.expect("decoded anyway");
    // a delay longer than the attempt timeout, until the deadline
    sb.inject(&[Fault::Delay(Duration::from_secs(3)); 4]);
    let slow = client.with_policy(RetryPolicy {
        attempt_timeout: Duration::from_millis(200),
        deadline: Duration::from_millis(500),
        ..fast()
    });
    assert!(matches!(slow.get_balance().send().await.unwrap_err(), Error::Timeout { .. }));
}

#[tokio::test]
async fn lists_page_and_filter_like_the_provider() {
    let sb = sandbox().await;
    // OnlyOnePays: page numbers with totals, filters on type, dates and amounts
    let client = pspkit_onlyonepays::OnlyOnePays::with_credentials(
        &sb.base_url("onlyonepays"),
        credentials(&sb, Provider::OnlyOnePays),
    )
    .unwrap();
    let all: Vec<_> = client
        .search_operations(Default::default())
        .stream(pspkit::paginate::PageOptions::new().page_size(40))
        .map(|o| o.unwrap())
        .collect()
        .await;
    assert_eq!(all.len(), 250);
    let payouts = pspkit_onlyonepays::types::SearchOperationsRequest::builder()
        .type_(pspkit_onlyonepays::types::OperationType::Payout)
        .amount_min(5000)
        .date_from("2026-03-01T00:00:00Z".parse::<pspkit::Timestamp>().unwrap())
        .build()
        .unwrap();
    let some: Vec<_> = client.search_operations(payouts).stream(Default::default()).map(|o| o.unwrap()).collect().await;
    assert!(!some.is_empty() && some.len() < 125, "{} payouts", some.len());
    for op in &some {
        assert_eq!(op.operation_type, Some(pspkit_onlyonepays::types::OperationType::Payout));
        assert!(op.amount_local.unwrap().value() >= 5000.into());
        assert!(op.date_created.unwrap().to_utc().to_rfc3339().as_str() >= "2026-03-01");
    }
    // FirstPay keyset, FireKassa short pages, OnChainPay offsets
    let firstpay =
        pspkit_firstpay::FirstPay::with_credentials(&sb.base_url("firstpay"), credentials(&sb, Provider::FirstPay))
            .unwrap();
    let window = pspkit_firstpay::types::PaymentsListRequest::builder()
        .created_at_from(0)
        .created_at_to(1_900_000_000_000_i64)
        .status(pspkit_firstpay::types::PaymentStatus::Success)
        .build()
        .unwrap();
    let ok: Vec<_> = firstpay
        .list_payments(window)
        .stream(pspkit::paginate::PageOptions::new().page_size(30))
        .map(|p| p.unwrap())
        .collect()
        .await;
    assert!(!ok.is_empty() && ok.iter().all(|p| p.status == pspkit_firstpay::types::PaymentStatus::Success));
    let firekassa =
        pspkit_firekassa::FireKassa::with_credentials(&sb.base_url("firekassa"), credentials(&sb, Provider::FireKassa))
            .unwrap();
    let n = firekassa.get_transactions().stream(pspkit::paginate::PageOptions::new().page_size(60)).count().await;
    assert_eq!(n, 250);
    let orders: Vec<_> = onchainpay(&sb)
        .list_orders(Default::default())
        .stream(pspkit::paginate::PageOptions::new().page_size(70))
        .collect()
        .await;
    assert_eq!(orders.len(), 250);
}

#[tokio::test]
async fn status_moves_on_by_admin_call_and_webhooks_arrive_signed() {
    let inbox = pspkit_sandbox::Inbox::start().await.unwrap();
    let hooks = inbox.url.clone();

    let sb =
        pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 10, webhook_url: Some(hooks), ..Default::default() })
            .await
            .unwrap();
    let onepay = onepay(&sb);
    let made = onepay.create_cashout(cashout(5_000)).send().await.unwrap();
    assert_eq!(made.status, pspkit_onepay::types::CashoutStatus::Pending);
    let order = onchainpay(&sb).create_order(order("ord-2")).send().await.unwrap();
    sb.advance().await;
    let id = made.id.clone();
    assert_eq!(
        onepay.get_cashout(id.clone()).send().await.unwrap().status,
        pspkit_onepay::types::CashoutStatus::Processing
    );
    sb.advance().await;
    assert_eq!(onepay.get_cashout(id).send().await.unwrap().status, pspkit_onepay::types::CashoutStatus::Processed);

    let hooks = inbox.received();
    let onepay_hooks: Vec<_> = hooks.iter().filter(|d| d.provider == "onepay").collect();
    assert_eq!(onepay_hooks.len(), 2, "one webhook per status change");
    for hook in &onepay_hooks {
        let event = pspkit::webhooks::onepay::verify(
            &hook.body,
            hook.header("x-signature"),
            None,
            &SecretString::from(sb.credentials().onepay_webhook_secret.as_str()),
            None,
        )
        .expect("validly signed");
        assert!(event.event_type.as_str().starts_with("cashout."));
    }
    let hook = hooks.iter().find(|d| d.provider == "onchainpay").expect("an OnChainPay webhook");
    let event = pspkit::webhooks::onchainpay::verify(
        &hook.body,
        hook.header("x-api-signature"),
        None,
        &SecretString::from(sb.credentials().onchainpay_secret_key.as_str()),
    )
    .expect("validly signed");
    assert_eq!(event.status().as_deref(), Some("pending"));
    assert_eq!(event.data_as::<Value>().unwrap()["orderId"], json!(order.order_id));
    assert_eq!(sb.inspect()["webhooks_sent"], json!(hooks.len()));
}

#[test]
fn the_binary_prints_base_urls_and_credentials() {
    use std::io::{BufRead, BufReader};
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pspkit-sandbox"))
        .args(["--port", "0", "--size", "10"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let first = lines.next().unwrap().unwrap();
    let url = first.trim_start_matches("pspkit sandbox on ").to_owned();
    let printed: Vec<String> = lines.take(6).map(|l| l.unwrap()).collect();
    let health = std::process::Command::new("python3")
        .args([
            "-c",
            &format!("import urllib.request;print(urllib.request.urlopen('{url}/_sandbox/health').read().decode())"),
        ])
        .output()
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert_eq!(String::from_utf8_lossy(&health.stdout).trim(), "ok");
    for provider in ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"] {
        assert!(printed.iter().any(|l| l.contains(&format!("{url}/{provider}"))), "{provider}: {printed:?}");
    }
    assert!(printed.iter().any(|l| l.contains("sk_test_sandbox")));
}

#[tokio::test]
async fn faults_can_be_queued_over_http_and_inspection_counts_requests() {
    let sb = sandbox().await;
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let queued = queue_faults(&sb, &["503", "nonsense"]).await;
    assert_eq!(queued, json!({"queued": 1}), "unknown fault names are ignored");
    let url = format!("{}/accounts/banks", sb.base_url("onepay"));
    let auth = format!("Bearer {}", sb.credentials().onepay_secret_key);
    let first = http.get(&url).header("authorization", &auth).send().await.unwrap();
    assert_eq!(first.status().as_u16(), 503);
    let second = http.get(&url).header("authorization", &auth).send().await.unwrap();
    assert_eq!(second.status().as_u16(), 200);
    let inspected: Value =
        http.get(format!("{}/_sandbox/inspect", sb.url())).send().await.unwrap().json().await.unwrap();
    assert_eq!(inspected["requests"]["onepay"]["listBanks"], json!(2));
}

#[tokio::test]
async fn stop_closes_the_port_and_every_open_connection_before_it_returns() {
    let sb = sandbox().await;
    let (url, addr) = (sb.url(), sb.url().trim_start_matches("http://").to_owned());
    let http = reqwest::Client::new();
    let health = http.get(format!("{url}/_sandbox/health")).send().await.expect("it answers");
    assert_eq!(health.text().await.unwrap(), "ok"); // the client now holds a keep-alive connection
    sb.stop().await;
    assert!(tokio::net::TcpStream::connect(&addr).await.is_err(), "the port still accepts");
    // the pooled connection was dropped with it: a stopped sandbox answers nothing
    assert!(http.get(format!("{url}/_sandbox/health")).send().await.is_err());
}
