//! Generates the OnlyOnePays client from the spec the crate carries (`onlyonepays.yaml`, the workspace's
//! `specs/onlyonepays.yaml`) on every spec change.
fn main() {
    pspkit_codegen::build("onlyonepays.yaml");
}
