//! `pspkit-sandbox`: serves the five provider APIs on 127.0.0.1 and prints their base URLs and
//! credentials.
//!
//! ```text
//! pspkit-sandbox [--port N] [--seed N] [--size N] [--webhook-url URL] [--fault-every N --faults 429,503,reset]
//! ```

use std::process::ExitCode;

use pspkit_sandbox::{Config, Fault, FaultPlan};

fn main() -> ExitCode {
    let mut config = Config { port: 8080, ..Config::default() };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).cloned().unwrap_or_default();
        match args[i].as_str() {
            "--port" => config.port = value.parse().unwrap_or(8080),
            "--seed" => config.seed = value.parse().unwrap_or(42),
            "--size" => config.seed_size = value.parse().unwrap_or(3000),
            "--webhook-url" => config.webhook_url = Some(value),
            "--fault-every" => config.faults.every = value.parse().unwrap_or(0),
            "--faults" => {
                config.faults =
                    FaultPlan { faults: value.split(',').filter_map(Fault::parse).collect(), ..config.faults.clone() }
            }
            "-h" | "--help" => {
                println!(
                    "usage: pspkit-sandbox [--port N] [--seed N] [--size N] [--webhook-url URL] [--fault-every N --faults 429,503,reset,...]"
                );
                return ExitCode::SUCCESS;
            }
            other => {
                eprintln!("unknown argument {other:?} (see --help)");
                return ExitCode::from(2);
            }
        }
        i += 2;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("tokio runtime");
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
