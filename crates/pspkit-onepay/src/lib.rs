//! Typed client for OnePay, Colombia (api.onepay.la: customers, accounts, charges, cashouts).
//!
//! Generated at build time from the spec the crate carries (`onepay.yaml`, the workspace's
//! `specs/onepay.yaml`) by `pspkit-codegen` (progenitor). This file
//! holds only what is specific to the provider: how its credentials are given. Everything else
//! (signing, retries, the error type) comes from the `pspkit` runtime, driven by the spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pspkit::Error> {
//! let client = pspkit_onepay::OnePay::new("sk_test_...")?;
//! let page = client.list_cashouts().send().await?;
//! for cashout in &page.data {
//!     println!("{:?} {:?}", cashout.amount, cashout.status);
//! }
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

pub use generated::{Keys, OnePay, SPEC, builders, normalize, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`OnePay`] ([`OnePay::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl OnePay {
    /// A client for `https://api.onepay.la` with a secret key (`sk_test_…` or `sk_live_…`).
    pub fn new(secret_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::from_keys(SPEC.default_base_url, Keys { secret_key: secret_key.into() })
    }

    /// A client for `base_url` with these keys (the one place that says how they authenticate).
    pub fn from_keys(base_url: &str, keys: Keys) -> Result<Self, Error> {
        Self::with_credentials(base_url, Credentials::Bearer { token: keys.secret_key, sign_token: None })
    }
}
