//! Generates the Python layer from the specs: the native dispatch (`OUT_DIR/dispatch.rs`) and the
//! provider modules and stubs (`pspkit/<provider>.py`, `.pyi`), so a spec edit changes the Python
//! API on the next build.

fn main() {
    pspkit_codegen::python::build(
        &[
            "../specs/onlyonepays.yaml",
            "../specs/firekassa.yaml",
            "../specs/firstpay.yaml",
            "../specs/onepay.yaml",
            "../specs/onchainpay.yaml",
        ],
        "pspkit",
    );
}
