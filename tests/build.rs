//! Generates `decode_example`, a table from (provider, operation) to the generated Rust types of
//! its responses, so the spec-example test can decode every example into the exact type the
//! client would, and `DECODERS`, every JSON response decoder of every provider as the client runs
//! it (`pspkit::decode_answer` with the operation's success and error types), for the fuzzer.

use std::fmt::Write as _;

use pspkit_codegen::{Spec, generate, summary};

fn main() {
    let mut arms = String::new();
    let mut decoders = String::new();
    for provider in pspkit_tests_providers() {
        let path = format!("../specs/{provider}.yaml");
        println!("cargo:rerun-if-changed={path}");
        let spec = Spec::load(&path).unwrap_or_else(|e| panic!("{e}"));
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
                if ty == "()" || ty.contains("ByteStream") {
                    continue;
                }
                let ty = qualify(ty, &krate);
                let _ =
                    writeln!(arms, "        ({provider:?}, {:?}, {kind:?}) => Some(decode::<{ty}>(json)),", m.method);
            }
        }
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
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("examples_table.rs");
    std::fs::write(out, code).expect("write examples_table.rs");
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
