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

pub use generated::{OnePay, SPEC, builders, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`OnePay`] ([`OnePay::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl OnePay {
    /// A client for `https://api.onepay.la/v1` with a secret key (`sk_test_…` or `sk_live_…`).
    pub fn new(secret_key: impl Into<SecretString>) -> Result<Self, Error> {
        Self::with_credentials(
            SPEC.default_base_url,
            Credentials::Bearer { token: secret_key.into(), sign_token: None },
        )
    }

    /// A client from `PSPKIT_ONEPAY_SECRET_KEY` (and `PSPKIT_ONEPAY_BASE_URL`, optional).
    pub fn from_env() -> Result<Self, Error> {
        let key = pspkit::auth::env_var("PSPKIT_ONEPAY_SECRET_KEY")?;
        Self::with_credentials(
            &pspkit::auth::env_base_url(SPEC.name, SPEC.default_base_url),
            Credentials::Bearer { token: key.into(), sign_token: None },
        )
    }
}
