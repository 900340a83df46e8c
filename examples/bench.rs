//! `just bench` (Rust part): a pspkit client against hand-written reqwest + serde for the same
//! calls, on loopback against the fixed-response server (`fixed_server.rs`, OnePay cashouts as
//! the sandbox answers them). Prints the figures as JSON; `python/bench/bench.py` writes them
//! into `docs/benchmarks.md`.
//!
//! Measured: (a) one GET of one cashout, (b) one page of 100 cashouts, (c) walking 100,000
//! cashouts page by page. Sequential calls on one keep-alive connection, after a warm-up; the
//! figure is the median of 5 rounds.

mod fixed_server;

use std::time::Instant;

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use serde::Deserialize;

/// What a hand-written client would declare for a cashout (plain types, f64 money).
#[derive(Deserialize)]
#[allow(dead_code)]
struct HandCashout {
    id: Option<String>,
    amount: Option<f64>,
    status: Option<String>,
    customer_id: Option<String>,
    account_id: Option<String>,
    created_at: Option<String>,
}

#[derive(Deserialize)]
struct HandPage {
    data: Vec<HandCashout>,
    next_page_url: Option<String>,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Runs `f` `n` times per round, 5 rounds; returns the median calls per second.
async fn rate<F, Fut>(n: usize, mut f: F) -> f64
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for _ in 0..n / 10 + 1 {
        f().await;
    }
    let mut rounds = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for _ in 0..n {
            f().await;
        }
        rounds.push(n as f64 / t.elapsed().as_secs_f64());
    }
    median(rounds)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let total = 100_000;
    let server = fixed_server::start(total).await?;
    let base = server.base_url.clone();
    let key = "sk_test_sandbox";
    let client = pspkit_onepay::OnePay::new(key)?.with_base_url(&base);
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let auth = format!("Bearer {key}");
    let id = server.cashout_id.clone();

    let mut rows = Vec::new();
    // (a) one GET
    let a_pspkit = rate(3000, || async {
        client.get_cashout(&id).send().await.expect("get");
    })
    .await;
    let a_hand = rate(3000, || async {
        let r = http.get(format!("{base}/cashouts/{id}")).header("authorization", &auth).send().await.expect("send");
        let _: HandCashout = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
    })
    .await;
    rows.push(("a", "calls/s", a_pspkit, a_hand));
    // (b) one page of 100
    let b_pspkit = rate(1000, || async {
        client.list_cashouts().limit(100).send().await.expect("page");
    })
    .await;
    let b_hand = rate(1000, || async {
        let r =
            http.get(format!("{base}/cashouts?limit=100")).header("authorization", &auth).send().await.expect("send");
        let _: HandPage = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
    })
    .await;
    rows.push(("b", "pages/s", b_pspkit, b_hand));
    // (c) 100,000 items page by page
    let c_pspkit = rate(1, || async {
        let n = client.list_cashouts().stream(PageOptions::new().page_size(100)).count().await;
        assert_eq!(n, total);
    })
    .await
        * total as f64;
    let c_hand = rate(1, || async {
        let (mut page, mut n) = (1, 0);
        loop {
            let r = http
                .get(format!("{base}/cashouts?page={page}&limit=100"))
                .header("authorization", &auth)
                .send()
                .await
                .expect("send");
            let p: HandPage = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
            n += p.data.len();
            if p.next_page_url.is_none() {
                break;
            }
            page += 1;
        }
        assert_eq!(n, total);
    })
    .await
        * total as f64;
    rows.push(("c", "items/s", c_pspkit, c_hand));

    let rows: Vec<_> = rows
        .iter()
        .map(|(case, unit, pspkit, hand)| serde_json::json!({"case": case, "unit": unit, "pspkit": pspkit, "hand": hand}))
        .collect();
    println!("{}", serde_json::json!({"items": total, "page_bytes": server.page_bytes, "rows": rows}));
    Ok(())
}
