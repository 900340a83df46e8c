//! Examples of pspkit: see `reconcile.rs` (`cargo run -p pspkit-examples --example reconcile`).
