//! Typed client for FirstPay (pay-ins and payouts with RSA-signed request bodies).
//!
//! Generated at build time from the spec the crate carries (`firstpay.yaml`, the workspace's
//! `specs/firstpay.yaml`) by `pspkit-codegen` (progenitor). This file
//! holds only what is specific to the provider: how its credentials are given. Everything else
//! (signing, retries, the error type) comes from the `pspkit` runtime, driven by the spec.
//!
//! ```no_run
//! # async fn demo() -> Result<(), pspkit::Error> {
//! let client = pspkit_firstpay::FirstPay::from_env()?;
//! let request = pspkit_firstpay::types::PaymentsListRequest::builder()
//!     .created_at_from(1_700_000_000_000_i64)
//!     .created_at_to(1_700_086_400_000_i64)
//!     .take(100)
//!     .build()?;
//! let page = client.list_payments(request).send().await?;
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

pub use generated::{FirstPay, Keys, SPEC, builders, normalize, types};
pub use pspkit::paginate::PageOptions;

/// progenitor's low-level client under [`FirstPay`] ([`FirstPay::raw`]): positional methods returning
/// progenitor's `ResponseValue` and `Error`, signed and retried the same way.
pub mod raw {
    pub use super::generated::Client;
}
pub use pspkit::{Credentials, Decimal, Error, Response, RetryPolicy, SecretString};

impl FirstPay {
    /// A client for the merchant's host: FirstPay's public key (PEM, sent as `publicKey`) and the
    /// merchant's RSA private key (PEM, PKCS#8 or PKCS#1) that signs every body into `hash`.
    pub fn new(base_url: &str, firstpay_public_key_pem: &str, merchant_private_key_pem: &str) -> Result<Self, Error> {
        let keys =
            Keys { public_key: firstpay_public_key_pem.to_owned(), private_key: merchant_private_key_pem.into() };
        Self::from_keys(base_url, keys)
    }

    /// A client for the merchant's host with these keys (the one place that says how they sign).
    pub fn from_keys(base_url: &str, keys: Keys) -> Result<Self, Error> {
        let private_key = pspkit::signing::RsaSigningKey::from_pem(keys.private_key.expose())?;
        Self::with_credentials(
            base_url,
            Credentials::FirstPay {
                public_key_pem: keys.public_key,
                private_key: std::sync::Arc::new(private_key),
                string_to_sign: pspkit::signing::firstpay_string_to_sign,
            },
        )
    }
}
