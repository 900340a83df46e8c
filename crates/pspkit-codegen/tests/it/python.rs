//! The generated Python layer follows the spec: a spec edit changes the Python API, its stubs and
//! the native dispatch on the next build, with no hand edits.

use serde_json::json;

use crate::{base, spec_of};

fn python_of(doc: &serde_json::Value) -> pspkit_codegen::python::Python {
    let spec = spec_of(doc);
    let model = pspkit_codegen::generate::model(&spec).expect("the fixture generates");
    pspkit_codegen::python::generate(&spec, &model)
}

#[test]
fn operations_are_grouped_by_tag_with_keyword_arguments_from_the_spec() {
    let py = python_of(&base());
    assert!(py.stub.contains("class FixturePay(_r.Client):"), "{}", py.stub);
    assert!(py.stub.contains("class AsyncFixturePay(_r.AsyncClient):"));
    assert!(py.stub.contains("    def payments(self) -> _Payments:"));
    // body fields flattened, required first, the idempotency header as `idempotency_key`
    assert!(
        py.stub.contains(
            "    def create(self, *, amount: Decimal | int | str, idempotency_key: str | None = None, \
             reference: str | None = None, timeout: float | None = None, extra_headers: Mapping[str, str] | None = None, \
             extra_query: Mapping[str, str] | None = None, extra_body: Mapping[str, Any] | None = None) -> Payment:"
        ),
        "{}",
        py.stub
    );
    assert!(py.stub.contains("    async def create(self, *, amount: Decimal | int | str,"));
    // paging arguments are the walk's own: not arguments of `list_all`
    assert!(py.stub.contains(
        "    def list_all(self, *, status: ListPaymentsStatus | str | None = None, page_size: int | None = None, \
         max_items: int | None = None, timeout: float | None = None, extra_headers: Mapping[str, str] | None = None, \
         extra_query: Mapping[str, str] | None = None, extra_body: Mapping[str, Any] | None = None) \
         -> _r.Pager[Payment]:"
    ));
    assert!(py.stub.contains("class PaymentStatus(_r.OpenEnum):"));
    // fields are read-only properties in the stub, as at runtime
    assert!(py.stub.contains("    @property\n    def amount(self) -> Decimal:"));
    assert!(py.stub.contains("    @property\n    def created_at(self) -> _dt.datetime | None:"));
    assert!(py.module.contains("_r.define(Payment, {"));
    let dispatch = py.dispatch.to_string();
    assert!(dispatch.contains("\"create_payment\" =>") && dispatch.contains("\"list_payments\" =>"));
}

#[test]
fn a_spec_edit_changes_the_module_the_stub_and_the_dispatch() {
    let before = python_of(&base());
    let mut doc = base();
    doc["paths"]["/payments"]["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"]["note"] =
        json!({"type": "string", "description": "A note for the payer."});
    doc["tags"].as_array_mut().expect("tags").push(json!({"name": "Refunds", "description": "Refunds."}));
    doc["paths"]["/refunds"] = json!({"post": {
        "operationId": "createRefund", "summary": "Refund a payment.", "tags": ["Refunds"],
        "x-source": "inferred", "x-retry": "unsafe",
        "responses": {"200": {"description": "Done.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Payment"}}}}}
    }});
    let after = python_of(&doc);
    assert!(!before.stub.contains("note: str | None = None"));
    assert!(
        after.stub.contains("reference: str | None = None, note: str | None = None, timeout: float | None = None")
            || after
                .stub
                .contains("note: str | None = None, reference: str | None = None, timeout: float | None = None")
    );
    assert!(after.module.contains("note=note"));
    assert!(after.stub.contains("    def refunds(self) -> _Refunds:"));
    assert!(after.dispatch.to_string().contains("\"create_refund\" =>"));
}
