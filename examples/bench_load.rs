//! `just bench`'s load generator: how many requests a second the fixed-response server answers
//! with several connections busy at once, to show that the server is not what limits the clients
//! measured against it. `bench_load <url> [--connections 8] [--seconds 3]` prints
//! `{"url": ..., "connections": ..., "requests_per_s": ...}`; every answer must be a 200 whose
//! body is read whole.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: bench_load <url> [--connections N] [--seconds S]")?;
    let (mut connections, mut seconds) = (8usize, 3.0f64);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--connections", Some(n)) => connections = n.parse()?,
            ("--seconds", Some(s)) => seconds = s.parse()?,
            _ => return Err(format!("unknown argument {arg:?}").into()),
        }
    }
    pspkit::install_crypto_provider();
    let http = reqwest::Client::builder().pool_max_idle_per_host(connections).build()?;
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    // one request per connection first, so the timed part has every connection open
    let mut workers = Vec::new();
    for _ in 0..connections {
        let (http, url, done, stop) = (http.clone(), url.clone(), done.clone(), stop.clone());
        workers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let response = http.get(&url).send().await.map_err(|e| e.to_string())?;
                if !response.status().is_success() {
                    return Err(format!("{url}: HTTP {}", response.status()));
                }
                response.bytes().await.map_err(|e| e.to_string())?;
                done.fetch_add(1, Ordering::Relaxed);
            }
            Ok(())
        }));
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (start_count, started) = (done.load(Ordering::Relaxed), Instant::now());
    tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
    let (end_count, elapsed) = (done.load(Ordering::Relaxed), started.elapsed());
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.await??;
    }
    let rate = (end_count - start_count) as f64 / elapsed.as_secs_f64();
    println!("{}", serde_json::json!({"url": url, "connections": connections, "requests_per_s": rate}));
    Ok(())
}
