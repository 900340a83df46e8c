//! Generates the OnChainPay client from the spec the crate carries (`onchainpay.yaml`, the workspace's
//! `specs/onchainpay.yaml`) on every spec change.
fn main() {
    pspkit_codegen::build("onchainpay.yaml");
}
