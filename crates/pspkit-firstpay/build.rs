//! Generates the FirstPay client from the spec the crate carries (`firstpay.yaml`, the workspace's
//! `specs/firstpay.yaml`) on every spec change.
fn main() {
    pspkit_codegen::build("firstpay.yaml");
}
