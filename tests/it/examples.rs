//! Every response example of every spec decodes into the generated Rust type of its operation,
//! exactly as the client decodes a body (serde_json from bytes).

use heck::ToSnakeCase;
use pspkit_codegen::Spec;
use pspkit_tests::{PROVIDERS, decode_example, spec_path};
use serde_json::Value;

#[test]
fn every_response_example_decodes_into_the_generated_type() {
    let mut failures = Vec::new();
    for provider in PROVIDERS {
        let spec = Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"));
        let mut decoded = 0;
        for op in spec.operations() {
            if op.value.get("x-codegen-skip").is_some() {
                continue;
            }
            let id = op.id().expect("lint requires operationId");
            let method = id.to_snake_case();
            for (status, response) in op.value.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let response = spec.resolve(response).expect("responses resolve");
                let Some(media) = response.pointer("/content/application~1json") else {
                    continue;
                };
                let Some(example) = media.get("example") else {
                    if status.starts_with('2') {
                        failures.push(format!("{provider} {id} {status}: no example"));
                    }
                    continue;
                };
                let kind = if status.starts_with('2') { "success" } else { "error" };
                match decode_example(provider, &method, kind, &example.to_string()) {
                    Some(Ok(())) => decoded += 1,
                    Some(Err(e)) => failures.push(format!("{provider} {id} {status}: {e}")),
                    None => failures.push(format!("{provider} {id} {status}: no generated {kind} type for `{method}`")),
                }
            }
        }
        assert!(decoded >= spec.operations().len() / 2, "{provider}: only {decoded} examples decoded");
    }
    assert!(failures.is_empty(), "{} examples do not decode:\n{}", failures.len(), failures.join("\n"));
}
