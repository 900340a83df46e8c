//! Typed client for OnlyOnePays Aggregator API (fiat pay-ins and payouts, balances, operation look-ups).
//!
//! Generated at build time from the spec the crate carries (`onlyonepays.yaml`, the workspace's
//! `specs/onlyonepays.yaml`) by `pspkit-codegen` (progenitor). This file
//! holds only what is specific to the provider: how its credentials are given. Everything else
//! (signing, retries, the error type) comes from the `pspkit` runtime, driven by the spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pspkit::Error> {
//! let client = pspkit_onlyonepays::OnlyOnePays::new("api-key")?;
//! let request = pspkit_onlyonepays::types::SearchOperationsRequest::default();
//! let page = client.search_operations(request).send().await?;
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

pub use generated::{Keys, OnlyOnePays, SPEC, builders, normalize, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`OnlyOnePays`] ([`OnlyOnePays::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl OnlyOnePays {
    /// A client for the spec's server with the aggregator's API key.
    pub fn new(api_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::from_keys(SPEC.default_base_url, Keys { api_key: api_key.into() })
    }

    /// A client for `base_url` with these keys (the one place that says how they authenticate).
    pub fn from_keys(base_url: &str, keys: Keys) -> Result<Self, Error> {
        let header = SPEC.api_key_header.unwrap_or("X-API-Key");
        Self::with_credentials(base_url, Credentials::ApiKey { header, key: keys.api_key })
    }
}
