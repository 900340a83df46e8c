//! Every mapped list's items become normalized payments as their spec's `x-normalize` says: for
//! every raw status the spec maps (which covers the field's enum), an item of the spec's own
//! example carrying that status maps to the declared status, and a status nobody listed maps to
//! `unknown`; directions the same way; numeric currency codes become letters.

use pspkit::normalized::{Direction, Payment, Status};
use pspkit_codegen::Spec;
use pspkit_codegen::extensions::{
    self, DirectionByField, DirectionRule, NormalDirection, Normalize, OperationExtensions,
};
use pspkit_tests::spec_path;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// The operation's mapping and the first item of its success example.
fn mapping_and_example(provider: &str, operation: &str) -> (Normalize, Value) {
    let spec = Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"));
    let op = spec.operations().into_iter().find(|o| o.id() == Some(operation)).expect("the operation");
    let ext: OperationExtensions = extensions::read(op.value).expect("typed extensions");
    let rule = ext.normalize.expect("x-normalize");
    let pagination = ext.pagination.expect("a list");
    let response = op.value["responses"]
        .as_object()
        .and_then(|r| r.iter().find(|(status, _)| status.starts_with('2')))
        .and_then(|(_, r)| spec.resolve(r))
        .expect("a success response");
    // examples are the payload, inside any envelope
    let mut example = response.pointer("/content/application~1json/example").cloned().expect("an example");
    let items = if pagination.items == "." { example } else { example[&pagination.items].take() };
    let item = items.as_array().and_then(|a| a.first()).cloned().expect("an item in the example");
    (rule, item)
}

fn status_of(s: extensions::NormalStatus) -> Status {
    s.as_str().parse().expect("the same names")
}

fn direction_of(d: NormalDirection) -> Direction {
    match d {
        NormalDirection::In => Direction::In,
        NormalDirection::Out => Direction::Out,
    }
}

fn with<T: Serialize + DeserializeOwned>(item: &T, field: &str, value: Value) -> T {
    let mut json = serde_json::to_value(item).expect("serializes");
    json[field] = value;
    serde_json::from_value(json).unwrap_or_else(|e| panic!("{field}: {e}"))
}

fn check<T: Serialize + DeserializeOwned>(provider: &str, operation: &str, normalize: fn(&T) -> Payment) {
    let (rule, example) = mapping_and_example(provider, operation);
    let item: T = serde_json::from_value(example).unwrap_or_else(|e| panic!("{provider} {operation}: {e}"));
    let base = normalize(&item);
    assert_eq!(base.provider, provider);

    // the map covers every value of the field's enum (the generator refuses a spec where it
    // does not), so these are all the raw statuses the spec lists, and one it does not
    let mut raws: Vec<String> = rule.status.map.keys().cloned().collect();
    raws.push("a-status-no-spec-lists".into());
    for raw in &raws {
        let p = normalize(&with(&item, &rule.status.field, Value::String(raw.clone())));
        let want = rule.status.map.get(raw).map(|s| status_of(*s)).unwrap_or(Status::Unknown);
        assert_eq!(p.status, want, "{provider} {operation}: raw status {raw:?}");
        assert_eq!(&p.raw_status, raw, "the raw status is kept");
    }
    if let DirectionRule::ByField(DirectionByField { field, map, default }) = &rule.direction {
        for (raw, d) in map {
            let p = normalize(&with(&item, field, Value::String(raw.clone())));
            assert_eq!(p.direction, direction_of(*d), "{provider} {operation}: direction {raw:?}");
        }
        let p = normalize(&with(&item, field, Value::String("sideways".into())));
        assert_eq!(p.direction, direction_of(*default), "an unlisted direction is the declared default");
    }
    assert_eq!(base.currency, base.currency.to_uppercase());
    assert!(!base.provider_id.is_empty());
}

#[test]
fn onepay_cashouts_and_charges() {
    check::<pspkit_onepay::types::Cashout>("onepay", "listCashouts", pspkit_onepay::normalize::list_cashouts);
    check::<pspkit_onepay::types::Charge>("onepay", "listCharges", pspkit_onepay::normalize::list_charges);
}

#[test]
fn onchainpay_orders() {
    check::<pspkit_onchainpay::types::Order>("onchainpay", "listOrders", pspkit_onchainpay::normalize::list_orders);
}

#[test]
fn firstpay_payments() {
    check::<pspkit_firstpay::types::Payment>("firstpay", "listPayments", pspkit_firstpay::normalize::list_payments);
}

#[test]
fn firekassa_transactions() {
    check::<pspkit_firekassa::types::Transaction>(
        "firekassa",
        "getTransactions",
        pspkit_firekassa::normalize::get_transactions,
    );
}

#[test]
fn onlyonepays_operations_and_numeric_currencies() {
    check::<pspkit_onlyonepays::types::Operation>(
        "onlyonepays",
        "searchOperations",
        pspkit_onlyonepays::normalize::search_operations,
    );
    let (_, example) = mapping_and_example("onlyonepays", "searchOperations");
    let item: pspkit_onlyonepays::types::Operation = serde_json::from_value(example).expect("decodes");
    let rub = pspkit_onlyonepays::normalize::search_operations(&with(&item, "currency", 643.into()));
    assert_eq!(rub.currency, "RUB");
    let cop = pspkit_onlyonepays::normalize::search_operations(&with(&item, "currency", 170.into()));
    assert_eq!(cop.currency, "COP");
}

#[test]
fn a_minor_unit_amount_is_divided_by_the_currency_exponent() {
    assert_eq!(pspkit::normalized::from_minor_units(pspkit::Decimal::from(150_050), "COP"), "1500.5".parse().unwrap());
}

#[tokio::test]
async fn payments_stream_a_range_across_every_mapped_list() {
    use futures_util::StreamExt;
    let sandbox =
        pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 150, ..Default::default() }).await.expect("sandbox");
    let c = sandbox.credentials();
    let client = pspkit_onepay::OnePay::from_keys(
        &sandbox.base_url("onepay"),
        pspkit_onepay::Keys { secret_key: c.onepay_secret_key.clone().into() },
    )
    .expect("client");
    let all: Vec<Payment> =
        pspkit::normalized::payments(&client, None, None).map(|p| p.expect("a payment")).collect().await;
    // OnePay maps two lists: its charges (in) and its cashouts (out)
    assert_eq!(all.len(), 300);
    assert_eq!(all.iter().filter(|p| p.direction == Direction::Out).count(), 150);
    let since = "2026-02-01T00:00:00Z".parse().expect("a time");
    let until = "2026-03-01T00:00:00Z".parse().expect("a time");
    let some: Vec<Payment> =
        pspkit::normalized::payments(&client, Some(since), Some(until)).map(|p| p.expect("a payment")).collect().await;
    let expected = all.iter().filter(|p| p.created.is_some_and(|t| t >= since && t < until)).count();
    assert!(expected > 0 && some.len() == expected);
    sandbox.stop().await;
}
