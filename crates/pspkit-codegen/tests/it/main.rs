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

/// An `x-normalize` that fits the fixture's list of payments, with the keys of `extra` replaced.
pub fn fitting_normalize(extra: Value) -> Value {
    let mut n = serde_json::json!({
        "x-source": "inferred", "direction": "in", "id": "id",
        "amount": {"field": "amount", "unit": "major", "x-source": "doc"},
        "currency": {"default": "COP", "x-source": "doc"},
        "status": {"field": "status", "map": {"new": "pending", "paid": "succeeded", "failed": "failed"}, "x-source": "doc"},
        "created": "created_at",
    });
    for (k, v) in extra.as_object().expect("an object") {
        n[k] = v.clone();
    }
    n
}
