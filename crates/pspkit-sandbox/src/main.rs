//! `pspkit-sandbox`: serves the five provider APIs on 127.0.0.1 and prints their base URLs and
//! credentials.
//!
//! ```text
//! pspkit-sandbox [--port N] [--seed N] [--size N] [--webhook-url URL] [--fault-every N --faults 429,503,reset]
//! ```

use std::process::ExitCode;

use clap::Parser;
use pspkit_sandbox::{Config, Fault, FaultPlan};

/// A local, stateful emulator of OnlyOnePays, FireKassa, FirstPay, OnePay and OnChainPay.
#[derive(Parser, Debug)]
#[command(name = "pspkit-sandbox", version)]
struct Args {
    /// TCP port on 127.0.0.1 (0: any free port; the first line printed says which).
    #[arg(long, default_value_t = 8080)]
    port: u16,
    /// Seed of the generated data set.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Objects per seeded kind.
    #[arg(long, default_value_t = 3000)]
    size: usize,
    /// Where webhooks and postbacks go (`<url>/<provider>`).
    #[arg(long)]
    webhook_url: Option<String>,
    /// Inject a fault on every N-th provider request (0: never).
    #[arg(long, default_value_t = 0)]
    fault_every: u64,
    /// The faults injected in turn: 429[:secs], 500, 502, 503, 504, reset, reset-mid-body,
    /// delay:<ms>, truncate, html, content-type.
    #[arg(long, value_delimiter = ',', value_parser = parse_fault)]
    faults: Vec<Fault>,
}

fn parse_fault(text: &str) -> Result<Fault, String> {
    Fault::parse(text).ok_or_else(|| format!("unknown fault {text:?}"))
}

fn main() -> ExitCode {
    // a bad value is an error with usage (exit 2), never a silent default
    let args = Args::parse();
    let config = Config {
        port: args.port,
        seed: args.seed,
        seed_size: args.size,
        webhook_url: args.webhook_url,
        faults: FaultPlan { every: args.fault_every, faults: args.faults },
        ..Config::default()
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot start the tokio runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        let sandbox = match pspkit_sandbox::start(config).await {
            Ok(s) => s,
            Err(e) => {
                eprintln!("cannot start the sandbox: {e}");
                return ExitCode::FAILURE;
            }
        };
        print!("{}", sandbox.describe());
        use std::io::Write as _;
        let _ = std::io::stdout().flush();
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::SUCCESS
    })
}
