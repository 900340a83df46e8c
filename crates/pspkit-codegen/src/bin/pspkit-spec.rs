//! `pspkit-spec`: maintainer commands over the specs.
//!
//! - `pspkit-spec stats specs/*.yaml`: operations per spec and per `x-source` (Markdown table);
//! - `pspkit-spec lint specs/*.yaml`: the generator's lint rules, without building;
//! - `pspkit-spec generate specs/onepay.yaml`: print the generated Rust module;
//! - `pspkit-spec extensions-schema`: print the JSON Schema of the project's `x-*` extensions
//!   (committed as `specs/extensions.schema.json`).

use std::process::ExitCode;

use pspkit_codegen::{Spec, extensions, generate, lint, stats};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some((command, files)) = args.split_first() else {
        eprintln!("usage: pspkit-spec <stats|lint|generate> <spec.yaml>... | extensions-schema");
        return ExitCode::from(2);
    };
    if command == "extensions-schema" {
        let schema = serde_json::to_string_pretty(&extensions::json_schema()).expect("a JSON value prints");
        println!("{schema}");
        return ExitCode::SUCCESS;
    }
    let mut failed = false;
    let mut rows = Vec::new();
    for file in files {
        let spec = match Spec::load(file) {
            Ok(spec) => spec,
            Err(e) => {
                eprint!("{e}");
                failed = true;
                continue;
            }
        };
        match command.as_str() {
            "stats" => {
                let name = std::path::Path::new(file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default();
                rows.push((name, stats::stats(&spec)));
            }
            "lint" => match lint::lint(&spec) {
                Ok(()) => println!("{file}: clean"),
                Err(e) => {
                    eprint!("{e}");
                    failed = true;
                }
            },
            "generate" => match generate(&spec) {
                Ok(g) => print!("{}", g.source),
                Err(e) => {
                    eprint!("{e}");
                    failed = true;
                }
            },
            other => {
                eprintln!("unknown command {other:?}; expected stats, lint or generate");
                return ExitCode::from(2);
            }
        }
    }
    if command == "stats" {
        print!("{}", stats::table(&rows));
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
