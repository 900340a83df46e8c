#!/usr/bin/env bash
# Measures (1) a clean dev build of the whole workspace and (2) the rebuild after editing one
# spec (an operation's summary in specs/onepay.yaml, put back afterwards), on this machine. Uses a
# separate target dir so the shared one is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${BUILD_TIMES_TARGET:-target/build-times}
rm -rf "$target"
cargo fetch --locked >/dev/null
start=$(date +%s.%N)
CARGO_TARGET_DIR=$target cargo build --workspace --locked --quiet
clean=$(echo "$(date +%s.%N) - $start" | bc)
cp specs/onepay.yaml "$target/onepay.yaml.orig"
trap 'cp "$target/onepay.yaml.orig" specs/onepay.yaml' EXIT
# a real edit: the generated docs (Rust and Python) change, so the client and the module rebuild
sed -i '0,/^      summary: /s//      summary: (edited) /' specs/onepay.yaml
git --no-pager diff --stat -- specs/onepay.yaml >&2
start=$(date +%s.%N)
CARGO_TARGET_DIR=$target cargo build --workspace --locked --quiet
rebuild=$(echo "$(date +%s.%N) - $start" | bc)
printf 'machine: %s cores, %s\n' "$(nproc)" "$(rustc --version)"
printf 'clean build of the workspace (cargo build --workspace): %.1f s\n' "$clean"
printf 'rebuild after editing specs/onepay.yaml:             %.1f s\n' "$rebuild"
