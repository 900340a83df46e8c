//! `sandbox-bench`: how fast the sandbox starts and how many list-page requests per second it
//! answers on loopback. Run it with `just bench-sandbox` (release build).
//!
//! ```text
//! sandbox-bench [--seconds N] [--connections N] [--binary PATH]
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str, default: &str| -> String {
        args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned().unwrap_or_else(|| default.to_owned())
    };
    let seconds: u64 = arg("--seconds", "5").parse().unwrap_or(5);
    let connections: usize = arg("--connections", "32").parse().unwrap_or(32);
    let binary = arg("--binary", "target/release/pspkit-sandbox");

    // 1. start-up: spawn the binary, wait until it answers
    let startup = startup_time(&binary);

    // 2. throughput: an in-process sandbox, many keep-alive connections asking for one list page
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("runtime");
    let (rps, errors, p50) = runtime.block_on(throughput(seconds, connections));

    println!("machine: {} cores", std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
    match startup {
        Some(d) => {
            println!("start-up of the sandbox binary (spawn to first answer): {:.0} ms", d.as_secs_f64() * 1000.0)
        }
        None => println!("start-up: binary {binary} not found (build it with cargo build --release -p pspkit-sandbox)"),
    }
    println!(
        "throughput, GET /onepay/cashouts?page=1&limit=20 (authenticated, 20 items): {rps:.0} requests/s \
         over {seconds} s, {connections} connections, median latency {:.2} ms, {errors} errors",
        p50 * 1000.0
    );
}

fn startup_time(binary: &str) -> Option<Duration> {
    if !std::path::Path::new(binary).exists() {
        return None;
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0").ok()?.local_addr().ok()?.port();
    let started = Instant::now();
    let mut child = std::process::Command::new(binary)
        .args(["--port", &port.to_string()])
        .stdout(std::process::Stdio::null())
        .spawn()
        .ok()?;
    let mut answered = None;
    while started.elapsed() < Duration::from_secs(10) {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /_sandbox/health HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n");
            let mut buf = String::new();
            if stream.read_to_string(&mut buf).is_ok() && buf.contains("200") {
                answered = Some(started.elapsed());
                break;
            }
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.kill();
    let _ = child.wait();
    answered
}

async fn throughput(seconds: u64, connections: usize) -> (f64, u64, f64) {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config::default()).await.expect("sandbox");
    let url = format!("{}/cashouts?page=1&limit=20", sandbox.base_url("onepay"));
    let auth = format!("Bearer {}", sandbox.credentials().onepay_secret_key);
    let client = reqwest::Client::builder().pool_max_idle_per_host(connections).build().expect("client");
    let stop = Arc::new(AtomicBool::new(false));
    let done = Arc::new(AtomicU64::new(0));
    let errors = Arc::new(AtomicU64::new(0));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    // warm up the connections
    for _ in 0..connections {
        let _ = client.get(&url).header("authorization", &auth).send().await;
    }
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (client, url, auth) = (client.clone(), url.clone(), auth.clone());
        let (stop, done, errors, latencies) = (stop.clone(), done.clone(), errors.clone(), latencies.clone());
        tasks.push(tokio::spawn(async move {
            let mut mine = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                let ok = match client.get(&url).header("authorization", &auth).send().await {
                    Ok(r) => r.status().is_success() && r.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    done.fetch_add(1, Ordering::Relaxed);
                    mine.push(t.elapsed().as_secs_f64());
                } else {
                    errors.fetch_add(1, Ordering::Relaxed);
                }
            }
            latencies.lock().expect("latencies").extend(mine);
        }));
    }
    tokio::time::sleep(Duration::from_secs(seconds)).await;
    stop.store(true, Ordering::Relaxed);
    let elapsed = started.elapsed().as_secs_f64();
    for t in tasks {
        let _ = t.await;
    }
    let mut all = latencies.lock().expect("latencies").clone();
    all.sort_by(|a, b| a.total_cmp(b));
    let p50 = all.get(all.len() / 2).copied().unwrap_or(0.0);
    (done.load(Ordering::Relaxed) as f64 / elapsed, errors.load(Ordering::Relaxed), p50)
}
