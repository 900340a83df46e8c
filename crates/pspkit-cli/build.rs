//! Generates the command table and the dispatch of every operation from the specs, so a spec
//! edit changes the CLI on the next build.

fn main() {
    pspkit_codegen::cli::build(&[
        "../../specs/onlyonepays.yaml",
        "../../specs/firekassa.yaml",
        "../../specs/firstpay.yaml",
        "../../specs/onepay.yaml",
        "../../specs/onchainpay.yaml",
    ]);
}
