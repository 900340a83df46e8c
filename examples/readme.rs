//! Runs every ```rust block of the README (extracted by `build.rs`) against an in-process
//! sandbox; `python/tests/test_readme.py` runs it and checks that every block ran.
//!
//! The README's blocks read credentials from the environment (`OnePay::from_env()`), as a user's
//! program would: this program starts the sandbox, then runs itself again with `PSPKIT_ONEPAY_*`
//! pointing at it.

use std::process::{Command, ExitCode};

mod readme {
    include!(concat!(env!("OUT_DIR"), "/readme_blocks.rs"));
}

#[tokio::main]
async fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    if std::env::var_os("PSPKIT_ONEPAY_BASE_URL").is_some() {
        let ran = readme::run_all().await?;
        println!("ran {ran} README Rust blocks");
        return Ok(ExitCode::SUCCESS);
    }
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 300, ..Default::default() }).await?;
    let mut again = Command::new(std::env::current_exe()?);
    again
        .env("PSPKIT_ONEPAY_SECRET_KEY", &sandbox.credentials().onepay_secret_key)
        .env("PSPKIT_ONEPAY_BASE_URL", sandbox.base_url("onepay"));
    let status = tokio::task::spawn_blocking(move || again.status()).await??;
    Ok(if status.success() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}
