//! The generated public API of each provider, committed as an insta snapshot: a spec edit
//! changes the snapshot, and the test fails until the change is reviewed and accepted
//! (`just review`).

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
