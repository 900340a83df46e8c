//! Generates the OnePay client from the spec the crate carries (`onepay.yaml`, the workspace's
//! `specs/onepay.yaml`) on every spec change.
fn main() {
    pspkit_codegen::build("onepay.yaml");
}
