//! The generated public API of each provider, committed as an insta snapshot: a spec edit
//! changes the snapshot, and the test fails until the change is reviewed and accepted
//! (`just review`). Beside each API, the retry class and idempotency header of every operation as
//! the compiled client carries them (`SPEC`), so a change to what may be retried is reviewed too.

use pspkit_codegen::{Spec, generate, summary};
use pspkit_tests::spec_path;

fn api_of(provider: &str) -> String {
    let spec = Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"));
    let generated = generate(&spec).unwrap_or_else(|e| panic!("{e}"));
    summary::api_summary(&generated)
}

macro_rules! snapshot_tests {
    ($($provider:ident),*) => {$(
        #[test]
        fn $provider() {
            insta::assert_snapshot!(concat!("api_", stringify!($provider)), api_of(stringify!($provider)));
        }
    )*};
}

snapshot_tests!(onlyonepays, firekassa, firstpay, onepay, onchainpay);

/// The Python API of each provider: method names (one rule for every provider), keyword
/// arguments and return types, so a rename shows in review like a Rust change.
fn python_api_of(provider: &str) -> String {
    let spec = Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"));
    let model = pspkit_codegen::generate::model(&spec).unwrap_or_else(|e| panic!("{e}"));
    pspkit_codegen::python::api_summary(&model)
}

mod python {
    macro_rules! python_snapshot_tests {
        ($($provider:ident),*) => {$(
            #[test]
            fn $provider() {
                insta::assert_snapshot!(concat!("python_api_", stringify!($provider)), super::python_api_of(stringify!($provider)));
            }
        )*};
    }

    python_snapshot_tests!(onlyonepays, firekassa, firstpay, onepay, onchainpay);
}

/// One line per operation: method, path, the retry class the runtime follows and the header it
/// deduplicates by, read from the compiled client's `SPEC` (what actually runs, not the YAML).
fn retry_table(spec: &pspkit::ProviderSpec) -> String {
    let mut rows: Vec<String> = spec
        .operations
        .iter()
        .map(|op| {
            let class = match op.retry {
                pspkit::RetryClass::Safe => "safe",
                pspkit::RetryClass::Idempotent => "idempotent",
                pspkit::RetryClass::Unsafe => "unsafe",
            };
            let key = op.idempotency_header.unwrap_or("-");
            format!("{:<44} {:<10} {:<20} {} {}", op.name, class, key, op.method, op.path)
        })
        .collect();
    rows.sort();
    format!("{:<44} {:<10} {:<20} request\n{}\n", "operation", "retry", "idempotency header", rows.join("\n"))
}

macro_rules! retry_snapshot_tests {
    ($($provider:ident => $krate:ident),*) => {$(
        #[test]
        fn $krate() {
            insta::assert_snapshot!(concat!("retry_", stringify!($provider)), retry_table(&$krate::SPEC));
        }
    )*};
}

retry_snapshot_tests!(
    onlyonepays => pspkit_onlyonepays,
    firekassa => pspkit_firekassa,
    firstpay => pspkit_firstpay,
    onepay => pspkit_onepay,
    onchainpay => pspkit_onchainpay
);
