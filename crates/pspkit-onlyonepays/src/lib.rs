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

pub use generated::{OnlyOnePays, SPEC, builders, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`OnlyOnePays`] ([`OnlyOnePays::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl OnlyOnePays {
    /// A client for the default base URL with an API key (sent in the header the spec names).
    pub fn new(api_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::with_credentials(SPEC.default_base_url, Self::credentials(api_key))
    }

    /// A client from `PSPKIT_ONLYONEPAYS_API_KEY` (and `PSPKIT_ONLYONEPAYS_BASE_URL`, optional).
    pub fn from_env() -> Result<Self, Error> {
        let key = pspkit::auth::env_var("PSPKIT_ONLYONEPAYS_API_KEY")?;
        Self::with_credentials(&pspkit::auth::env_base_url(SPEC.name, SPEC.default_base_url), Self::credentials(key))
    }

    /// The credentials for an API key.
    pub fn credentials(api_key: impl Into<SecretString>) -> Credentials {
        Credentials::ApiKey { header: SPEC.api_key_header.unwrap_or("X-API-Key"), key: api_key.into() }
    }
}
