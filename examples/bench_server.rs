//! The fixed-response server of `just bench`, as a process for the Python benchmarks:
//! `bench_server --items 100000` prints `fixed server on <base URL> cashout <id> page-bytes <n>`
//! and serves until killed. See `fixed_server.rs`.

mod fixed_server;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut items = 100_000;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--items", Some(n)) => items = n.parse()?,
            _ => return Err(format!("usage: bench_server [--items N] (got {arg})").into()),
        }
    }
    let server = fixed_server::start(items).await?;
    println!("fixed server on {} cashout {} page-bytes {}", server.base_url, server.cashout_id, server.page_bytes);
    tokio::signal::ctrl_c().await?;
    Ok(())
}
