//! Generates `decode_example`, a table from (provider, operation) to the generated Rust types of
//! its responses, so the spec-example test can decode every example into the exact type the
//! client would, and `DECODERS`, every JSON response decoder of every provider as the client runs
//! it (`pspkit::decode_answer` with the operation's success and error types), for the fuzzer.

use std::fmt::Write as _;

use quote::ToTokens as _;

use pspkit_codegen::{Spec, generate, summary};

fn main() {
    let mut arms = String::new();
    let mut decoders = String::new();
    let mut calls = String::new();
    for provider in pspkit_tests_providers() {
        let path = format!("../specs/{provider}.yaml");
        println!("cargo:rerun-if-changed={path}");
        let spec = Spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
        // generated once, read by every table below
        let generated = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
        let krate = format!("pspkit_{provider}");
        for m in summary::response_types(&generated) {
            // A payload that is no JSON (nothing, a file) is never decoded: only its error
            // statuses are, so the success type does not matter.
            let json = |ty: &str| ty != "()" && !ty.contains("ByteStream");
            let (success, error) = (json(&m.success), json(&m.error));
            if success || error {
                let ty = |t: &String, ok| if ok { qualify(t, &krate) } else { "::serde::de::IgnoredAny".into() };
                let _ = writeln!(
                    decoders,
                    "    Decoder {{ provider: {provider:?}, operation: {:?}, success: {success}, error: {error}, \
                     decode: |status, headers, body| ::pspkit::decode_answer::<{}, {}>(&{krate}::SPEC, {:?}, status, headers, body).map(drop) }},",
                    m.method,
                    ty(&m.success, success),
                    ty(&m.error, error),
                    m.method
                );
            }
            for (kind, ty) in [("success", &m.success), ("error", &m.error)] {
                if !json(ty) {
                    continue;
                }
                let ty = qualify(ty, &krate);
                let _ =
                    writeln!(arms, "        ({provider:?}, {:?}, {kind:?}) => Some(decode::<{ty}>(json)),", m.method);
            }
        }
        conformance_calls(provider, &spec, &generated, &mut calls);
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
}

/// Appends to `conformance_calls.rs`, for one provider: every typed-client method that can be
/// called without a required argument (every argument optional; a body, if any, built from `{}`
/// at run time), as a function the conformance test runs against a mock of the spec.
fn conformance_calls(provider: &str, spec: &Spec, generated: &pspkit_codegen::Generated, code: &mut String) {
    let client_name = spec.doc.get("x-client-name").and_then(|n| n.as_str()).expect("x-client-name");
    let client = format!("pspkit_{provider}::{client_name}");
    let mut entries = String::new();
    let mut functions = String::new();
    for item in &generated.file.items {
        let syn::Item::Impl(imp) = item else { continue };
        let self_ty = &imp.self_ty;
        if imp.trait_.is_some() || quote::quote!(#self_ty).to_string() != client_name {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.asyncness.is_none() || f.sig.generics.type_params().next().is_some() {
                continue;
            }
            let mut args = Vec::new();
            let mut has_body = false;
            let callable = f.sig.inputs.iter().all(|arg| match arg {
                syn::FnArg::Receiver(_) => true,
                syn::FnArg::Typed(t) => {
                    let name = t.pat.to_token_stream().to_string();
                    let ty = t.ty.to_token_stream().to_string();
                    if ty.starts_with(":: core :: option :: Option") || ty.starts_with("Option") {
                        args.push("None".to_owned());
                        true
                    } else if name == "body" {
                        has_body = true;
                        args.push("&body".to_owned());
                        true
                    } else {
                        false
                    }
                }
            });
            if !callable {
                continue;
            }
            let method = f.sig.ident.to_string();
            let body = if has_body {
                "let Ok(body) = serde_json::from_value(serde_json::json!({})) else { return None };"
            } else {
                ""
            };
            let _ = writeln!(
                functions,
                "fn {provider}_{method}(c: &{client}) -> CallFuture<'_> {{\n    Box::pin(async move {{\n        {body}\n        Some(c.{method}({}).await.map(drop))\n    }})\n}}",
                args.join(", ")
            );
            let _ = writeln!(entries, "        ({method:?}, {provider}_{method}),");
        }
    }
    let _ = writeln!(
        code,
        "{functions}\n/// Every `{client_name}` method callable without a required argument.\n\
         pub fn {provider}_calls() -> Vec<(&'static str, Call<{client}>)> {{\n    vec![\n{entries}    ]\n}}\n"
    );
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
