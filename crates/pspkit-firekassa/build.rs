//! Generates the FireKassa client from the spec on every spec change.
fn main() {
    pspkit_codegen::build("../../specs/firekassa.yaml");
}
