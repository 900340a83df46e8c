//! What hostile or broken input does to the sandbox: a panicking handler, oversized and invalid
//! bodies, a long run's request log, bad command-line values. Real HTTP on loopback throughout.

use pspkit_sandbox::Provider;
use serde_json::{Value, json};

use crate::{credentials, queue_faults, sandbox};

fn onepay_auth(sb: &pspkit_sandbox::Sandbox) -> String {
    format!("Bearer {}", sb.credentials().onepay_secret_key)
}

/// `GET` of a OnePay path (with its query) under the sandbox, with the sandbox's credentials.
async fn onepay_get(sb: &pspkit_sandbox::Sandbox, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .get(format!("{}{path}", sb.base_url("onepay")))
        .header("authorization", onepay_auth(sb))
        .send()
        .await
        .expect("answered")
}

/// POSTs `body` to OnePay's create route `path` under a new idempotency key each time, up to 40
/// times or until the sandbox answers 507 (full); the statuses in order.
async fn create_until_full(sb: &pspkit_sandbox::Sandbox, path: &str, body: &str) -> Vec<u16> {
    let http = reqwest::Client::new();
    let mut statuses = Vec::new();
    for i in 0..40 {
        let response = http
            .post(format!("{}{path}", sb.base_url("onepay")))
            .header("authorization", onepay_auth(sb))
            .header("content-type", "application/json")
            .header("x-idempotency", format!("key-{i}"))
            .body(body.to_owned())
            .send()
            .await
            .expect("answered");
        statuses.push(response.status().as_u16());
        if statuses.last() == Some(&507) {
            break;
        }
    }
    statuses
}

/// POSTs an empty JSON object to `path`, signed as the provider's client signs.
async fn post_signed(sb: &pspkit_sandbox::Sandbox, provider: Provider, path: &str) -> reqwest::Response {
    let http = reqwest::Client::new();
    let mut request = http
        .post(format!("{}{path}", sb.base_url(provider.name())))
        .header("content-type", "application/json")
        .body("{}")
        .build()
        .unwrap();
    credentials(sb, provider).apply(&mut request).unwrap();
    http.execute(request).await.unwrap()
}

#[tokio::test]
async fn a_panicking_handler_costs_one_500_in_the_providers_shape_and_nothing_else() {
    let sb = sandbox().await;
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let banks = format!("{}/accounts/banks", sb.base_url("onepay"));
    let panicked = http
        .get(&banks)
        .header("authorization", onepay_auth(&sb))
        .header("x-pspkit-fault", "panic")
        .send()
        .await
        .expect("answered, not dropped");
    assert_eq!(panicked.status().as_u16(), 500);
    let body: Value = panicked.json().await.unwrap();
    assert_eq!(body["code_name"], json!("internal_error"), "OnePay's error body: {body}");

    // the handler panicked while holding the store: the next requests, which need it, are served
    let after = http.get(&banks).header("authorization", onepay_auth(&sb)).send().await.unwrap();
    assert_eq!(after.status().as_u16(), 200);
    let cashouts = format!("{}/cashouts?limit=5", sb.base_url("onepay"));
    let listed = http.get(&cashouts).header("authorization", onepay_auth(&sb)).send().await.unwrap();
    assert_eq!(listed.status().as_u16(), 200);
    assert_eq!(sb.inspect()["requests"]["onepay"]["listBanks"], json!(2), "the panicked request is counted");
    // and so does the embedding program's own access to the store
    assert!(sb.sample_id(Provider::OnePay, "getCashout").is_some(), "the store is read after the panic");

    // OnChainPay's 500 is its failure envelope
    let creds = credentials(&sb, Provider::OnChainPay);
    let mut request = http
        .post(format!("{}/api-gateway/available-currencies", sb.base_url("onchainpay")))
        .header("x-pspkit-fault", "panic")
        .build()
        .unwrap();
    creds.apply(&mut request).unwrap();
    let response = http.execute(request).await.unwrap();
    assert_eq!(response.status().as_u16(), 500);
    let body: Value = response.json().await.unwrap();
    assert_eq!((body["success"].clone(), body["error"]["code"].clone()), (json!(false), json!(500)), "{body}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_with_413_whether_its_length_is_declared_or_not() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let url = format!("{}/cashouts", sb.base_url("onepay"));
    let big = vec![b' '; pspkit_sandbox::server::MAX_BODY_BYTES + 1];
    let declared = http
        .post(&url)
        .header("authorization", onepay_auth(&sb))
        .header("content-type", "application/json")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(declared.status().as_u16(), 413);
    let body: Value = declared.json().await.unwrap();
    assert_eq!(body["code"], json!(413), "OnePay's error body: {body}");

    // chunked: no Content-Length to judge by, the limit applies while reading
    let chunks = big.chunks(64 << 10).map(|c| Ok::<_, std::io::Error>(c.to_vec())).collect::<Vec<_>>();
    let streamed = http
        .post(&url)
        .header("authorization", onepay_auth(&sb))
        .header("content-type", "application/json")
        .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(streamed.status().as_u16(), 413);
    assert_eq!(sb.inspect()["created"]["onepay"]["cashout"], Value::Null, "nothing was created");
}

#[tokio::test]
async fn invalid_json_and_invalid_fields_get_the_providers_own_refusal() {
    let sb = sandbox().await;
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    // OnePay: 422 with its `errors` list of {key, description}
    let response = http
        .post(format!("{}/cashouts", sb.base_url("onepay")))
        .header("authorization", onepay_auth(&sb))
        .header("content-type", "application/json")
        .body("{\"amount\": 150000,")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["key"], json!("body"), "{body}");
    // OnePay: a query parameter out of its bounds
    let response = onepay_get(&sb, "/cashouts?limit=0").await;
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    let keys: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["key"].as_str()).collect();
    assert_eq!(keys, ["limit"], "{body}");

    // FireKassa: Laravel's {message, errors: {field: [messages]}}, signed like a real client
    let response = post_signed(&sb, Provider::FireKassa, "/api/v2/deposit/no-such-method").await;
    assert_eq!(response.status().as_u16(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["errors"]["type"].is_array(), "{body}");
    assert_eq!(body["message"], json!("The given data was invalid"));

    // FirstPay: its free-text error under 400, for a lookup that names no payment
    let response = post_signed(&sb, Provider::FirstPay, "/api/payments/v1/status").await;
    assert_eq!(response.status().as_u16(), 400);
    let body: Value = response.json().await.unwrap();
    assert!(body["error"].as_str().unwrap().contains("paymentId"), "{body}");
}

#[tokio::test]
async fn the_request_log_keeps_exact_counts_and_only_the_recent_requests() {
    let sb = sandbox().await;
    let http = reqwest::Client::new();
    let url = format!("{}/accounts/banks", sb.base_url("onepay"));
    let n = pspkit_sandbox::requests::RECENT + 25;
    for _ in 0..n {
        let response = http.get(&url).header("authorization", onepay_auth(&sb)).send().await.unwrap();
        assert_eq!(response.status().as_u16(), 200);
    }
    let inspected = sb.inspect();
    assert_eq!(inspected["requests"]["onepay"]["listBanks"], json!(n));
    assert_eq!(inspected["requests_total"], json!(n));
    assert_eq!(inspected["recent_requests"].as_array().unwrap().len(), pspkit_sandbox::requests::RECENT);
}

#[test]
fn the_binary_refuses_a_bad_argument_with_an_error_instead_of_a_default() {
    for args in [&["--port", "abc"][..], &["--port", "70000"], &["--faults", "503,bogus"], &["--size"]] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_pspkit-sandbox")).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(args[0]), "{args:?} names the argument: {stderr}");
    }
}

#[test]
fn the_nonce_memory_is_bounded_and_still_refuses_recent_replays() {
    use pspkit_sandbox::store::RecentNonces;
    let mut nonces = RecentNonces::default();
    let entry = |n: usize| ("pub".to_owned(), n.to_string());
    for n in 0..RecentNonces::CAPACITY + 10 {
        assert!(nonces.insert(entry(n)), "{n} is new");
    }
    assert!(!nonces.insert(entry(RecentNonces::CAPACITY)), "a recent nonce is a replay");
    assert!(!nonces.insert(("pub".to_owned(), "10".to_owned())), "the oldest kept is still refused");
    assert!(nonces.insert(entry(0)), "the oldest were forgotten: memory stays bounded");
}

#[tokio::test]
async fn a_client_that_trickles_its_request_is_cut_off() {
    use std::time::Duration;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let config = pspkit_sandbox::Config {
        seed_size: 10,
        slow_client_timeout: Duration::from_millis(300),
        ..pspkit_sandbox::Config::default()
    };
    let sb = pspkit_sandbox::start(config).await.expect("sandbox starts");
    let address = sb.url().trim_start_matches("http://").trim_end_matches('/').to_owned();
    let answer = |head: String| {
        let address = address.clone();
        async move {
            let mut socket = tokio::net::TcpStream::connect(&address).await.expect("connects");
            socket.write_all(head.as_bytes()).await.expect("writes");
            let mut got = Vec::new();
            // the server ends it: a 408 then close, or a close; never a wait past the test's bound
            let read = tokio::time::timeout(Duration::from_secs(10), socket.read_to_end(&mut got)).await;
            assert!(read.is_ok(), "the connection is still open after 10 s");
            String::from_utf8_lossy(&got).into_owned()
        }
    };
    // a head that never ends
    let cut = answer("GET /onepay/cashouts HTTP/1.1\r\nhost: x\r\n".into()).await;
    assert!(cut.is_empty() || cut.starts_with("HTTP/1.1 408"), "{cut}");
    // a body that never comes: 100 bytes promised, one sent
    let head = format!(
        "POST /onepay/cashouts HTTP/1.1\r\nhost: x\r\nauthorization: {}\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{{",
        onepay_auth(&sb)
    );
    let late = answer(head).await;
    assert!(late.starts_with("HTTP/1.1 408"), "{late}");
    // and the sandbox still serves
    let banks = onepay_get(&sb, "/accounts/banks").await;
    assert_eq!(banks.status().as_u16(), 200);
}

#[tokio::test]
async fn creates_in_a_loop_with_large_bodies_stop_at_the_memory_limit_and_injections_at_theirs() {
    let sb = sandbox().await;
    let note = "n".repeat(3 << 20);
    let body = json!({"account_id": "acc-1", "amount": 1000, "currency": "COP", "customer_id": "cus-1",
        "method": "ACH", "description": note})
    .to_string();
    let statuses = create_until_full(&sb, "/cashouts", &body).await;
    assert_eq!(statuses.last(), Some(&507), "{statuses:?}");
    assert!(statuses.len() > 20, "the limit is 256 MiB, not less: {statuses:?}");
    // reads are still served
    let listed = onepay_get(&sb, "/cashouts?limit=5").await;
    assert_eq!(listed.status().as_u16(), 200);

    let faults = vec!["503"; pspkit_sandbox::server::MAX_INJECTED + 5];
    let queued = queue_faults(&sb, &faults).await;
    assert_eq!(queued["queued"], json!(pspkit_sandbox::server::MAX_INJECTED), "{queued}");
}

#[tokio::test]
async fn the_memory_limit_counts_what_a_body_takes_held_not_its_length() {
    // 1.8 MB of `[]` is 600,000 JSON values once held: about 30 MB, not 1.8
    let sb = sandbox().await;
    let junk = format!("[{}[]]", "[],".repeat(600_000));
    let body =
        format!(r#"{{"customer_id": "cus-1", "account_id": "acc-1", "amount": 1000, "metadata": {{"junk": {junk}}}}}"#);
    let statuses = create_until_full(&sb, "/charges", &body).await;
    assert_eq!(statuses.last(), Some(&507), "{statuses:?}");
    assert!(statuses.len() <= 6, "each create is counted at its held size: {statuses:?}");
    assert!(statuses[0] < 300, "{statuses:?}");
}

#[tokio::test]
async fn the_webhook_inbox_keeps_at_most_its_limit() {
    let inbox = pspkit_sandbox::Inbox::start().await.unwrap();
    let http = reqwest::Client::new();
    let body = vec![b'x'; 1_500_000];
    let mut statuses = Vec::new();
    for _ in 0..60 {
        let status = http.post(format!("{}/onepay", inbox.url)).body(body.clone()).send().await.unwrap().status();
        statuses.push(status.as_u16());
        if status.as_u16() == 507 {
            break;
        }
    }
    let kept = pspkit_sandbox::Inbox::MAX_KEPT_BYTES / body.len();
    assert_eq!(statuses.len(), kept + 1, "{statuses:?}");
    assert_eq!(statuses.last(), Some(&507));
    assert_eq!(inbox.received().len(), kept);
}
