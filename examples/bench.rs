//! `just bench` (Rust part): a pspkit client against hand-written reqwest + serde for the same
//! calls, on loopback against the in-process sandbox. Writes `docs/benchmarks.md`.
//!
//! Measured: (a) one GET of one cashout, (b) one page of 100 cashouts, (c) walking 10,000
//! cashouts page by page. Sequential calls on one keep-alive connection, after a warm-up; the
//! figure is the median of 5 rounds.

use std::fmt::Write as _;
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
    let total = 10_000;
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: total, ..Default::default() }).await?;
    let base = sandbox.base_url("onepay");
    let key = sandbox.credentials().onepay_secret_key.clone();
    let client = pspkit_onepay::OnePay::new(key.as_str())?.with_base_url(&base);
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let auth = format!("Bearer {key}");
    let id = sandbox.sample_id(pspkit_sandbox::Provider::OnePay, "getCashout").unwrap_or_default();

    let mut rows = Vec::new();
    // (a) one GET
    let a_pspkit = rate(2000, || async {
        client.get_cashout(&id).await.expect("get");
    })
    .await;
    let a_hand = rate(2000, || async {
        let r = http.get(format!("{base}/cashouts/{id}")).header("authorization", &auth).send().await.expect("send");
        let _: HandCashout = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
    })
    .await;
    rows.push(("(a) one GET of one cashout", "calls/s", a_pspkit, a_hand));
    // (b) one page of 100
    let limit = std::num::NonZeroU64::new(100);
    let b_pspkit = rate(500, || async {
        client.list_cashouts(limit, None).await.expect("page");
    })
    .await;
    let b_hand = rate(500, || async {
        let r =
            http.get(format!("{base}/cashouts?limit=100")).header("authorization", &auth).send().await.expect("send");
        let _: HandPage = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
    })
    .await;
    rows.push(("(b) one page of 100 cashouts", "pages/s", b_pspkit, b_hand));
    // (c) 10,000 items page by page
    let c_pspkit = rate(3, || async {
        let n = client.list_cashouts_all(PageOptions::new().page_size(100)).count().await;
        assert_eq!(n, total);
    })
    .await
        * total as f64;
    let c_hand = rate(3, || async {
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
    rows.push(("(c) walk 10,000 cashouts, 100 per page", "items/s", c_pspkit, c_hand));

    let mut md = String::from(
        "# Benchmarks\n\nMade by `just bench` (`cargo run --release -p pspkit-examples --example bench`) on loopback against \
         the in-process sandbox, on this machine (2 cores; client and server share them). Median of 5 rounds after a warm-up.\n\n\
         ## Rust: pspkit client vs hand-written reqwest + serde\n\n\
         The hand-written client decodes into plain structs (money as `f64`, statuses as `String`); pspkit decodes exact \
         decimals, open enums and lenient fields, signs nothing here (bearer token) and runs its retry loop on every call.\n\n\
         | call | unit | pspkit | hand-written | pspkit / hand-written |\n|---|---|---:|---:|---:|\n",
    );
    for (name, unit, ours, theirs) in &rows {
        let _ = writeln!(md, "| {name} | {unit} | {ours:.0} | {theirs:.0} | {:.2} |", ours / theirs);
    }
    md.push_str(
        "\nThe Python benchmarks (pspkit sync/async vs httpx + pydantic and requests) come with the Python package.\n",
    );
    std::fs::create_dir_all("docs")?;
    std::fs::write("docs/benchmarks.md", &md)?;
    print!("{md}");
    Ok(())
}
