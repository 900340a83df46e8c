//! Typed client for FireKassa API v2 (RUB/UAH card, SBP, wallet and USDT deposits and withdrawals).
//!
//! Generated at build time from the spec the crate carries (`firekassa.yaml`, the workspace's
//! `specs/firekassa.yaml`) by `pspkit-codegen` (progenitor). This file
//! holds only what is specific to the provider: how its credentials are given. Everything else
//! (signing, retries, the error type) comes from the `pspkit` runtime, driven by the spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pspkit::Error> {
//! let client = pspkit_firekassa::FireKassa::new_signed("https://admin.vanilapay.com", "bearer-token", "sign-token")?;
//! let balance = client.get_balance().send().await?;
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

pub use generated::{FireKassa, Keys, SPEC, builders, normalize, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`FireKassa`] ([`FireKassa::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl FireKassa {
    /// A client for the merchant's host with the site's API Bearer Token, for a site without an
    /// API Sign Token (requests are not signed).
    pub fn new(base_url: &str, token: impl Into<SecretString>) -> Result<Self, Error> {
        Self::from_keys(base_url, Keys { token: token.into(), sign_token: None })
    }

    /// A client for the merchant's host with the site's API Bearer Token and its API Sign Token:
    /// every request carries the HMAC-SHA512 `Signature` header.
    pub fn new_signed(
        base_url: &str,
        token: impl Into<SecretString>,
        sign_token: impl Into<SecretString>,
    ) -> Result<Self, Error> {
        Self::from_keys(base_url, Keys { token: token.into(), sign_token: Some(sign_token.into()) })
    }

    /// A client for the merchant's host with these keys: the bearer token and, when given, the
    /// sign token (the one place that says how they authenticate).
    pub fn from_keys(base_url: &str, keys: Keys) -> Result<Self, Error> {
        Self::with_credentials(base_url, Credentials::Bearer { token: keys.token, sign_token: keys.sign_token })
    }
}
