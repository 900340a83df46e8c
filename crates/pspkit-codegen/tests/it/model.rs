//! The generator's model, built from the five real specs: each kind of field and parameter is
//! recognised, wire and Rust names are paired, the extensions arrive typed, and every operation
//! agrees with the positional method progenitor generates from the same spec.

use pspkit_codegen::model::{Kind, Model, Place, Shape};
use pspkit_codegen::{Spec, generate};
use quote::ToTokens;

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

/// Every operation of the model is the positional method progenitor generated: the same name,
/// the same arguments in the same order, the required ones not `Option`, the same payload.
#[test]
fn every_operation_agrees_with_progenitor() {
    for provider in ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"] {
        let (model, generated) = model_of(provider);
        let methods: Vec<&syn::ImplItemFn> = generated
            .file
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Impl(imp)
                    if imp.trait_.is_none() && imp.self_ty.to_token_stream().to_string() == "Client" =>
                {
                    Some(imp)
                }
                _ => None,
            })
            .flat_map(|imp| imp.items.iter())
            .filter_map(|i| match i {
                syn::ImplItem::Fn(f) if f.sig.asyncness.is_some() => Some(f),
                _ => None,
            })
            .collect();
        assert_eq!(methods.len(), model.operations.len(), "{provider}: one model operation per method");
        for op in &model.operations {
            let f =
                methods.iter().find(|f| f.sig.ident == op.name).unwrap_or_else(|| panic!("{provider}: {}", op.name));
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
