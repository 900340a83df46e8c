//! pspkit-codegen: the one generator behind every pspkit provider crate.
//!
//! A provider crate's `build.rs` is one line, `pspkit_codegen::build("../../specs/onepay.yaml")`,
//! which runs the pipeline:
//!
//! 1. [`Spec::load`]: read the hand-written OpenAPI 3.0.3 spec;
//! 2. [`lint::lint`]: the project's rules (`specs/README.md`), including every spec shape
//!    progenitor is known to reject, reported as file + operation + rule;
//! 3. [`conventions::apply`]: open enums, exact money, lenient responses;
//! 4. progenitor 0.15 generates the client, and the open enums are added to its `types` module.
//!
//! The same loaded model serves the spec tests ([`stats`]) and the reviewable snapshot of the
//! generated API ([`summary::api_summary`]). This crate is a build-dependency only: users'
//! binaries never link it.

pub mod conventions;
pub mod extensions;
pub mod generate;
pub mod lint;
pub mod paging;
pub mod problem;
pub mod python;
pub mod runtime;
pub mod spec;
pub mod stats;
pub mod summary;
pub mod syntax;

pub use generate::{GENERATED_MODULE, Generated, build, generate};
pub use problem::{Error, Problem};
pub use spec::Spec;
