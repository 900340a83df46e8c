//! pspkit-codegen: the one generator behind every pspkit provider crate.
//!
//! A provider crate's `build.rs` is one line, `pspkit_codegen::build("onepay.yaml")` (the spec
//! the crate carries), which runs the pipeline:
//!
//! 1. [`Spec::load`]: read the hand-written OpenAPI 3.0.3 spec;
//! 2. [`lint::lint`]: the project's rules (`specs/README.md`), including every spec shape
//!    progenitor is known to reject and the typed [`extensions`], reported as file + operation +
//!    rule;
//! 3. [`conventions::apply`]: open enums, exact money, the runtime-written nonce taken out;
//! 4. progenitor 0.15 generates the types and a positional client;
//! 5. [`model::Model::build`]: the one model of the provider, from the typed extensions and
//!    typify's type space;
//! 6. the renderers over the model: the runtime table and the typed client with one request
//!    builder per operation ([`runtime`], [`builders`]), a builder per request struct
//!    ([`request_builders`]), the normalized payments ([`normalize`]), the Python dispatch ([`python`]) and the reviewable snapshot of the
//!    generated API ([`summary::api_summary`]).
//!
//! This crate is a build-dependency only: users' binaries never link it.

pub mod builders;
pub mod cli;
pub mod conventions;
pub mod credentials;
pub mod generate;
pub mod lint;
pub mod model;
pub mod normalize;
pub mod problem;
pub mod python;
pub mod request_builders;
pub mod runtime;
pub mod spec;
pub mod stats;
pub mod summary;

pub use generate::{GENERATED_MODULE, Generated, build, generate};
pub use problem::{Error, Problem};
/// The typed `x-*` extensions (their own crate: the sandbox reads the same types).
pub use pspkit_extensions as extensions;
pub use spec::Spec;
