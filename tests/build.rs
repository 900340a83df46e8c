//! Generates `decode_example`, a table from (provider, operation) to the generated Rust types of
//! its responses, so the spec-example test can decode every example into the exact type the
//! client would, and `DECODERS`, every JSON response decoder of every provider as the client runs
//! it (`pspkit::decode_answer` with the operation's success type), for the fuzzer.
//! Both read the types from the generator's model, which types each payload as progenitor does.

use std::fmt::Write as _;

use pspkit_codegen::generate::model;
use pspkit_codegen::model::{Kind, Model, RustType};
use pspkit_codegen::{Spec, summary};

fn main() {
    let mut arms = String::new();
    let mut decoders = String::new();
    let mut calls = String::new();
    let mut schemas = String::new();
    for provider in pspkit_tests_providers() {
        let path = format!("../specs/{provider}.yaml");
        println!("cargo:rerun-if-changed={path}");
        let spec = Spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
        // built once, read by every table below
        let model = model(&spec).unwrap_or_else(|e| panic!("{e}"));
        let krate = format!("pspkit_{provider}");
        for op in &model.operations {
            // A payload that is no JSON (nothing, a file) is never decoded: only its error
            // statuses are, so the success type does not matter.
            let json = |ty: &RustType| !matches!(ty.kind, Kind::Unit | Kind::Bytes);
            let (success, error) = (json(&op.success), json(&op.error));
            // spelled as the API summary spells types (`Vec<...>`, `String`), so both read alike
            let rust = |ty: &RustType| qualify(&summary::short(&ty.tokens), &krate);
            if success || error {
                let ty = |t, ok| if ok { rust(t) } else { "::serde::de::IgnoredAny".into() };
                let _ = writeln!(
                    decoders,
                    "    Decoder {{ provider: {provider:?}, operation: {:?}, success: {success}, error: {error}, \
                     decode: |status, headers, body| ::pspkit::decode_answer::<{}>(&{krate}::SPEC, {:?}, status, headers, body).map(drop) }},",
                    op.name,
                    ty(&op.success, success),
                    op.name
                );
            }
            for (kind, ty) in [("success", &op.success), ("error", &op.error)] {
                if !json(ty) {
                    continue;
                }
                let ty = rust(ty);
                let _ =
                    writeln!(arms, "        ({provider:?}, {:?}, {kind:?}) => Some(decode::<{ty}>(json)),", op.name);
            }
        }
        conformance_calls(provider, &model, &mut calls);
        json_schemas(provider, &spec, &model, &mut schemas);
    }
    let code = format!(
        "/// Decodes `json` into the generated type of `provider`'s `operation` response (`kind` is\n\
         /// `success` or `error`); `None` when the operation has no JSON body of that kind.\n\
         pub fn decode_example(provider: &str, operation: &str, kind: &str, json: &str) -> Option<Result<(), String>> {{\n\
         \x20   match (provider, operation, kind) {{\n{arms}        _ => None,\n    }}\n}}\n"
    );
    let code = format!(
        "{code}\n/// Every JSON response decoder of every provider, as the client runs it.\n\
         pub const DECODERS: &[Decoder] = &[\n{decoders}];\n"
    );
    let out_dir = std::path::PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    std::fs::write(out_dir.join("examples_table.rs"), code).expect("write examples_table.rs");
    std::fs::write(out_dir.join("conformance_calls.rs"), calls).expect("write conformance_calls.rs");
    let schemas = format!(
        "/// Every component schema with a generated struct: (provider, component, schemars schema).\n\
         pub fn component_schemas() -> Vec<(&'static str, &'static str, fn() -> ::serde_json::Value)> {{\n    vec![\n{schemas}    ]\n}}\n"
    );
    std::fs::write(out_dir.join("json_schemas.rs"), schemas).expect("write json_schemas.rs");
}

/// Appends to `conformance_calls.rs`, for one provider: every operation that can be called
/// without a required parameter (a body, if any, from its builder with nothing set, skipped at run
/// time when the body has required fields), as a function the conformance test runs against a
/// mock of the spec.
fn conformance_calls(provider: &str, model: &Model, code: &mut String) {
    let client_name = &model.provider.client_name;
    let client = format!("pspkit_{provider}::{client_name}");
    let mut entries = String::new();
    let mut functions = String::new();
    for op in &model.operations {
        if op.params.iter().any(|p| p.required) {
            continue;
        }
        let method = &op.name;
        let is_struct = |tokens: &str| {
            let name = tokens.strip_prefix("types::").unwrap_or("");
            model.types.get(name).is_some_and(|t| matches!(t.shape, pspkit_codegen::model::Shape::Struct(_)))
        };
        let (body, arg) = match &op.body {
            // a union has no empty value: nothing to send without arguments
            Some(b) if b.ty.tokens.starts_with("types::") && !is_struct(&b.ty.tokens) => continue,
            Some(b) if b.ty.tokens.starts_with("types::") => (
                format!("let Ok(body) = pspkit_{provider}::{}::builder().build() else {{ return None }};", b.ty.tokens),
                "body",
            ),
            Some(_) => ("let body = Default::default();".to_owned(), "body"),
            None => (String::new(), ""),
        };
        let _ = writeln!(
            functions,
            "fn {provider}_{method}(c: &{client}) -> CallFuture<'_> {{\n    Box::pin(async move {{\n        {body}\n        Some(c.{method}({arg}).send().await.map(drop))\n    }})\n}}"
        );
        let _ = writeln!(entries, "        ({method:?}, {provider}_{method}),");
    }
    let _ = writeln!(
        code,
        "{functions}\n/// Every `{client_name}` operation callable without a required parameter.\n\
         pub fn {provider}_calls() -> Vec<(&'static str, Call<{client}>)> {{\n    vec![\n{entries}    ]\n}}\n"
    );
}

/// Appends, for one provider, every component schema the generator made a struct of, with the
/// schemars schema of that struct.
fn json_schemas(provider: &str, spec: &Spec, model: &Model, code: &mut String) {
    let components = spec.doc.pointer("/components/schemas").and_then(|s| s.as_object());
    for name in components.into_iter().flatten().map(|(name, _)| name) {
        let is_struct =
            model.types.get(name).is_some_and(|t| matches!(t.shape, pspkit_codegen::model::Shape::Struct(_)));
        if is_struct {
            let _ = writeln!(
                code,
                "        ({provider:?}, {name:?}, || ::serde_json::to_value(::schemars::schema_for!(pspkit_{provider}::types::{name})).expect(\"a schema serializes\")),"
            );
        }
    }
}

fn pspkit_tests_providers() -> [&'static str; 5] {
    ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"]
}

/// `types::Cashout` -> `pspkit_onepay::types::Cashout`, also inside generics.
fn qualify(ty: &str, krate: &str) -> String {
    let mut out = String::new();
    let mut rest = ty;
    while let Some(i) = rest.find("types::") {
        let boundary = i == 0 || !rest[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':');
        out.push_str(&rest[..i]);
        if boundary {
            out.push_str(krate);
            out.push_str("::");
        }
        out.push_str("types::");
        rest = &rest[i + "types::".len()..];
    }
    out.push_str(rest);
    out
}
