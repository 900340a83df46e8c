//! Every pagination style walks a 2,500-item list across page boundaries, with and without a
//! maximum, against a loopback server that pages like the provider; the next page is requested
//! before the current one is consumed, and never more than one ahead.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use futures_util::StreamExt;
use pspkit::Error;
use pspkit::paginate::PageOptions;
use serde_json::{Value, json};

const N: usize = 2500;

#[derive(Clone, Default)]
struct Log {
    requests: Arc<Mutex<Vec<String>>>,
    delay: Option<Duration>,
}

impl Log {
    async fn note(&self, what: String) {
        self.requests.lock().unwrap().push(what);
        if let Some(d) = self.delay {
            tokio::time::sleep(d).await;
        }
    }
    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }
}

fn num(v: &Value, k: &str) -> Option<usize> {
    v.get(k).and_then(Value::as_u64).map(|n| n as usize)
}

/// A FireKassa transaction with the fields every recorded one carries.
fn fk_transaction(i: usize) -> Value {
    json!({"id": i.to_string(), "created_at": "2023-04-19T17:29:00+03:00", "updated_at": "2023-04-19T17:29:01+03:00",
        "action": "deposit", "method": "wallet-card", "order_id": format!("o-{i}"), "amount": "1.00",
        "payment_amount": "0.00", "commission": "0.01", "status": "process", "currency": "RUB"})
}

/// A OnePay cashout with the fields of the documented reply.
fn onepay_cashout(i: usize) -> Value {
    json!({"id": format!("c-{i}"), "customer_id": "cu-1", "account_id": "ac-1", "is_test": true, "amount": 1000,
        "status": "processed", "created_at": "2024-10-17T18:07:18.000000Z", "method": "ACH"})
}

/// An OnChainPay order with the fields the SDKs type as always present.
fn onchainpay_order(i: usize) -> Value {
    json!({"orderId": format!("o-{i}"), "clientOrderId": format!("m-{i}"), "status": "init",
        "link": "https://pay.example/o", "amount": "2.5", "advancedBalanceId": "ab-1", "currency": "USDT",
        "network": "tron", "addressId": "a-1", "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF",
        "expiresAt": "2024-12-26T08:51:33.194Z", "createdAt": "2024-12-26T08:21:33.194Z"})
}

/// One server for the five providers' list operations, each paging its own way.
async fn serve(log: Log) -> String {
    let app = axum::Router::new()
        .route("/api/v1/operations/search", post(|State(log): State<Log>, Json(b): Json<Value>| async move {
            let (page, size) = (num(&b, "page_no").unwrap_or(0), num(&b, "page_size").unwrap_or(20));
            log.note(format!("page {page}")).await;
            let items: Vec<Value> = (page * size..((page + 1) * size).min(N)).map(|i| json!({"id": i, "amount_local": "1.5"})).collect();
            Json(json!({"items": items, "page_no": page, "page_size": size, "total": N, "total_pages": N.div_ceil(size)}))
        }))
        .route("/api/v2/transactions", get(|State(log): State<Log>, Query(q): Query<HashMap<String, String>>| async move {
            let page: usize = q["page[number]"].parse().unwrap();
            let size: usize = q["page[size]"].parse().unwrap();
            log.note(format!("page {page}")).await;
            let start = (page - 1) * size;
            let items: Vec<Value> = (start..(start + size).min(N)).map(fk_transaction).collect();
            Json(json!({"items": items, "page": {"number": page, "size": size}}))
        }))
        .route("/api/payments/v1/list", post(|State(log): State<Log>, Json(b): Json<Value>| async move {
            let take = num(&b, "take").unwrap_or(10);
            let from = b.get("fromId").and_then(Value::as_str).map(|s| s.trim_start_matches("p-").parse::<usize>().unwrap()).unwrap_or(0);
            log.note(format!("from {from}")).await;
            let items: Vec<Value> = (from..(from + take).min(N)).map(|i| json!({"id": format!("p-{i:05}"), "status": "SUCCESS", "paymentMethodId": "pm-1", "currencyCode": "BDT", "amount": 1})).collect();
            let next = (from + take < N).then(|| format!("p-{:05}", from + take));
            Json(json!({"payments": items, "total": N, "totalSucceed": N, "totalFailed": 0, "amounts": [], "nextId": next}))
        }))
        .route("/cashouts", get(|State(log): State<Log>, Query(q): Query<HashMap<String, String>>| async move {
            let page: usize = q["page"].parse().unwrap();
            let limit: usize = q["limit"].parse().unwrap();
            log.note(format!("page {page}")).await;
            let start = (page - 1) * limit;
            let items: Vec<Value> = (start..(start + limit).min(N)).map(onepay_cashout).collect();
            let next = (start + limit < N).then(|| format!("https://api.onepay.la/v1/cashouts?page={}", page + 1));
            Json(json!({"data": items, "current_page": page, "per_page": limit, "next_page_url": next}))
        }))
        .route("/api-gateway/orders", post(|State(log): State<Log>, Json(b): Json<Value>| async move {
            let (offset, limit) = (num(&b, "offset").unwrap_or(0), num(&b, "limit").unwrap_or(10));
            log.note(format!("offset {offset}")).await;
            let orders: Vec<Value> = (offset..(offset + limit).min(N)).map(onchainpay_order).collect();
            Json(json!({"success": true, "response": {"orders": orders, "total": N}}))
        }))
        .with_state(log);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    format!("http://{addr}")
}

fn firstpay(url: &str) -> pspkit_firstpay::FirstPay {
    pspkit_firstpay::FirstPay::new(
        url,
        pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM,
        pspkit_tests::keys::MERCHANT_PRIVATE_PEM,
    )
    .unwrap()
}

/// FirstPay's list of payments over all time.
fn all_payments() -> pspkit_firstpay::types::PaymentsListRequest {
    pspkit_firstpay::types::PaymentsListRequest::builder()
        .created_at_from(0)
        .created_at_to(1_800_000_000_000_i64)
        .build()
        .unwrap()
}

async fn collect<T>(stream: impl futures_util::Stream<Item = Result<T, Error>>) -> Vec<T> {
    stream.map(|r| r.expect("every page decodes")).collect().await
}

fn ids<T>(items: &[T], id: impl Fn(&T) -> String) -> Vec<String> {
    items.iter().map(id).collect()
}

fn expect_all(got: Vec<String>, prefix: &str, pad: bool) {
    let want: Vec<String> =
        (0..N).map(|i| if pad { format!("{prefix}{i:05}") } else { format!("{prefix}{i}") }).collect();
    assert_eq!(got.len(), N);
    assert_eq!(got, want, "every item once, in order");
}

#[tokio::test]
async fn page_number_style_onlyonepays() {
    let log = Log::default();
    let url = serve(log.clone()).await;
    let client = pspkit_onlyonepays::OnlyOnePays::new("k").unwrap().with_base_url(&url);
    let body = pspkit_onlyonepays::types::SearchOperationsRequest::default();
    let all = collect(client.search_operations(body.clone()).stream(PageOptions::new().page_size(300))).await;
    expect_all(ids(&all, |o| o.id.as_ref().unwrap().to_string()), "", false);
    assert_eq!(log.count(), 9, "ceil(2500 / 300) pages, no extra request");
    // every page carries what the provider counts of the whole list
    let pages = collect(client.search_operations(body.clone()).pages(PageOptions::new().page_size(300))).await;
    assert_eq!(pages.len(), 9);
    assert!(pages.iter().all(|p| p.info.total_items == Some(N as u64) && p.info.total_pages == Some(9)));

    let some =
        collect(client.search_operations(body.clone()).stream(PageOptions::new().page_size(300).max_items(1000))).await;
    assert_eq!(some.len(), 1000);
    assert_eq!(some[999].id.as_deref(), Some("999"));

    // a page size over the documented maximum is refused before anything is sent
    let before = log.count();
    let err = client
        .search_operations(body.clone())
        .stream(PageOptions::new().page_size(5000))
        .next()
        .await
        .unwrap()
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { ref field, .. } if field == "page_size"), "{err}");
    assert!(err.to_string().contains("between 1 and 1000"), "{err}");
    assert_eq!(log.count(), before);
}

#[tokio::test]
async fn page_until_short_style_firekassa() {
    let log = Log::default();
    let url = serve(log.clone()).await;
    let client = pspkit_firekassa::FireKassa::new(&url, "t").unwrap();
    let all = collect(client.get_transactions().stream(PageOptions::new().page_size(250))).await;
    // 2500 / 250 = 10 full pages; the 11th comes back empty and ends the walk
    expect_all(ids(&all, |t| t.id.to_string()), "", false);
    assert_eq!(log.count(), 11);
    // its pages do not count the list
    let first = client.get_transactions().pages(PageOptions::new().page_size(250)).next().await.unwrap().unwrap();
    assert_eq!((first.info.total_items, first.info.total_pages), (None, None));
    let some = collect(client.get_transactions().stream(PageOptions::new().page_size(250).max_items(1001))).await;
    assert_eq!(some.len(), 1001);
}

#[tokio::test]
async fn keyset_style_firstpay() {
    let log = Log::default();
    let url = serve(log.clone()).await;
    let (client, body) = (firstpay(&url), all_payments());
    let all = collect(client.list_payments(body.clone()).stream(PageOptions::new().page_size(200))).await;
    expect_all(ids(&all, |p| p.id.to_string()), "p-", true);
    assert_eq!(log.count(), 13);
    let some =
        collect(client.list_payments(body.clone()).stream(PageOptions::new().page_size(200).max_items(1500))).await;
    assert_eq!(some.len(), 1500);
    // start at a cursor
    let tail =
        collect(client.list_payments(body.clone()).stream(PageOptions::new().page_size(200).start_cursor("p-02400")))
            .await;
    assert_eq!(tail.len(), 100);
}

#[tokio::test]
async fn next_url_style_onepay() {
    let log = Log::default();
    let url = serve(log.clone()).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").unwrap().with_base_url(&url);
    let all = collect(client.list_cashouts().stream(PageOptions::new())).await;
    expect_all(ids(&all, |c| c.id.clone()), "c-", false);
    assert_eq!(log.count(), 25, "100 per page, and the last page's null next_page_url ends the walk");
    let some = collect(client.list_cashouts().stream(PageOptions::new().max_items(1050))).await;
    assert_eq!(some.len(), 1050);
}

#[tokio::test]
async fn offset_style_onchainpay() {
    let log = Log::default();
    let url = serve(log.clone()).await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").unwrap().with_base_url(&url);
    let body = pspkit_onchainpay::types::ListOrdersBody::default();
    let all = collect(client.list_orders(body.clone()).stream(PageOptions::new().page_size(400))).await;
    expect_all(ids(&all, |o| o.order_id.clone()), "o-", false);
    let pages =
        collect(client.list_orders(body.clone()).pages(PageOptions::new().page_size(400).max_items(1200))).await;
    assert_eq!(pages.iter().map(|p| p.items.len()).sum::<usize>(), 1200);
    assert_eq!(pages.iter().map(|p| p.request.position).collect::<Vec<_>>(), vec![0, 400, 800]);
}

#[tokio::test]
async fn the_next_page_is_fetched_while_the_current_one_is_consumed_and_only_one_ahead() {
    let log = Log { delay: Some(Duration::from_millis(50)), ..Log::default() };
    let url = serve(log.clone()).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").unwrap().with_base_url(&url);
    let mut pages = client.list_cashouts().pages(PageOptions::new());
    let first = pages.next().await.unwrap().unwrap();
    assert_eq!(first.items.len(), 100);
    // the caller works on page 1 and does not poll; page 2 is requested meanwhile
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        *log.requests.lock().unwrap(),
        vec!["page 1", "page 2"],
        "page 2 was requested before page 1 was done, page 3 was not"
    );
    let second = pages.next().await.unwrap().unwrap();
    assert_eq!(second.request.position, 2);
    tokio::time::sleep(Duration::from_millis(600)).await;
    assert_eq!(log.count(), 3, "still one page ahead");
}

/// A walk's items until its first error, with the error; bounded, so a walk that would go on
/// forever fails the test instead of hanging it.
async fn walk_until_error<T>(stream: impl futures_util::Stream<Item = Result<T, Error>>) -> (usize, Option<Error>) {
    let walk = async {
        futures_util::pin_mut!(stream);
        let mut n = 0;
        while let Some(item) = stream.next().await {
            match item {
                Ok(_) => n += 1,
                Err(e) => return (n, Some(e)),
            }
        }
        (n, None)
    };
    tokio::time::timeout(Duration::from_secs(20), walk).await.expect("the walk ends")
}

#[tokio::test]
async fn a_provider_that_does_not_move_through_its_list_ends_the_walk_with_an_error() {
    use pspkit_tests::{ScriptedServer, Step};
    // OnePay: the same full page, always with a next page (a `page` parameter ignored)
    let page = json!({"data": (0..100).map(onepay_cashout).collect::<Vec<_>>(), "next_page_url": "/cashouts?page=2"});
    let server = ScriptedServer::start(vec![Step::json(200, page)]).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").unwrap().with_base_url(&server.base_url);
    let (items, error) = walk_until_error(client.list_cashouts().stream(PageOptions::new())).await;
    assert_eq!(items, 100, "the first page, once");
    let Some(Error::Decode(d)) = error else { panic!("expected a decoding error, got {error:?}") };
    assert!(d.message.contains("repeats a page already seen"), "{}", d.message);

    // FirstPay: cursors in a cycle, A -> B -> A
    let payments = |from: usize, next: &str| {
        let items: Vec<Value> = (from..from + 10)
            .map(|i| json!({"id": format!("p-{i:05}"), "status": "SUCCESS", "paymentMethodId": "pm-1", "currencyCode": "BDT", "amount": 1}))
            .collect();
        Step::json(
            200,
            json!({"payments": items, "total": 20, "totalSucceed": 20, "totalFailed": 0, "amounts": [], "nextId": next}),
        )
    };
    let server = ScriptedServer::start(vec![payments(0, "B"), payments(10, "A"), payments(0, "B")]).await;
    let (client, body) = (firstpay(&server.base_url), all_payments());
    let (items, error) = walk_until_error(client.list_payments(body).stream(PageOptions::new().page_size(10))).await;
    assert_eq!(items, 20, "each page once");
    assert!(matches!(error, Some(Error::Decode(_))), "{error:?}");
}

#[tokio::test]
async fn a_walk_started_at_the_last_page_number_ends_instead_of_wrapping() {
    use pspkit_tests::{ScriptedServer, Step};
    let page = json!({"data": (0..100).map(onepay_cashout).collect::<Vec<_>>(), "next_page_url": "/cashouts?page=0"});
    let server = ScriptedServer::start(vec![Step::json(200, page)]).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").unwrap().with_base_url(&server.base_url);
    let (items, error) = walk_until_error(client.list_cashouts().stream(PageOptions::new().start_at(u64::MAX))).await;
    assert_eq!((items, error.map(|e| e.to_string())), (100, None), "no page after u64::MAX");
    let targets: Vec<String> = server.received().iter().map(|r| r.target.clone()).collect();
    assert_eq!(targets.len(), 1, "no wrap to page 0: {targets:?}");
    assert!(targets[0].contains(&format!("page={}", u64::MAX)), "{targets:?}");
}
