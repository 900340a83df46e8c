//! The fixed-response server of `just bench`: OnePay's cashout routes answered from bytes taken
//! once from the sandbox, so a benchmark measures the client and not the server.
//!
//! - `GET /onepay/cashouts/{id}`: one cashout (the sandbox's answer for its first cashout);
//! - `GET /onepay/cashouts?page=N`: page N of `items / 100` pages of 100 cashouts, each the
//!   sandbox's first page with its page fields (`current_page`, `from`, `to`, `next_page_url`)
//!   set for N, so a client walks exactly `items` cashouts. Every page is rendered up front.
//!
//! Authentication is not checked: the sandbox does that.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use serde_json::{Value, json};

/// Items per page of the fixed list.
pub const PAGE_SIZE: usize = 100;

/// A running fixed-response server.
pub struct FixedServer {
    /// `http://127.0.0.1:PORT/onepay`, the OnePay base URL to give a client.
    pub base_url: String,
    /// The id the single-cashout route is for (any id gets the same answer).
    pub cashout_id: String,
    /// Size in bytes of one page's body.
    pub page_bytes: usize,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

struct Bodies {
    cashout: Bytes,
    pages: Vec<Bytes>,
    empty: Bytes,
}

/// Takes the bodies from an in-process sandbox, then serves them on a free port of 127.0.0.1.
pub async fn start(items: usize) -> Result<FixedServer, Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: PAGE_SIZE, ..Default::default() }).await?;
    let base = sandbox.base_url("onepay");
    let auth = format!("Bearer {}", sandbox.credentials().onepay_secret_key);
    let http = reqwest::Client::new();
    let cashout_id = sandbox.sample_id(pspkit_sandbox::Provider::OnePay, "getCashout").unwrap_or_default();
    let fetch = |url: String| {
        let request = http.get(url).header("authorization", &auth);
        async move { request.send().await?.error_for_status()?.bytes().await }
    };
    let cashout = fetch(format!("{base}/cashouts/{cashout_id}")).await?;
    let first: Value = serde_json::from_slice(&fetch(format!("{base}/cashouts?page=1&limit={PAGE_SIZE}")).await?)?;
    let count = items.div_ceil(PAGE_SIZE);
    let page = |n: usize, data: Value| -> Result<Bytes, serde_json::Error> {
        let mut body = first.clone();
        let from = (n - 1) * PAGE_SIZE;
        let next = (n < count).then(|| format!("/onepay/cashouts?page={}", n + 1));
        let filled = data.as_array().map_or(0, Vec::len);
        body["data"] = data;
        body["current_page"] = json!(n);
        body["per_page"] = json!(PAGE_SIZE);
        body["from"] = if filled > 0 { json!(from + 1) } else { Value::Null };
        body["to"] = if filled > 0 { json!(from + filled) } else { Value::Null };
        body["next_page_url"] = json!(next);
        Ok(Bytes::from(serde_json::to_vec(&body)?))
    };
    let data = first["data"].as_array().cloned().unwrap_or_default();
    let pages = (1..=count)
        .map(|n| {
            let filled = PAGE_SIZE.min(items - (n - 1) * PAGE_SIZE);
            page(n, Value::Array(data[..filled.min(data.len())].to_vec()))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bodies = Arc::new(Bodies { cashout, empty: page(count + 1, json!([]))?, pages });
    let page_bytes = bodies.pages.first().map_or(0, Bytes::len);
    let app = axum::Router::new()
        .route("/onepay/cashouts", get(list))
        .route("/onepay/cashouts/{id}", get(one))
        .with_state(bodies);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let url = format!("http://{}", listener.local_addr()?);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(FixedServer { base_url: format!("{url}/onepay"), cashout_id, page_bytes, task })
}

fn json_body(body: &Bytes) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

async fn one(State(bodies): State<Arc<Bodies>>) -> Response {
    json_body(&bodies.cashout)
}

#[derive(serde::Deserialize)]
struct PageQuery {
    page: Option<usize>,
}

async fn list(State(bodies): State<Arc<Bodies>>, Query(query): Query<PageQuery>) -> Response {
    match query.page.unwrap_or(1) {
        0 => (StatusCode::BAD_REQUEST, "page is 1-based").into_response(),
        n => json_body(bodies.pages.get(n - 1).unwrap_or(&bodies.empty)),
    }
}
