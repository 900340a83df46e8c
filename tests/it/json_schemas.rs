//! Every generated struct derives `schemars::JsonSchema` (the provider crates' `schemars`
//! feature): for every component schema of every spec, the JSON Schema of the generated type has
//! the spec's properties (by wire name) and required set, and accepts every example the spec
//! gives for it. Run with `cargo test -p pspkit-tests --features schemars json_schemas`.
#![cfg(feature = "schemars")]

use std::collections::BTreeSet;

use pspkit_codegen::Spec;
use pspkit_tests::spec_path;
use serde_json::Value;

include!(concat!(env!("OUT_DIR"), "/json_schemas.rs"));

/// Property names of an object schema.
fn keys(schema: &Value) -> BTreeSet<String> {
    schema.get("properties").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k.clone()).collect()
}

fn required(schema: &Value) -> BTreeSet<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

#[test]
fn every_component_struct_matches_its_spec_schema() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for provider in pspkit_tests::PROVIDERS {
        let spec = Spec::load(spec_path(provider)).expect("the spec loads");
        // the signed nonce is written by the runtime on every attempt, never by the caller
        let nonce = spec.doc.pointer("/x-signing/nonce-field").and_then(Value::as_str).map(str::to_owned);
        for (p, name, schema_of) in component_schemas() {
            if p != provider {
                continue;
            }
            let component = &spec.doc["components"]["schemas"][name];
            let generated = schema_of();
            let mut spec_keys = keys(component);
            let nullable: BTreeSet<String> = spec_keys
                .iter()
                .filter(|k| {
                    let prop = &component["properties"][k.as_str()];
                    let prop = spec.resolve(prop).unwrap_or(prop);
                    prop.get("nullable").and_then(Value::as_bool) == Some(true)
                })
                .cloned()
                .collect();
            if let Some(nonce) = &nonce {
                spec_keys.remove(nonce);
            }
            if keys(&generated) != spec_keys {
                problems
                    .push(format!("{provider} {name}: properties {:?} vs the spec's {spec_keys:?}", keys(&generated)));
            }
            let mut spec_required: BTreeSet<String> = required(component).difference(&nullable).cloned().collect();
            if let Some(nonce) = &nonce {
                spec_required.remove(nonce);
            }
            if required(&generated) != spec_required {
                problems.push(format!(
                    "{provider} {name}: required {:?} vs the spec's {spec_required:?}",
                    required(&generated)
                ));
            }
            if let Some(example) = component.get("example") {
                let validator = jsonschema::validator_for(&generated).expect("the generated schema compiles");
                for error in validator.iter_errors(example).take(3) {
                    problems.push(format!("{provider} {name}: the spec's example is refused: {error}"));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 150, "only {checked} component schemas checked");
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}
