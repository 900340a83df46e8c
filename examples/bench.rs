//! `just bench` (Rust part): a pspkit client against hand-written reqwest + serde for the same
//! calls, on loopback against the fixed-response server (`fixed_server.rs`, OnePay cashouts as
//! the sandbox answers them). Prints the figures as JSON; `python/bench/bench.py` writes them
//! into `docs/benchmarks.md`.
//!
//! Measured: (a) one GET of one cashout, (b) one page of 100 cashouts, (c) walking 100,000
//! cashouts page by page; then, to say where a page's time goes, the page's bytes decoded alone
//! by pspkit, by the hand-written structs, and by hand-written structs with every field pspkit
//! decodes. Sequential calls on one keep-alive connection, after a warm-up. The
//! two clients' rounds alternate (7 each), so a slow spell of the machine lands on both sides;
//! each figure is the median of its 7 rounds.

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

/// Every field pspkit decodes, as a hand-written client would declare it with plain types
/// (strings; the amount kept as its JSON text so it stays exact). Used only to say where the
/// time of a page goes: decoding more fields, or decoding them into exact types.
#[derive(Deserialize)]
#[allow(dead_code)]
struct AllFieldsCashout {
    id: String,
    amount: Box<serde_json::value::RawValue>,
    amount_label: Option<String>,
    status: String,
    method: String,
    currency: Option<String>,
    description: Option<String>,
    customer_id: String,
    account_id: String,
    external_id: Option<String>,
    is_test: bool,
    created_at: String,
    scheduled_at: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct AllFieldsPage {
    data: Vec<AllFieldsCashout>,
    next_page_url: Option<String>,
}

/// Decodes `body` as `T` `n` times per round, rounds alternating with the other decoders by the
/// caller; returns pages per second.
fn decode_rate<T: serde::de::DeserializeOwned>(body: &[u8], n: usize) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        let page: T = serde_json::from_slice(body).expect("decode");
        std::hint::black_box(page);
    }
    n as f64 / t.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Rounds per client; the figure is the median.
const ROUNDS: usize = 7;

/// Runs `n` calls of `pspkit` then `n` of `hand` per round, after a warm-up of each, for
/// [`ROUNDS`] rounds; returns the median calls per second of each.
async fn rates<P, PF, H, HF>(n: usize, mut pspkit: P, mut hand: H) -> (f64, f64)
where
    P: FnMut() -> PF,
    PF: std::future::Future<Output = ()>,
    H: FnMut() -> HF,
    HF: std::future::Future<Output = ()>,
{
    for _ in 0..n / 10 + 1 {
        pspkit().await;
        hand().await;
    }
    let (mut p, mut h) = (Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..n {
            pspkit().await;
        }
        p.push(n as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        for _ in 0..n {
            hand().await;
        }
        h.push(n as f64 / t.elapsed().as_secs_f64());
    }
    (median(p), median(h))
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
    let (a_pspkit, a_hand) = rates(
        3000,
        || async {
            client.get_cashout(&id).send().await.expect("get");
        },
        || async {
            let r =
                http.get(format!("{base}/cashouts/{id}")).header("authorization", &auth).send().await.expect("send");
            let _: HandCashout = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
        },
    )
    .await;
    rows.push(("a", "calls/s", a_pspkit, a_hand));
    // (b) one page of 100
    let (b_pspkit, b_hand) = rates(
        1000,
        || async {
            client.list_cashouts().limit(100).send().await.expect("page");
        },
        || async {
            let r = http
                .get(format!("{base}/cashouts?limit=100"))
                .header("authorization", &auth)
                .send()
                .await
                .expect("send");
            let _: HandPage = serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode");
        },
    )
    .await;
    rows.push(("b", "pages/s", b_pspkit, b_hand));
    // (c) 100,000 items page by page
    let (c_pspkit, c_hand) = rates(
        1,
        || async {
            let n = client.list_cashouts().stream(PageOptions::new().page_size(100)).count().await;
            assert_eq!(n, total);
        },
        || async {
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
        },
    )
    .await;
    rows.push(("c", "items/s", c_pspkit * total as f64, c_hand * total as f64));

    // Where the time of a page goes: the same page's bytes decoded alone, no HTTP.
    let page = http.get(format!("{base}/cashouts?limit=100")).send().await?.bytes().await?;
    let (mut typed, mut six, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        typed.push(decode_rate::<pspkit_onepay::types::CashoutList>(&page, 2000));
        six.push(decode_rate::<HandPage>(&page, 2000));
        all.push(decode_rate::<AllFieldsPage>(&page, 2000));
    }
    let decode = serde_json::json!({
        "pspkit": median(typed),
        "hand": median(six),
        "hand_all_fields": median(all),
    });

    let rows: Vec<_> = rows
        .iter()
        .map(|(case, unit, pspkit, hand)| serde_json::json!({"case": case, "unit": unit, "pspkit": pspkit, "hand": hand}))
        .collect();
    println!(
        "{}",
        serde_json::json!({"items": total, "page_bytes": server.page_bytes, "rows": rows, "decode_pages_per_s": decode})
    );
    Ok(())
}
