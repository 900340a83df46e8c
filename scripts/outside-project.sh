#!/usr/bin/env bash
# A new cargo project outside the workspace that depends on pspkit-onepay by path (and on the
# sandbox, to have something to talk to), builds, and runs: proof that the provider crate stands
# on its own (it carries its spec; nothing reads the workspace's files).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
dir="$target/outside-project"
rm -rf "$dir"
mkdir -p "$dir/src"
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "outside-project"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
pspkit-onepay = { path = "$root/crates/pspkit-onepay" }
pspkit-sandbox = { path = "$root/crates/pspkit-sandbox" }
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

# not part of the pspkit workspace, wherever the directory is
[workspace]
TOML
cat > "$dir/src/main.rs" <<'RUST'
use pspkit_onepay::{OnePay, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 20, ..Default::default() }).await?;
    let client =
        OnePay::new(sandbox.credentials().onepay_secret_key.as_str())?.with_base_url(&sandbox.base_url("onepay"));
    let request = types::CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(150_000)
        .currency("COP")
        .customer_id("cus-1")
        .method(types::CashoutMethod::Ach)
        .build()?;
    let created = client.create_cashout(request).idempotency_key("outside-1").send_with_response().await?;
    let page = client.list_cashouts().limit(5).send().await?;
    println!(
        "outside project: created cashout {:?} (HTTP {}), listed {} of the sandbox's cashouts",
        created.value.id, created.status, page.data.len()
    );
    Ok(())
}
RUST
# the workspace's lock file, so the outside project builds the same versions (and reuses them)
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cd "$dir"
# no debug info, like the workspace's dependencies, so they are reused rather than rebuilt
CARGO_TARGET_DIR="$target" CARGO_PROFILE_DEV_DEBUG=false cargo run -q
