//! Typed client for OnChainPay (crypto orders, invoices, addresses, withdrawals, swaps; merchant and partner APIs).
//!
//! Generated at build time from the spec the crate carries (`onchainpay.yaml`, the workspace's
//! `specs/onchainpay.yaml`) by `pspkit-codegen` (progenitor). This file
//! holds only what is specific to the provider: how its credentials are given. Everything else
//! (signing, retries, the error type) comes from the `pspkit` runtime, driven by the spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pspkit::Error> {
//! let client = pspkit_onchainpay::OnChainPay::new("public-key", "secret-key")?;
//! let currencies = client.get_available_currencies().send().await?;
//! # Ok(()) }
//! ```

/// The generated client and types (never edited by hand: change the spec instead).
// Spec prose ("[doc]", "[inferred]", URLs) is not intra-doc link syntax.
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
#[allow(
    rustdoc::broken_intra_doc_links,
    rustdoc::bare_urls,
    rustdoc::invalid_html_tags,
    rustdoc::invalid_rust_codeblocks
)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use generated::{Keys, OnChainPay, SPEC, builders, normalize, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`OnChainPay`] ([`OnChainPay::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl OnChainPay {
    /// A client for `https://ocp.onchainpay.io` with an API key pair; every request body gets a
    /// fresh `nonce` and the HMAC-SHA256 `x-api-signature`.
    pub fn new(public_key: &str, secret_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::from_keys(
            SPEC.default_base_url,
            Keys { public_key: public_key.to_owned(), secret_key: secret_key.into() },
        )
    }

    /// A client for `base_url` with these keys (the one place that says how they sign).
    pub fn from_keys(base_url: &str, keys: Keys) -> Result<Self, Error> {
        Self::with_credentials(
            base_url,
            Credentials::OnChainPay { public_key: keys.public_key, secret_key: keys.secret_key },
        )
    }
}
