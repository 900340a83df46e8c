//! Generates the FireKassa client from the spec the crate carries (`firekassa.yaml`, the workspace's
//! `specs/firekassa.yaml`) on every spec change.
fn main() {
    pspkit_codegen::build("firekassa.yaml");
}
