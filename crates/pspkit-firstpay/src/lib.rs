//! Typed client for FirstPay (pay-ins and payouts with RSA-signed request bodies).
//!
//! Generated at build time from `specs/firstpay.yaml` by `pspkit-codegen` (progenitor); this file
//! only includes the generated module. Money decodes exactly ([`pspkit::DecimalString`],
//! [`pspkit::DecimalNumber`]), enums are open (unknown values decode to `Unknown(raw)`), and
//! responses tolerate unknown fields and `null` strings.

/// The generated client and types (never edited by hand: change the spec instead).
#[allow(missing_docs, unused_imports, clippy::all, clippy::pedantic)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/generated.rs"));
}

pub use generated::*;
