//! The generator's model, built from the five real specs and from the fixture spec with one edit
//! each: each kind of field and parameter is recognised, wire and Rust names are paired, the
//! extensions arrive typed, types and operations carry the docs of the generated Rust, and every
//! operation agrees with the positional method progenitor generates from the same spec.

use pspkit_codegen::model::{Kind, Model, Place, Shape};
use pspkit_codegen::{Spec, generate, summary};
use quote::ToTokens;
use serde_json::json;

fn model_of(provider: &str) -> (Model, pspkit_codegen::Generated) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../specs/{provider}.yaml"));
    let spec = Spec::load(path).expect("the spec loads");
    let generated = generate(&spec).expect("the spec generates");
    (generated.model.clone(), generated)
}

fn field<'m>(model: &'m Model, ty: &str, wire: &str) -> &'m pspkit_codegen::model::Field {
    let Shape::Struct(fields) = &model.types[ty].shape else { panic!("{ty} is not a struct") };
    fields.iter().find(|f| f.wire == wire).unwrap_or_else(|| panic!("{ty} has no field {wire}"))
}

/// The kind under any `Option`.
fn inner(kind: &Kind) -> &Kind {
    match kind {
        Kind::Optional(k) => inner(k),
        k => k,
    }
}

#[test]
fn money_id_timestamp_and_open_enum_fields() {
    let (onepay, _) = model_of("onepay");
    assert_eq!(inner(&field(&onepay, "Cashout", "amount").ty.kind), &Kind::Money);
    assert_eq!(inner(&field(&onepay, "Cashout", "created_at").ty.kind), &Kind::Timestamp);
    assert_eq!(inner(&field(&onepay, "Cashout", "status").ty.kind), &Kind::OpenEnum("CashoutStatus".into()));
    let (onlyonepays, _) = model_of("onlyonepays");
    assert_eq!(inner(&field(&onlyonepays, "Operation", "id").ty.kind), &Kind::Id);
}

#[test]
fn dates_text_integers_and_booleans() {
    let (onepay, _) = model_of("onepay");
    assert_eq!(inner(&field(&onepay, "Customer", "birthdate").ty.kind), &Kind::Date);
    assert_eq!(inner(&field(&onepay, "Cashout", "customer_id").ty.kind), &Kind::Text);
    assert_eq!(inner(&field(&onepay, "Cashout", "is_test").ty.kind), &Kind::Bool);
    assert!(matches!(inner(&field(&onepay, "CashoutList", "per_page").ty.kind), Kind::Integer { .. }));
}

#[test]
fn lists_and_nested_structs() {
    let (onepay, _) = model_of("onepay");
    let data = field(&onepay, "CashoutList", "data");
    assert_eq!(inner(&data.ty.kind), &Kind::List(Box::new(Kind::Named("Cashout".into()))));
}

#[test]
fn wire_and_rust_names_are_paired() {
    let (firstpay, _) = model_of("firstpay");
    let f = field(&firstpay, "PaymentsListRequest", "createdAtFrom");
    assert_eq!(f.rust, "created_at_from");
}

#[test]
fn required_fields_are_not_options() {
    let (onepay, _) = model_of("onepay");
    let Shape::Struct(fields) = &onepay.types["CreateCashoutRequest"].shape else { panic!() };
    let required: Vec<&str> = fields.iter().filter(|f| f.required).map(|f| f.wire.as_str()).collect();
    assert!(!required.is_empty(), "a cashout request has required fields");
    for f in fields.iter().filter(|f| f.required) {
        assert!(!matches!(f.ty.kind, Kind::Optional(_)), "{} is required but optional in Rust", f.wire);
    }
}

#[test]
fn parameters_places_and_idempotency_header() {
    let (onepay, _) = model_of("onepay");
    let create = onepay.operation("create_cashout").expect("create_cashout");
    let key = create.params.iter().find(|p| p.idempotency).expect("the idempotency header is a parameter");
    assert_eq!((key.place, key.required), (Place::Header, false));
    assert_eq!(create.idempotency_header(), Some("x-idempotency"));
    let list = onepay.operation("list_cashouts").expect("list_cashouts");
    let limit = list.params.iter().find(|p| p.wire == "limit").expect("limit");
    assert_eq!((limit.place, &limit.ty.kind), (Place::Query, &Kind::Integer { positive: true }));
    let get = onepay.operation("get_cashout").expect("get_cashout");
    assert_eq!((get.params[0].place, get.params[0].required), (Place::Path, true));
}

#[test]
fn extensions_arrive_typed() {
    let (onchainpay, _) = model_of("onchainpay");
    let op = onchainpay.operation("create_auto_swap").expect("create_auto_swap");
    assert_eq!(op.ext.require_one_of, [["amountFrom", "amountTo"]]);
    let orders = onchainpay.operation("list_orders").expect("list_orders");
    assert_eq!(orders.pagination().map(|p| p.style.as_str()), Some("offset"));
    let (firekassa, _) = model_of("firekassa");
    assert!(matches!(
        firekassa.provider.signing,
        Some(pspkit_codegen::extensions::Signing::FireKassaHmacSha512 { .. })
    ));
    assert_eq!(onchainpay.provider.client_name, "OnChainPay");
}

/// progenitor's positional methods: the `async fn`s of the generated `Client`.
fn client_methods(generated: &pspkit_codegen::Generated) -> Vec<&syn::ImplItemFn> {
    generated
        .file
        .items
        .iter()
        .filter_map(|i| match i {
            syn::Item::Impl(imp) if imp.trait_.is_none() && imp.self_ty.to_token_stream().to_string() == "Client" => {
                Some(imp)
            }
            _ => None,
        })
        .flat_map(|imp| imp.items.iter())
        .filter_map(|i| match i {
            syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
            _ => None,
        })
        .collect()
}

/// The type arguments of a path type: `[A, B]` for `X<A, B>`.
fn type_args(ty: &syn::Type) -> Vec<&syn::Type> {
    let syn::Type::Path(p) = ty else { return Vec::new() };
    let Some(syn::PathArguments::AngleBracketed(args)) = p.path.segments.last().map(|s| &s.arguments) else {
        return Vec::new();
    };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t),
            _ => None,
        })
        .collect()
}

/// `(S, E)` of a method returning `Result<ResponseValue<S>, Error<E>>`, spelled as the model
/// spells types: without spaces, open enums as `types::X` (progenitor names the replacement by
/// its path in the provider crate) and the byte stream by its full path (progenitor's `use`
/// brings it in scope).
fn response_types(f: &syn::ImplItemFn) -> (String, String) {
    let syn::ReturnType::Type(_, result) = &f.sig.output else { panic!("{} returns nothing", f.sig.ident) };
    let inner = |wrapper: &syn::Type| {
        let ty = type_args(wrapper).first().copied().unwrap_or_else(|| panic!("{}: {result:?}", f.sig.ident));
        let text = ty.to_token_stream().to_string().replace(' ', "");
        let text = text.replace("crate::generated::types::", "types::");
        if text == "ByteStream" { "::progenitor_client::ByteStream".to_owned() } else { text }
    };
    match type_args(result)[..] {
        [success, error] => (inner(success), inner(error)),
        _ => panic!("{} does not return a Result<ResponseValue<_>, Error<_>>", f.sig.ident),
    }
}

/// Every operation of the model is the positional method progenitor generated: the same name,
/// the same arguments in the same order, the required ones not `Option`, the same success and
/// error payload types.
#[test]
fn every_operation_agrees_with_progenitor() {
    for provider in ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"] {
        let (model, generated) = model_of(provider);
        let methods = client_methods(&generated);
        assert_eq!(methods.len(), model.operations.len(), "{provider}: one model operation per method");
        for op in &model.operations {
            let f =
                methods.iter().find(|f| f.sig.ident == op.name).unwrap_or_else(|| panic!("{provider}: {}", op.name));
            let model_types = (op.success.tokens.replace(' ', ""), op.error.tokens.replace(' ', ""));
            assert_eq!(model_types, response_types(f), "{provider} {}: (success, error)", op.name);
            let args: Vec<(String, String)> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(t) => {
                        Some((t.pat.to_token_stream().to_string(), t.ty.to_token_stream().to_string().replace(' ', "")))
                    }
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            let expected: Vec<String> =
                op.params.iter().map(|p| p.rust.clone()).chain(op.body.iter().map(|_| "body".into())).collect();
            let names: Vec<String> = args.iter().map(|(n, _)| n.clone()).collect();
            assert_eq!(names, expected, "{provider} {}", op.name);
            for (p, (_, ty)) in op.params.iter().zip(&args) {
                let optional = ty.starts_with("Option<") || ty.starts_with("::std::option::Option<");
                assert_eq!(!optional, p.required, "{provider} {} {}: {ty}", op.name, p.rust);
                let last = p.ty.tokens.rsplit("::").next().unwrap_or_default().trim_end_matches('>');
                let same = ty.contains(last) || (last == "String" && ty.contains("str"));
                assert!(same, "{provider} {} {}: model {} vs {ty}", op.name, p.rust, p.ty.tokens);
            }
        }
    }
}

/// The fixture spec after `edit`, generated.
fn fixture_generated(edit: impl FnOnce(&mut serde_json::Value)) -> pspkit_codegen::Generated {
    let mut doc = crate::base();
    edit(&mut doc);
    generate(&crate::spec_of(&doc)).expect("the fixture generates")
}

/// The model of the fixture spec after `edit`.
fn fixture_model(edit: impl FnOnce(&mut serde_json::Value)) -> Model {
    fixture_generated(edit).model
}

#[test]
fn types_carry_the_doc_of_the_generated_type() {
    let model = fixture_model(|doc| {
        doc["components"]["schemas"]["PaymentPage"]["description"] = json!("One page of payments.");
        doc["paths"]["/payments"]["post"]["requestBody"]["content"]["application/json"]["schema"]["description"] =
            json!("What a payment is created from.");
    });
    assert_eq!(model.types["PaymentPage"].doc, "One page of payments.");
    // an inline body is documented from its own schema
    assert_eq!(model.types["CreatePaymentBody"].doc, "What a payment is created from.");
    // without a description, the stand-ins the generated Rust carries
    assert_eq!(model.types["Payment"].doc, "`Payment`");
    assert_eq!(model.types["PaymentStatus"].doc, "Where the payment is.");
    assert_eq!(model.types["ListPaymentsStatus"].doc, "`ListPaymentsStatus`: one of the values below, or `Unknown`.");
}

#[test]
fn inline_structs_pair_wire_and_rust_names() {
    let model = fixture_model(|doc| {
        let body = &mut doc["paths"]["/payments"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        body["properties"]["merchantRef"] = json!({"type": "string", "description": "The shop's order."});
        doc["components"]["schemas"]["Payment"]["properties"]["payer"] = json!({
            "type": "object", "description": "Who paid.", "x-source": "inferred",
            "properties": {"fullName": {"type": "string", "description": "As on the card.", "x-source": "inferred"}}
        });
    });
    assert_eq!(field(&model, "CreatePaymentBody", "merchantRef").rust, "merchant_ref");
    assert_eq!(field(&model, "PaymentPayer", "fullName").rust, "full_name");
    assert_eq!(model.types["PaymentPayer"].doc, "Who paid.");
}

#[test]
fn newtypes_name_the_type_they_wrap() {
    let model = fixture_model(|doc| {
        doc["components"]["schemas"]["Metadata"] = json!({"type": "object", "description": "Anything the shop keeps."});
        let body = &mut doc["paths"]["/payments"]["post"]["requestBody"]["content"]["application/json"]["schema"];
        body["properties"]["metadata"] = json!({"$ref": "#/components/schemas/Metadata"});
    });
    // request schemas keep their bounds: typify checks them in a newtype
    let Shape::Newtype(reference) = &model.types["CreatePaymentBodyReference"].shape else {
        panic!("a bounded string is a newtype")
    };
    assert_eq!((reference.tokens.as_str(), &reference.kind), ("::std::string::String", &Kind::Text));
    let Shape::Newtype(metadata) = &model.types["Metadata"].shape else { panic!("a free-form object is a newtype") };
    assert_eq!(metadata.kind, Kind::Map(Box::new(Kind::Other)));
    assert_eq!(model.types["Metadata"].doc, "Anything the shop keeps.");
}

#[test]
fn maps_have_the_kind_of_their_values() {
    let model = fixture_model(|doc| {
        doc["components"]["schemas"]["Payment"]["properties"]["labels"] = json!({
            "type": "object", "additionalProperties": {"type": "string"},
            "description": "Labels.", "x-source": "inferred"
        });
    });
    assert_eq!(field(&model, "Payment", "labels").ty.kind, Kind::Map(Box::new(Kind::Text)));
}

#[test]
fn byte_streams_and_empty_answers_have_kinds_of_their_own() {
    let model = fixture_model(|doc| {
        doc["paths"]["/payments/{id}/receipt"] = json!({"get": {
            "operationId": "getReceipt", "summary": "The receipt.", "tags": ["Payments"],
            "x-source": "doc", "x-retry": "safe",
            "parameters": [{"name": "id", "in": "path", "required": true, "description": "Payment id.", "schema": {"type": "string"}}],
            "responses": {"200": {"description": "The file.", "content": {"application/octet-stream": {
                "schema": {"type": "string", "format": "binary"}}}}}
        }});
        doc["paths"]["/payments/{id}/cancel"] = json!({"post": {
            "operationId": "cancelPayment", "summary": "Cancel it.", "tags": ["Payments"],
            "x-source": "doc", "x-retry": "unsafe",
            "parameters": [{"name": "id", "in": "path", "required": true, "description": "Payment id.", "schema": {"type": "string"}}],
            "responses": {"204": {"description": "Cancelled."}}
        }});
    });
    let receipt = model.operation("get_receipt").expect("get_receipt");
    assert_eq!((&receipt.success.kind, receipt.streams), (&Kind::Bytes, true));
    assert_eq!(model.operation("cancel_payment").expect("cancel_payment").success.kind, Kind::Unit);
    assert_eq!(model.operation("create_payment").expect("create_payment").success.kind, Kind::Named("Payment".into()));
}

/// Each shape of error response gets the type progenitor's `Error<E>` has: the shared schema,
/// `()` without a body, bytes for a body that is not JSON, and an inline schema named like an
/// inline success payload would be (progenitor suggests `{operationId}-response` for both).
#[test]
fn error_payloads_are_typed_as_progenitor_types_them() {
    let generated = fixture_generated(|doc| {
        let action = |id: &str, error: serde_json::Value| {
            json!({"post": {
                "operationId": id, "summary": "Act.", "tags": ["Payments"], "x-source": "doc", "x-retry": "unsafe",
                "responses": {"204": {"description": "Done."}, "4XX": error}
            }})
        };
        doc["paths"]["/refunds"] = action("createRefund", json!({"description": "Refused."}));
        doc["paths"]["/exports"] = action(
            "createExport",
            json!({"description": "Refused.", "content": {"text/plain": {"schema": {"type": "string"}}}}),
        );
        doc["paths"]["/holds"] = action(
            "createHold",
            json!({"description": "Refused.", "content": {"application/json": {"schema": {
                "type": "object",
                "properties": {"reason": {"type": "string", "description": "Why.", "x-source": "inferred"}}
            }}}}),
        );
    });
    let model = &generated.model;
    let error = |name: &str| model.operation(name).unwrap_or_else(|| panic!("{name}")).error.kind.clone();
    assert_eq!(error("create_payment"), Kind::Named("Error".into()));
    assert_eq!(error("create_refund"), Kind::Unit);
    assert_eq!(error("create_export"), Kind::Bytes);
    assert_eq!(error("create_hold"), Kind::Named("CreateHoldResponse".into()));
    for f in client_methods(&generated) {
        let op = model.operation(&f.sig.ident.to_string()).expect("an operation per method");
        let model_types = (op.success.tokens.replace(' ', ""), op.error.tokens.replace(' ', ""));
        assert_eq!(model_types, response_types(f), "{}: (success, error)", op.name);
    }
}

#[test]
fn field_flags_say_what_must_be_given_and_what_is_sent_as_null() {
    let model = fixture_model(|doc| {
        let payment = &mut doc["components"]["schemas"]["Payment"];
        payment["properties"]["settled_at"] =
            json!({"type": "string", "nullable": true, "description": "Null until settled.", "x-source": "doc"});
        payment["required"].as_array_mut().expect("required").push(json!("settled_at"));
    });
    let flags = |wire: &str| {
        let f = field(&model, "Payment", wire);
        (f.must_be_given(), f.sends_null())
    };
    assert_eq!(flags("id"), (true, false), "required");
    assert_eq!(flags("settled_at"), (false, true), "required and nullable: always on the wire");
    assert_eq!(flags("created_at"), (false, false), "optional: left out when absent");
    assert_eq!(flags("failure"), (false, false), "optional and nullable: left out when absent");
}

#[test]
fn operation_doc_is_the_methods_doc() {
    let model = fixture_model(|doc| {
        doc["paths"]["/payments"]["post"]["requestBody"]["description"] = json!("The payment.");
        doc["paths"]["/payments"]["post"]["description"] = json!("Charges the payer.");
    });
    let create = model.operation("create_payment").expect("create_payment");
    assert_eq!(create.body.as_ref().and_then(|b| b.description.as_deref()), Some("The payment."));
    assert_eq!(
        create.doc,
        "Create a payment\n\nCharges the payer.\n\nSends a `POST` request to `/payments`\n\n\
         Arguments:\n- `idempotency_key`: Deduplication key.\n- `body`: The payment.\n"
    );
}

/// The doc of every operation is the doc comment of progenitor's method.
#[test]
fn every_operation_doc_agrees_with_progenitor() {
    for provider in ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"] {
        let (model, generated) = model_of(provider);
        let docs: Vec<(String, String)> = generated
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Impl(imp) if imp.trait_.is_none() => Some(imp),
                _ => None,
            })
            .flat_map(|imp| imp.items.iter())
            .filter_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
                _ => None,
            })
            .filter_map(|f| {
                let doc = f.attrs.iter().find_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                })?;
                Some((f.sig.ident.to_string(), doc))
            })
            .collect();
        for op in &model.operations {
            let (_, doc) = docs.iter().find(|(name, _)| *name == op.name).unwrap_or_else(|| panic!("{}", op.name));
            assert_eq!(&op.doc, doc, "{provider} {}", op.name);
        }
    }
}

#[test]
fn page_item_is_the_kind_of_one_item() {
    let model = fixture_model(|_| {});
    let list = model.operation("list_payments").expect("list_payments");
    assert_eq!(model.page_item(list), Some(&Kind::Named("Payment".into())));
    assert_eq!(model.page_item(model.operation("create_payment").expect("create_payment")), None);
}

/// The fixture with `x-normalize` on its list, after `edit` of the mapping.
fn normalized_fixture(edit: impl FnOnce(&mut serde_json::Value)) -> Result<pspkit_codegen::Generated, String> {
    let mut doc = crate::base();
    let mut n = crate::fitting_normalize(json!({}));
    edit(&mut n);
    doc["paths"]["/payments"]["get"]["x-normalize"] = n;
    generate(&crate::spec_of(&doc)).map_err(|e| e.to_string())
}

#[test]
fn x_normalize_renders_a_mapping_and_refuses_one_that_does_not_fit() {
    let generated = normalized_fixture(|_| {}).expect("a fitting mapping generates");
    assert!(generated.source.contains("pub fn list_payments(item: &types::Payment) -> ::pspkit::normalized::Payment"));
    assert!(generated.source.contains("impl ::pspkit::normalized::PaymentSource for FixturePay"));
    assert!(summary::api_summary(&generated).contains("paid -> succeeded"));
    for (edit, expected) in [
        (
            json!({"status": {"field": "status", "map": {"new": "pending", "paid": "succeeded"}, "x-source": "doc"}}),
            "\"failed\"",
        ),
        (json!({"id": "payment_id"}), "payment_id"),
        (json!({"amount": {"field": "status", "unit": "major", "x-source": "doc"}}), "not an amount"),
        (json!({"created": "amount"}), "not a timestamp"),
        (json!({"range": {"since": "from", "until": "to", "format": "date-time", "x-source": "doc"}}), "range"),
    ] {
        let message = normalized_fixture(|n| {
            for (k, v) in edit.as_object().expect("an object") {
                n[k] = v.clone();
            }
        })
        .expect_err("must be refused");
        assert!(message.contains("x-normalize") && message.contains(expected), "{message}");
    }
}
