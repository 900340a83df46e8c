//! For every provider, a response holding an unknown enum value, an unknown field and a `null`
//! string field decodes without error, and money stays exact ("0.1" + "0.2" == "0.3"), through
//! the typed client over real HTTP on loopback.

use pspkit::Decimal;
use pspkit_tests::{ScriptedServer, Step};
use serde_json::json;

fn exact(s: &str) -> Decimal {
    s.parse().expect("decimal literal")
}

#[tokio::test]
async fn onepay_cashouts_decode_leniently_and_exactly() {
    use pspkit_onepay::types::CashoutStatus;
    let body = json!({
        "data": [
            {"id": "c-1", "amount": 0.1, "status": "on_hold", "external_id": null, "method": "ACH",
             "field_added_later": {"nested": true}},
            {"id": "c-2", "amount": "0.2", "status": "processed", "external_id": "ext-2"}
        ],
        "current_page": 1, "next_page_url": null, "per_page": 20
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").expect("client").with_base_url(&server.base_url);
    let page = client.list_cashouts(None, None).await.expect("decodes");

    assert_eq!(page.data[0].status, Some(CashoutStatus::Unknown("on_hold".into())));
    assert_eq!(page.data[1].status, Some(CashoutStatus::Processed));
    assert_eq!(page.data[0].external_id, None);
    let sum = page.data.iter().map(|c| c.amount.expect("amount").value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
    assert_eq!(sum.to_string(), "0.3");
    assert_eq!(server.received()[0].target, "/cashouts");
}

#[tokio::test]
async fn firekassa_transactions_decode_leniently_and_exactly() {
    use pspkit_firekassa::types::TransactionStatus;
    // Shaped like the recorded traffic: ids and money as strings, `null` in documented strings.
    let body = json!({
        "items": [
            {"id": "101", "action": "deposit", "amount": "0.10", "status": "frozen_by_bank",
             "comment": null, "payment_url": null, "cloudflare_ray": "8a1b"},
            {"id": 102, "action": "withdrawal", "amount": "0.20", "status": "success", "comment": "ok"}
        ],
        "page": {"number": 1, "size": 2}
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_firekassa::FireKassa::new(&server.base_url, "token", None).expect("client");
    let list = client
        .get_transactions(None, None, None, None, None, None, None, None, None, None, None, None, None, None)
        .await
        .expect("decodes");

    assert_eq!(list.items[0].status, Some(TransactionStatus::Unknown("frozen_by_bank".into())));
    assert_eq!(list.items[0].comment, None);
    assert_eq!(list.items[1].id.as_deref(), Some("102"), "a numeric id is kept as text");
    let sum = list.items.iter().map(|t| t.amount.expect("amount").value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
}

#[tokio::test]
async fn firstpay_payments_decode_leniently_and_exactly() {
    use pspkit_firstpay::types::{PaymentStatus, PaymentsListRequest};
    let body = json!({
        "payments": [
            {"id": "p-1", "amount": 0.1, "status": "CHARGEBACK", "merchantPaymentId": null, "riskScore": 7},
            {"id": 2, "amount": 0.2, "status": "SUCCESS", "merchantPaymentId": "m-2"}
        ],
        "total": 2, "nextId": null
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_firstpay::FirstPay::new(
        &server.base_url,
        pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM,
        pspkit_tests::keys::MERCHANT_PRIVATE_PEM,
    )
    .expect("client");
    let request = PaymentsListRequest {
        created_at_from: 1_700_000_000_000,
        created_at_to: 1_700_086_400_000,
        currency_code: None,
        from_id: None,
        status: None,
        take: Some(50),
        type_: None,
    };
    let list = client.list_payments(&request).await.expect("decodes");

    assert_eq!(list.payments[0].status, Some(PaymentStatus::Unknown("CHARGEBACK".into())));
    assert_eq!(list.payments[1].status, Some(PaymentStatus::Success));
    assert_eq!(list.payments[0].merchant_payment_id, None);
    let sum = list.payments.iter().map(|p| p.amount.expect("amount").value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
    let sent: serde_json::Value = serde_json::from_slice(&server.received()[0].body).expect("JSON body");
    assert_eq!(sent["createdAtFrom"], json!(1_700_000_000_000_i64));
}

#[tokio::test]
async fn onlyonepays_operations_decode_leniently_and_exactly() {
    use pspkit_onlyonepays::types::{OperationType, SearchOperationsRequest};
    let body = json!({
        "items": [
            {"id": 1, "operation_type": "refund", "aggregator_external_id": null, "amount_local": 0.1,
             "amount_usdt": 0.00123, "status": "success", "settlement_batch": "b-7"},
            {"id": 2, "operation_type": "payout", "aggregator_external_id": "agg-2", "amount_local": 0.2}
        ],
        "page_no": 0, "page_size": 2, "total": 2, "total_pages": 1
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onlyonepays::OnlyOnePays::new("key").expect("client").with_base_url(&server.base_url);
    let request = SearchOperationsRequest { amount_min: Some(exact("0.1").into()), ..Default::default() };
    let page = client.search_operations(&request).await.expect("decodes");

    assert_eq!(page.items[0].operation_type, Some(OperationType::Unknown("refund".into())));
    assert_eq!(page.items[1].operation_type, Some(OperationType::Payout));
    assert_eq!(page.items[0].aggregator_external_id, None);
    let sum = page.items.iter().map(|o| o.amount_local.expect("amount").value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
    assert_eq!(page.items[0].amount_usdt.expect("usdt").to_string(), "0.00123");
    // money goes out as a JSON number written from its digits
    let sent = String::from_utf8_lossy(&server.received()[0].body).into_owned();
    assert!(sent.contains("\"amount_min\":0.1"), "{sent}");
}

/// OnChainPay wraps every payload in `{"success": true, "response": ...}`; the runtime unwraps
/// it byte for byte, so the payload decodes exactly as if it had been sent bare.
#[tokio::test]
async fn onchainpay_orders_decode_leniently_and_exactly() {
    use pspkit_onchainpay::types::{ListOrdersBody, OrderStatus};
    let body = json!({"success": true, "response": {
        "orders": [
            {"orderId": "o-1", "status": "refunding", "amount": "0.1", "description": null, "riskFlag": "low"},
            {"orderId": "o-2", "status": "processed", "amount": "0.2", "description": "second"}
        ],
        "total": "2"
    }});
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url);
    let list = client.list_orders(&ListOrdersBody::default()).await.expect("decodes");
    assert_eq!(list.orders[0].status, Some(OrderStatus::Unknown("refunding".into())));
    assert_eq!(list.orders[1].status, Some(OrderStatus::Processed));
    assert_eq!(list.orders[0].description, None);
    let sum = list.orders.iter().map(|o| o.amount.expect("amount").value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
}

/// The difference with f64 made concrete: the sum a float decoder would produce is not 0.3.
#[test]
fn float_decoding_would_have_lost_a_cent_fraction() {
    let float_sum: f64 =
        serde_json::from_str::<f64>("0.1").expect("f64") + serde_json::from_str::<f64>("0.2").expect("f64");
    assert_ne!(float_sum, 0.3);
    let exact_sum = *serde_json::from_str::<pspkit::DecimalNumber>("0.1").expect("decimal")
        + *serde_json::from_str::<pspkit::DecimalNumber>("0.2").expect("decimal");
    assert_eq!(exact_sum, exact("0.3"));
}

/// OnChainPay's find-tx `address`: an object `{id, type}` in the docs, the address itself as a
/// string in the node SDK. Both shapes decode, each into its own variant.
#[tokio::test]
async fn onchainpay_tx_lookup_address_decodes_as_object_or_string() {
    use pspkit_onchainpay::types::{AddressType, FindOperationsByTxBody, TxLookupResultAddress};
    let body = json!({"success": true, "response": [
        {"type": "IN", "source": "ORDER", "address": {"id": "a-1", "type": "PAY_IN"}, "result": {"id": "o-1"}},
        {"type": "OUT", "source": "WITHDRAWAL", "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF", "result": {}}
    ]});
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url);
    let request: FindOperationsByTxBody = serde_json::from_value(json!({"tx": "a3f1"})).expect("request");
    let found = client.find_operations_by_tx(&request).await.expect("decodes");

    let Some(TxLookupResultAddress::TxLookupAddress(object)) = &found[0].address else { panic!("{:?}", found[0]) };
    assert_eq!(object.id.as_deref(), Some("a-1"));
    assert_eq!(object.type_, Some(AddressType::PayIn));
    let Some(TxLookupResultAddress::String(text)) = &found[1].address else { panic!("{:?}", found[1]) };
    assert_eq!(text, "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF");
}

/// OnlyOnePays documents `Operation.id` as an int64 while every other id is a string: a number
/// and a string both decode into the same text, which `get_operation_by_id` takes back as is.
#[tokio::test]
async fn onlyonepays_operation_id_decodes_from_number_or_string() {
    let page = json!({"items": [{"id": 1234567, "status": "success"}, {"id": "7654321", "status": "success"}],
        "page_no": 0, "page_size": 2, "total": 2, "total_pages": 1});
    let server = ScriptedServer::start(vec![
        Step::json(200, &page),
        Step::json(200, json!({"id": 1234567, "status": "success"})),
    ])
    .await;
    let client = pspkit_onlyonepays::OnlyOnePays::new("k").expect("client").with_base_url(&server.base_url);
    let found = client.search_operations(&Default::default()).await.expect("decodes");
    assert_eq!(found.items[0].id.as_deref(), Some("1234567"), "a JSON number");
    assert_eq!(found.items[1].id.as_deref(), Some("7654321"), "a JSON string");

    let id = found.items[0].id.clone().expect("id");
    let one = client.get_operation_by_id(&id, None).await.expect("decodes");
    assert_eq!(one.id, Some(id));
    assert_eq!(server.received()[1].target, "/api/v1/operations/1234567");
}
