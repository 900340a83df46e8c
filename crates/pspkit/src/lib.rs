//! pspkit: the shared runtime of every pspkit provider client.
//!
//! The provider crates (`pspkit-onepay`, `pspkit-onchainpay`, ...) are generated from
//! hand-written OpenAPI specs; the types they use for money, identifiers, timestamps and
//! provider enums live here, so that every provider decodes them the same way:
//!
//! - [`DecimalString`] and [`DecimalNumber`]: exact money, decoded from the JSON text of a
//!   string or a number, never through `f64`;
//! - [`Id`]: an identifier that some responses send as a string and others as a number;
//! - [`Timestamp`]: a date-time in any of the spellings the providers use;
//! - [`open_enum!`]: enums that keep values the provider added after pspkit was released;
//! - [`normalized`]: one payment record that every provider's lists map to.

pub mod auth;
pub mod client;
pub mod date;
pub mod error;
pub mod id;
pub mod money;
pub mod normalized;
pub mod open_enum;
pub mod operation;
pub mod paginate;
pub mod request;
pub mod retry;
#[cfg(feature = "schemars")]
pub mod schema;
pub mod secret;
pub mod signing;
pub mod timestamp;
pub mod validate;
pub mod webhooks;

pub use auth::Credentials;
pub use client::{
    CallOptions, Context, Payload, Response, Sending, call_stream_with, call_with, decode_answer, exec, send,
    time_limit,
};
pub use date::Date;
pub use error::{ApiError, DecodeError, Error, FieldError};
pub use id::Id;
pub use money::{Decimal, DecimalNumber, DecimalString};
pub use operation::{Envelope, ErrorFields, OperationSpec, Pagination, PaginationStyle, ProviderSpec, RetryClass};
pub use retry::RetryPolicy;
pub use secret::{SecretString, Sensitive};
pub use timestamp::Timestamp;

/// Installs rustls' ring crypto provider as the process default, unless one is installed.
///
/// pspkit builds reqwest on rustls without a built-in provider (aws-lc doubles a clean build);
/// every generated `Client::new` calls this first, so users never have to. Call it yourself
/// before building your own `reqwest::Client` for `Client::new_with_client`.
pub fn install_crypto_provider() {
    // An error only means a provider is already installed, which is what we want.
    let _ = rustls::crypto::ring::default_provider().install_default();
}

#[doc(hidden)]
pub mod __private {
    //! Re-exports used by the code that [`open_enum!`](crate::open_enum!) expands to.
    pub use serde;

    /// Deserializes a JSON string through `parse` without copying it when the input can lend it
    /// (a body read whole, as the clients read them): statuses and timestamps are in every item
    /// of every page, and a `String` per field was a measurable part of decoding one.
    pub fn from_str_with<'de, D, T>(
        deserializer: D,
        expecting: &'static str,
        parse: fn(&str) -> Result<T, String>,
    ) -> Result<T, D::Error>
    where
        D: serde::Deserializer<'de>,
    {
        struct Text<T> {
            expecting: &'static str,
            parse: fn(&str) -> Result<T, String>,
        }
        impl<T> serde::de::Visitor<'_> for Text<T> {
            type Value = T;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.expecting)
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<T, E> {
                (self.parse)(text).map_err(E::custom)
            }
        }
        deserializer.deserialize_str(Text { expecting, parse })
    }
}
