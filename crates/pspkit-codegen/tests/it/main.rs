//! pspkit-codegen through its public API: the lint rules, the conventions, and the build-script
//! entry point failing with a message instead of a backtrace.

mod build_script;
mod conventions;
mod extensions;
mod lint;
mod model;
mod python;

use std::path::PathBuf;

use pspkit_codegen::Spec;
use serde_json::Value;

/// Path of a fixture spec.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The good fixture spec, as a JSON value to break one rule at a time.
pub fn base() -> Value {
    Spec::load(fixture("payments.yaml")).expect("fixture loads").doc
}

/// A spec from a (modified) document, named like a file for messages.
pub fn spec_of(doc: &Value) -> Spec {
    Spec::from_str("specs/fixture.yaml", &serde_json::to_string(doc).expect("serializes")).expect("parses")
}
