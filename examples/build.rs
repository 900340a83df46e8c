//! Extracts every ```rust block of the README into `$OUT_DIR/readme_blocks.rs`, one async
//! function each, for the `readme` example to run: a README example that stops compiling or
//! running fails the test command.

use std::fmt::Write as _;

fn main() {
    println!("cargo:rerun-if-changed=../README.md");
    let readme = std::fs::read_to_string("../README.md").expect("README.md next to the workspace's Cargo.toml");
    let mut out = String::new();
    let mut calls = String::new();
    let mut block: Option<(usize, String)> = None;
    let mut count = 0;
    for (number, line) in readme.lines().enumerate() {
        match &mut block {
            None if line.trim_start().starts_with("```rust") => block = Some((number + 1, String::new())),
            None => {}
            Some((start, code)) if line.trim_start().starts_with("```") => {
                count += 1;
                let _ = writeln!(
                    out,
                    "/// README.md line {start}.\n#[allow(unused_variables, unused_mut, unused_imports)]\n\
                     pub async fn block_{count}() -> Result<(), Box<dyn std::error::Error>> {{\n{code}\n    Ok(())\n}}\n"
                );
                let _ = writeln!(
                    calls,
                    "    block_{count}().await.map_err(|e| format!(\"the README's Rust block at line {start}: {{e}}\"))?;"
                );
                block = None;
            }
            Some((_, code)) => {
                code.push_str(line);
                code.push('\n');
            }
        }
    }
    let _ = writeln!(
        out,
        "/// Runs every block in README order; returns how many ran.\n\
         pub async fn run_all() -> Result<usize, Box<dyn std::error::Error>> {{\n{calls}    Ok({count})\n}}"
    );
    let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("readme_blocks.rs");
    std::fs::write(path, out).expect("write readme_blocks.rs");
}
