#!/usr/bin/env bash
# `cargo package` (with its verification build) for every publishable crate.
#
# Cargo verifies each crate against the others through a local registry of the packed crates,
# and treats what comes from a registry as immutable: a copy it unpacked (under CARGO_HOME) or
# built (in the target dir) on an earlier run, of the same version, is reused even though the
# crate has changed since. So the verification runs in a target dir of its own, where every
# pspkit crate is a packed copy, and our crates' unpacked and built copies from earlier runs are
# removed first (only the local registries' `-<hash>` directories; nothing from crates.io).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}/package-check"
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/pspkit-*
rm -rf "$target"/debug/.fingerprint/pspkit-* "$target"/debug/build/pspkit-* "$target"/debug/deps/*pspkit*
cd "$root"
CARGO_TARGET_DIR="$target" CARGO_PROFILE_DEV_DEBUG=false cargo package -q --locked --allow-dirty \
    -p pspkit -p pspkit-extensions -p pspkit-codegen \
    -p pspkit-onlyonepays -p pspkit-firekassa -p pspkit-firstpay -p pspkit-onepay -p pspkit-onchainpay \
    -p pspkit-reconcile
