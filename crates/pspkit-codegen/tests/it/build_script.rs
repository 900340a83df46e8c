//! `pspkit_codegen::build`, the function every provider's `build.rs` calls, run in a child
//! process exactly as cargo runs a build script: a broken spec ends the build with status 1 and
//! a message naming the file, the operation and the rule, and never with a panic or backtrace.

use std::process::Command;

use crate::fixture;

const CHILD: &str = "PSPKIT_CODEGEN_TEST_BUILD_SPEC";

/// In the child process (env var set) this behaves as a build script; in the parent it is a
/// no-op test.
#[test]
fn child_build_script() {
    if let Ok(spec) = std::env::var(CHILD) {
        pspkit_codegen::build(&spec);
    }
}

fn run_build(spec: &std::path::Path) -> (Option<i32>, String, String, std::path::PathBuf) {
    let out_dir = std::env::temp_dir().join(format!(
        "pspkit-codegen-test-{}-{}",
        std::process::id(),
        spec.file_stem().unwrap().to_string_lossy()
    ));
    std::fs::create_dir_all(&out_dir).expect("temp OUT_DIR");
    let output = Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "build_script::child_build_script", "--nocapture", "--test-threads=1"])
        .env(CHILD, spec)
        .env("OUT_DIR", &out_dir)
        .env("RUST_BACKTRACE", "1")
        .output()
        .expect("run child");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
        out_dir,
    )
}

#[test]
fn broken_spec_fails_the_build_naming_file_operation_and_rule() {
    let spec = fixture("two-success-schemas.yaml");
    let (code, stdout, stderr, _) = run_build(&spec);
    assert_eq!(code, Some(1), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let expected = format!("{}: operation createPayment: [one-success-response]", spec.display());
    assert!(stderr.contains(&expected), "stderr lacks {expected:?}:\n{stderr}");
    assert!(stdout.contains(&format!("cargo::error={expected}")), "stdout:\n{stdout}");
    assert!(!stderr.contains("panicked") && !stderr.contains("stack backtrace"), "{stderr}");
}

#[test]
fn good_spec_writes_the_generated_module_and_watches_the_spec() {
    let spec = fixture("payments.yaml");
    let (code, stdout, stderr, out_dir) = run_build(&spec);
    assert_eq!(code, Some(0), "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains(&format!("cargo:rerun-if-changed={}", spec.display())), "{stdout}");
    let generated = std::fs::read_to_string(out_dir.join("generated.rs")).expect("generated.rs written");
    assert!(generated.contains("pub async fn create_payment"), "{generated}");
    assert!(generated.contains("::pspkit::install_crypto_provider();"));
}
