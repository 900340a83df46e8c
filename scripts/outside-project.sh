#!/usr/bin/env bash
# A new cargo project outside the workspace that depends on pspkit-onepay by path (and on the
# sandbox, to have something to talk to) and builds and runs the project's OnePay example: proof
# that the provider crate stands on its own (it carries its spec; nothing reads the workspace's
# files).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
dir="$target/outside-project"
rm -rf "$dir"
mkdir -p "$dir"
# the project's own OnePay example, built as the outside project's binary
cat > "$dir/Cargo.toml" <<TOML
[package]
name = "outside-project"
version = "0.1.0"
edition = "2024"
publish = false

[[bin]]
name = "onepay"
path = "$root/examples/onepay.rs"

[dependencies]
pspkit = { path = "$root/crates/pspkit" }
pspkit-onepay = { path = "$root/crates/pspkit-onepay" }
pspkit-sandbox = { path = "$root/crates/pspkit-sandbox" }
futures-util = "0.3"
tokio = { version = "1", features = ["rt-multi-thread", "macros"] }

# not part of the pspkit workspace, wherever the directory is
[workspace]
TOML
# the workspace's lock file, so the outside project builds the same versions (and reuses them)
cp "$root/Cargo.lock" "$dir/Cargo.lock"
cd "$dir"
# no debug info, like the workspace's dependencies, so they are reused rather than rebuilt
CARGO_TARGET_DIR="$target" CARGO_PROFILE_DEV_DEBUG=false cargo run -q
