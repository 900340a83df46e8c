//! `just bench` (Rust part): a pspkit client against hand-written reqwest + serde for the same
//! calls, on loopback against the fixed-response server (`fixed_server.rs`, OnePay cashouts as
//! the sandbox answers them). Prints the figures as JSON; `python/bench/bench.py` writes them
//! into `docs/benchmarks.md`.
//!
//! Two hand-written clients: a quick one that declares the 6 fields it reads (money as `f64`),
//! and a complete one that declares all 13 fields of a cashout as plain types, as pspkit does
//! with exact ones. Measured: (a) one GET of one cashout, (b) one page of 100 cashouts, (c)
//! walking 100,000 cashouts page by page; then, to say where a page's time goes, the page's
//! bytes decoded alone by each of the three. Sequential calls on one keep-alive connection,
//! after a warm-up; every client builds each call's URL from its arguments.
//!
//! The machine is a shared VM whose speed drifts by 10-20% from one second to the next (stolen
//! CPU time), so the clients run in short rounds whose order rotates: the rounds of one
//! rotation see nearly the same machine. Each ratio printed is the median of the per-rotation
//! ratios; the rates are the medians of each client's rounds.
//!
//! To see where a call's time goes, profile one case and one client with a fixed number of
//! calls: `PSPKIT_BENCH_PROFILE=a:pspkit:400` (case `a`, `b` or `c`; client `pspkit`, `hand` or
//! `hand_all_fields`; calls per round) runs only those calls, in 3 rounds, e.g. under
//! `valgrind --tool=callgrind`; the difference between two call counts is the cost of the extra
//! calls, in instructions, which the machine's drift does not change.

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

/// A page of either hand-written cashout.
#[derive(Deserialize)]
struct Page<C> {
    data: Vec<C>,
    next_page_url: Option<String>,
}

/// Every field pspkit decodes, as a complete hand-written client would declare it with plain
/// types (strings; the amount kept as its JSON text so it stays exact).
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

/// Decodes `body` `n` times per round with `decode`, rounds alternating with the other decoders
/// by the caller; returns pages per second.
fn decode_rate<T>(body: &[u8], n: usize, decode: impl Fn(&[u8]) -> T) -> f64 {
    let t = Instant::now();
    for _ in 0..n {
        std::hint::black_box(decode(body));
    }
    n as f64 / t.elapsed().as_secs_f64()
}

/// What a hand-written client does with a body: `serde_json::from_slice`.
fn hand_decode<T: serde::de::DeserializeOwned>(body: &[u8]) -> T {
    serde_json::from_slice(body).expect("decode")
}

/// What pspkit does with a 2xx body: its own decoding of an answer (envelope, then the payload).
fn pspkit_decode(body: &[u8]) -> pspkit_onepay::types::CashoutList {
    let headers = reqwest::header::HeaderMap::new();
    pspkit::decode_answer(&pspkit_onepay::SPEC, "listCashouts", 200, &headers, body).expect("decode")
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

/// Rounds of the walk (c) and of decoding alone; the figures are medians.
const ROUNDS: usize = 21;

/// Rounds of the single calls (a) and (b): many short ones (about 10 ms per client), so that
/// the three clients of a rotation run on nearly the same machine however its speed drifts.
/// Fewer, longer rounds of the same calls (21 rounds of 0.1 s) gave per-run medians of the
/// page ratio anywhere between 0.85 and 0.99 for unchanged code.
const SHORT_ROUNDS: usize = 201;

/// `PSPKIT_BENCH_PROFILE=<case>:<client>:<calls>`: one case, one client, a fixed number of calls.
struct Profile {
    case: String,
    client: String,
    calls: usize,
}

fn profile() -> Option<Profile> {
    let value = std::env::var("PSPKIT_BENCH_PROFILE").ok()?;
    let mut parts = value.split(':');
    let (Some(case), Some(client), Some(calls)) = (parts.next(), parts.next(), parts.next()) else {
        panic!("PSPKIT_BENCH_PROFILE is <case>:<client>:<calls>, e.g. a:pspkit:600");
    };
    let calls = calls.parse().expect("PSPKIT_BENCH_PROFILE: calls is a number");
    Some(Profile { case: case.into(), client: client.into(), calls })
}

/// The median calls per second of each client, and the medians of pspkit's per-round ratios to
/// each hand-written client.
struct Rates {
    pspkit: f64,
    hand: f64,
    hand_all_fields: f64,
    ratio: f64,
    ratio_all_fields: f64,
}

/// Runs `n` calls of each client per round, after a warm-up of each, for `rounds` rounds of
/// the three clients, the order rotating from round to round.
async fn rates<P, PF, H, HF, A, AF>(
    case: &str,
    n: usize,
    rounds: usize,
    mut pspkit: P,
    mut hand: H,
    mut hand_all: A,
) -> Rates
where
    P: FnMut() -> PF,
    PF: std::future::Future<Output = ()>,
    H: FnMut() -> HF,
    HF: std::future::Future<Output = ()>,
    A: FnMut() -> AF,
    AF: std::future::Future<Output = ()>,
{
    let mut run = async |client: usize, calls: usize| {
        for _ in 0..calls {
            match client {
                0 => pspkit().await,
                1 => hand().await,
                _ => hand_all().await,
            }
        }
    };
    if let Some(p) = profile() {
        let client = match p.client.as_str() {
            "pspkit" => 0,
            "hand" => 1,
            "hand_all_fields" => 2,
            other => panic!("PSPKIT_BENCH_PROFILE: no client {other:?} (pspkit, hand or hand_all_fields)"),
        };
        run(client, if p.case == case { p.calls * 3 } else { 0 }).await;
        return Rates { pspkit: 0.0, hand: 0.0, hand_all_fields: 0.0, ratio: 0.0, ratio_all_fields: 0.0 };
    }
    for client in 0..3 {
        run(client, (n * rounds / 200).max(1)).await;
    }
    let mut per_client: [Vec<f64>; 3] = Default::default();
    let (mut ratios, mut ratios_all) = (Vec::new(), Vec::new());
    for round in 0..rounds {
        let mut rate = [0.0; 3];
        for k in 0..3 {
            let client = (round + k) % 3;
            let t = Instant::now();
            run(client, n).await;
            rate[client] = n as f64 / t.elapsed().as_secs_f64();
        }
        for (all, r) in per_client.iter_mut().zip(rate) {
            all.push(r);
        }
        ratios.push(rate[0] / rate[1]);
        ratios_all.push(rate[0] / rate[2]);
    }
    let [p, h, a] = per_client;
    Rates {
        pspkit: median(p),
        hand: median(h),
        hand_all_fields: median(a),
        ratio: median(ratios),
        ratio_all_fields: median(ratios_all),
    }
}

/// One GET by the hand-written client, decoded as `T`. The caller builds the URL from the call's
/// arguments, as pspkit does on every call.
async fn hand_get<T: serde::de::DeserializeOwned>(http: &reqwest::Client, url: String, auth: &str) -> T {
    let r = http.get(url).header("authorization", auth).send().await.expect("send");
    serde_json::from_slice(&r.bytes().await.expect("body")).expect("decode")
}

/// The hand-written walk: pages of 100 until one has no next page; returns the items seen.
async fn hand_walk<C: serde::de::DeserializeOwned>(http: &reqwest::Client, base: &str, auth: &str) -> usize {
    let (mut page, mut n) = (1, 0);
    loop {
        let p: Page<C> = hand_get(http, format!("{base}/cashouts?page={page}&limit=100"), auth).await;
        n += p.data.len();
        if p.next_page_url.is_none() {
            return n;
        }
        page += 1;
    }
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
    let a = rates(
        "a",
        50,
        SHORT_ROUNDS,
        || async {
            client.get_cashout(&id).send().await.expect("get");
        },
        || async {
            hand_get::<HandCashout>(&http, format!("{base}/cashouts/{id}"), &auth).await;
        },
        || async {
            hand_get::<AllFieldsCashout>(&http, format!("{base}/cashouts/{id}"), &auth).await;
        },
    )
    .await;
    rows.push(("a", "calls/s", 1.0, a));
    // (b) one page of 100
    let limit = 100;
    let b = rates(
        "b",
        20,
        SHORT_ROUNDS,
        || async {
            client.list_cashouts().limit(limit).send().await.expect("page");
        },
        || async {
            hand_get::<Page<HandCashout>>(&http, format!("{base}/cashouts?limit={limit}"), &auth).await;
        },
        || async {
            hand_get::<Page<AllFieldsCashout>>(&http, format!("{base}/cashouts?limit={limit}"), &auth).await;
        },
    )
    .await;
    rows.push(("b", "pages/s", 1.0, b));
    // (c) 100,000 items page by page
    let c = rates(
        "c",
        1,
        ROUNDS,
        || async {
            let n = client.list_cashouts().stream(PageOptions::new().page_size(100)).count().await;
            assert_eq!(n, total);
        },
        || async {
            assert_eq!(hand_walk::<HandCashout>(&http, &base, &auth).await, total);
        },
        || async {
            assert_eq!(hand_walk::<AllFieldsCashout>(&http, &base, &auth).await, total);
        },
    )
    .await;
    rows.push(("c", "items/s", total as f64, c));

    if profile().is_some() {
        return Ok(());
    }
    // Where the time of a page goes: the same page's bytes decoded alone, no HTTP.
    let page = http.get(format!("{base}/cashouts?limit=100")).send().await?.bytes().await?;
    let (mut typed, mut six, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..ROUNDS {
        typed.push(decode_rate(&page, 500, pspkit_decode));
        six.push(decode_rate(&page, 500, hand_decode::<Page<HandCashout>>));
        all.push(decode_rate(&page, 500, hand_decode::<Page<AllFieldsCashout>>));
    }
    let decode = serde_json::json!({
        "pspkit": median(typed),
        "hand": median(six),
        "hand_all_fields": median(all),
    });

    let rows: Vec<_> = rows
        .iter()
        .map(|(case, unit, per_call, r)| {
            serde_json::json!({
                "case": case,
                "unit": unit,
                "pspkit": r.pspkit * per_call,
                "hand": r.hand * per_call,
                "hand_all_fields": r.hand_all_fields * per_call,
                "ratio": r.ratio,
                "ratio_all_fields": r.ratio_all_fields,
            })
        })
        .collect();
    println!(
        "{}",
        serde_json::json!({"items": total, "page_bytes": server.page_bytes, "rows": rows, "decode_pages_per_s": decode})
    );
    Ok(())
}
