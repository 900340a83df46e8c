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
            {"id": "c-1", "customer_id": "cu-1", "account_id": "ac-1", "is_test": true, "amount": 0.1,
             "status": "on_hold", "created_at": "2024-10-17T18:07:18.000000Z", "external_id": null, "method": "ACH",
             "field_added_later": {"nested": true}},
            {"id": "c-2", "customer_id": "cu-1", "account_id": "ac-1", "is_test": true, "amount": "0.2",
             "status": "processed", "created_at": "2024-10-17T18:07:18.000000Z", "external_id": "ext-2",
             "method": "TURBO"}
        ],
        "current_page": 1, "next_page_url": null, "per_page": 20
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").expect("client").with_base_url(&server.base_url);
    let page = client.list_cashouts().send().await.expect("decodes");

    assert_eq!(page.data[0].status, CashoutStatus::Unknown("on_hold".into()));
    assert_eq!(page.data[1].status, CashoutStatus::Processed);
    assert_eq!(page.data[0].external_id, None);
    let sum = page.data.iter().map(|c| c.amount.value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
    assert_eq!(sum.to_string(), "0.3");
    assert_eq!(server.received()[0].target, "/cashouts");
}

#[tokio::test]
async fn firekassa_transactions_decode_leniently_and_exactly() {
    use pspkit_firekassa::types::TransactionStatus;
    // Shaped like the recorded traffic: ids and money as strings, `null` in documented strings, a
    // documented field (`account`) left out as in the recorded h2h reply.
    let body = json!({
        "items": [
            {"id": "101", "created_at": "2023-04-19T17:29:00+03:00", "updated_at": "2023-04-19T17:29:01+03:00",
             "action": "deposit", "method": "wallet-card", "order_id": "1", "amount": "0.10",
             "payment_amount": "0.00", "commission": "0.00", "status": "frozen_by_bank", "currency": "RUB",
             "comment": null, "payment_url": null, "cloudflare_ray": "8a1b"},
            {"id": 102, "created_at": "2023-04-19T17:29:00+03:00", "updated_at": "2023-04-19T17:29:01+03:00",
             "action": "withdrawal", "method": "card", "order_id": "2", "amount": "0.20", "payment_amount": "0.20",
             "commission": "0.01", "status": "success", "currency": "RUB", "comment": "ok"}
        ],
        "page": {"number": 1, "size": 2}
    });
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_firekassa::FireKassa::new(&server.base_url, "token").expect("client");
    let list = client.get_transactions().send().await.expect("decodes");

    assert_eq!(list.items[0].status, TransactionStatus::Unknown("frozen_by_bank".into()));
    assert_eq!(list.items[0].comment, None);
    assert_eq!(list.items[0].account, None);
    assert_eq!(list.items[1].id.as_str(), "102", "a numeric id is kept as text");
    let sum = list.items.iter().map(|t| t.amount.value()).sum::<Decimal>();
    assert_eq!(sum, exact("0.3"));
}

#[tokio::test]
async fn firstpay_payments_decode_leniently_and_exactly() {
    use pspkit_firstpay::types::{PaymentStatus, PaymentsListRequest};
    let body = json!({
        "payments": [
            {"id": "p-1", "paymentMethodId": "pm-1", "currencyCode": "BDT", "amount": 0.1, "status": "CHARGEBACK",
             "merchantPaymentId": null, "riskScore": 7},
            {"id": 2, "paymentMethodId": "pm-1", "currencyCode": "BDT", "amount": 0.2, "status": "SUCCESS",
             "merchantPaymentId": "m-2"}
        ],
        "total": 2, "totalSucceed": 1, "totalFailed": 0, "amounts": [{"total": "0.3", "currencyCode": "BDT"}],
        "nextId": null
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
    let list = client.list_payments(request).send().await.expect("decodes");

    assert_eq!(list.payments[0].status, PaymentStatus::Unknown("CHARGEBACK".into()));
    assert_eq!(list.payments[1].status, PaymentStatus::Success);
    assert_eq!(list.payments[1].id.as_str(), "2", "a numeric id is kept as text");
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
    let page = client.search_operations(request).send().await.expect("decodes");

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
            {"orderId": "o-1", "clientOrderId": "m-1", "status": "refunding", "link": "https://pay.example/o-1",
             "amount": "0.1", "advancedBalanceId": "ab-1", "currency": "USDT", "network": "tron", "addressId": "a-1",
             "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF", "expiresAt": "2024-12-26T08:51:33.194Z",
             "createdAt": "2024-12-26T08:21:33.194Z", "description": null, "riskFlag": "low"},
            {"orderId": "o-2", "clientOrderId": "m-2", "status": "processed", "link": "https://pay.example/o-2",
             "amount": "0.2", "advancedBalanceId": "ab-1", "currency": "USDT", "network": "tron", "addressId": "a-1",
             "address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF", "expiresAt": "2024-12-26T08:51:33.194Z",
             "createdAt": "2024-12-26T08:21:33.194Z", "description": "second"}
        ],
        "total": "2"
    }});
    let server = ScriptedServer::start(vec![Step::json(200, &body)]).await;
    let client = pspkit_onchainpay::OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url);
    let list = client.list_orders(ListOrdersBody::default()).send().await.expect("decodes");
    assert_eq!(list.orders[0].status, OrderStatus::Unknown("refunding".into()));
    assert_eq!(list.orders[1].status, OrderStatus::Processed);
    assert_eq!(list.orders[0].description, None);
    let sum = list.orders.iter().map(|o| o.amount.value()).sum::<Decimal>();
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

/// A small deterministic generator (xorshift), so a failure names a string that can be rerun.
struct Strings(u64);

impl Strings {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }

    fn digits(&mut self, count: u64) -> String {
        (0..count).map(|_| char::from(b'0' + self.below(10) as u8)).collect()
    }
}

/// An amount is read from its own JSON text wherever serde_json reads it from: a body in memory,
/// a stream, a `Value`, or the path-tracking decoder that locates a decoding error. Nothing on the
/// way goes through `f64`: a fraction that could only arrive as one (buffered by an untagged enum)
/// is refused, not rounded, and what is not an amount is refused with what was found.
#[test]
fn amounts_read_exactly_from_every_serde_json_entry_point() {
    use pspkit::{DecimalNumber, DecimalString};

    #[derive(serde::Deserialize)]
    struct Item {
        number: DecimalNumber,
        text: DecimalString,
    }
    // (JSON, the number, the text, whether a `serde_json::Value` holds the number exactly: a
    // `Value` keeps a number with a fraction as an f64 from the moment it is parsed)
    let cases = [
        (r#"{"number": 0.1, "text": "0.10"}"#, "0.1", "0.10", true),
        (r#"{"number": 1e-7, "text": " -5 "}"#, "0.0000001", "-5", true),
        (
            r#"{"number": 123456789012345678901234.5678, "text": "1\u0030.5"}"#,
            "123456789012345678901234.5678",
            "10.5",
            false,
        ),
        (r#"{"number": -18446744073709551616, "text": 7}"#, "-18446744073709551616", "7", false),
    ];
    for (json, number, text, value_holds_it) in cases {
        let mut tracked = serde_json::Deserializer::from_str(json);
        let mut decoded: Vec<Item> = vec![
            serde_json::from_slice(json.as_bytes()).expect(json),
            serde_json::from_reader(json.as_bytes()).expect(json),
            serde_path_to_error::deserialize(&mut tracked).expect(json),
        ];
        if value_holds_it {
            let value: serde_json::Value = serde_json::from_str(json).expect("JSON");
            decoded.push(serde_json::from_value(value).expect(json));
        }
        for item in decoded {
            assert_eq!(
                (item.number.to_string(), item.text.to_string()),
                (number.to_string(), text.to_string()),
                "{json}"
            );
        }
    }

    for (json, found) in [
        (r#"{"number": {"a": 1}, "text": "1"}"#, "expected a decimal"),
        (r#"{"number": true, "text": "1"}"#, "expected a decimal"),
        (r#"{"number": 1, "text": "1_000"}"#, "is not a decimal number"),
        (r#"{"number": 1, "text": ""}"#, "empty string"),
    ] {
        let error = serde_json::from_str::<Item>(json).err().unwrap_or_else(|| panic!("{json} decoded"));
        assert!(error.to_string().contains(found), "{json}: {error}");
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(untagged)]
    enum Either {
        Amount(DecimalNumber),
    }
    assert!(serde_json::from_str::<Either>("7").is_ok_and(|Either::Amount(a)| a.to_string() == "7"));
    // an untagged enum buffers the number: as an f64 without serde_json's `arbitrary_precision`
    // (refused), as its text with it (read exactly); never rounded
    match serde_json::from_str::<Either>("0.1") {
        Err(error) => assert!(!exact_numbers_in_build() && !error.to_string().is_empty(), "{error}"),
        Ok(Either::Amount(a)) => assert!(exact_numbers_in_build() && a.to_string() == "0.1", "{a}"),
    }
}

/// Whether serde_json's `arbitrary_precision` is on in this build: the application's choice (the
/// Python module turns it on), under which a number keeps its text and `1e400` is read.
fn exact_numbers_in_build() -> bool {
    serde_json::from_str::<serde_json::Value>("1e400").is_ok()
}

/// A field the spec leaves untyped (`serde_json::Value`) holds numbers as serde_json reads them.
/// With `arbitrary_precision` on, every digit of the provider's text is kept: a 30-digit
/// reference, 22 significant digits, `1e400`. Without it (serde_json's default), whole numbers up
/// to 64 bits and fractions to 17 digits are kept, and a number beyond f64's range is a decoding
/// error that names the field and keeps the body: never a panic, never a silent zero.
#[tokio::test]
async fn untyped_fields_keep_the_numbers_serde_json_can_hold() {
    let exact = r#"{"id": "p-1", "currency": "COP", "splits": [],
        "commission": {"fee": 1234.56, "rate": 0.0125, "count": 3, "ledger": 18446744073709551615}}"#;
    let big = r#"{"id": "p-2", "currency": "COP", "splits": [],
        "metadata": {"reference": 123456789012345678901234567890, "share": 0.1000000000000000000001}}"#;
    let huge = r#"{"id": "p-3", "currency": "COP", "splits": [], "commission": {"cap": 1e400}}"#;
    let server = ScriptedServer::start(vec![Step::json(200, exact), Step::json(200, big), Step::json(200, huge)]).await;
    let client = pspkit_onepay::OnePay::new("sk_test_x").expect("client").with_base_url(&server.base_url);

    let payment = client.get_payment("p-1").send().await.expect("decodes");
    let commission = payment.commission.expect("commission");
    assert_eq!(commission.to_string(), r#"{"count":3,"fee":1234.56,"ledger":18446744073709551615,"rate":0.0125}"#);

    let payment = client.get_payment("p-2").send().await.expect("decodes");
    let metadata = payment.metadata.expect("metadata").to_string();
    if exact_numbers_in_build() {
        assert_eq!(metadata, r#"{"reference":123456789012345678901234567890,"share":0.1000000000000000000001}"#);
    } else {
        assert_eq!(metadata, r#"{"reference":1.2345678901234568e+29,"share":0.1}"#);
    }

    match client.get_payment("p-3").send().await {
        Ok(payment) => {
            assert!(exact_numbers_in_build());
            assert_eq!(payment.commission.expect("commission").to_string(), r#"{"cap":1e+400}"#);
        }
        Err(pspkit::Error::Decode(error)) => {
            assert!(!exact_numbers_in_build());
            assert!(error.path.contains("commission"), "{error}");
            assert!(error.raw_body.contains("1e400"), "{error:?}");
        }
        Err(other) => panic!("{other}"),
    }
}

/// A 2xx body that is not UTF-8 is a decoding error that says so, keeps the body, and names the
/// field when the bad byte is in one the type declares; a byte in a field it does not declare is
/// refused too (JSON is UTF-8), not skipped unread.
#[test]
fn a_body_that_is_not_utf8_is_a_decoding_error_that_says_where() {
    let decode = |body: &[u8]| {
        let headers = http::HeaderMap::new();
        pspkit::decode_answer::<pspkit_onepay::types::CashoutList>(
            &pspkit_onepay::SPEC,
            "listCashouts",
            200,
            &headers,
            body,
        )
    };
    let page = |item: &str| format!(r#"{{"data": [{item}], "next_page_url": null}}"#);
    let item = r#"{"id": "c-1", "customer_id": "cu-1", "account_id": "ac-1", "is_test": true, "amount": 5,
        "status": "pending", "created_at": "2024-10-17T18:07:18Z", "method": "ACH", "note": "NOTE"}"#;
    assert!(decode(page(item).as_bytes()).is_ok());

    let in_unknown_field = page(item).replace("NOTE", "caf\\u00e9").into_bytes();
    assert!(decode(&in_unknown_field).is_ok(), "an escaped non-ASCII character is UTF-8");
    let mut bad = page(item).into_bytes();
    let at = bad.windows(4).position(|w| w == b"NOTE").expect("NOTE");
    bad[at] = 0xff;
    let Err(pspkit::Error::Decode(d)) = decode(&bad) else { panic!("a body with the byte 0xff decoded") };
    assert!(d.message.contains(&format!("not UTF-8: the byte at offset {at}")), "{}", d.message);
    assert!(d.raw_body.contains('\u{fffd}'), "the body is kept, the bad byte shown as U+FFFD");

    let mut bad = page(item).into_bytes();
    let at = bad.windows(4).position(|w| w == b"cu-1").expect("cu-1");
    bad[at + 1] = 0xc3;
    let Err(pspkit::Error::Decode(d)) = decode(&bad) else { panic!("a body with a broken sequence decoded") };
    assert_eq!(d.path, "data[0].customer_id", "{}", d.message);
}

#[test]
fn an_amount_of_endless_leading_zeros_is_a_decoding_error_not_a_stack_overflow() {
    // the exact parser underneath takes one call per digit, and zeros never end it by overflow;
    // run on a thread with a small stack, as a tokio worker's or Python's would be
    let zeros = "0".repeat(200_000);
    let run = move || {
        let headers = http::HeaderMap::new();
        let item = |amount: &str| {
            format!(
                r#"{{"data": [{{"id": "c-1", "customer_id": "cu-1", "account_id": "ac-1", "is_test": true,
                "amount": {amount}, "status": "pending", "created_at": "2024-10-17T18:07:18Z", "method": "ACH"}}],
                "next_page_url": null}}"#
            )
        };
        [item(&format!("\"{zeros}1.5\"")), item(&format!("{zeros}1")), item(&format!("0.{zeros}1"))].map(|body| {
            pspkit::decode_answer::<pspkit_onepay::types::CashoutList>(
                &pspkit_onepay::SPEC,
                "listCashouts",
                200,
                &headers,
                body.as_bytes(),
            )
            .map(drop)
            .map_err(|e| e.to_string())
        })
    };
    let results =
        std::thread::Builder::new().stack_size(256 * 1024).spawn(run).expect("thread").join().expect("no crash");
    for result in results {
        let message = result.expect_err("no amount has 200,000 digits");
        assert!(message.contains("amount"), "{message}");
    }
}

#[test]
fn a_timestamp_outside_the_years_1_to_9999_is_a_decoding_error_naming_its_field() {
    // chrono reads these; Python's datetime (and most databases) cannot hold them, so they are
    // refused where the body is decoded, with the field's path, not later when a caller reads it
    for created in ["0000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z", "10000-01-01 00:00:00+00:00"] {
        let body = format!(
            r#"{{"data": [{{"id": "c-1", "customer_id": "cu-1", "account_id": "ac-1", "is_test": true,
            "amount": 5, "status": "pending", "created_at": "{created}", "method": "ACH"}}], "next_page_url": null}}"#
        );
        let decoded = pspkit::decode_answer::<pspkit_onepay::types::CashoutList>(
            &pspkit_onepay::SPEC,
            "listCashouts",
            200,
            &http::HeaderMap::new(),
            body.as_bytes(),
        );
        let Err(pspkit::Error::Decode(d)) = decoded else { panic!("{created}: decoded") };
        assert_eq!(d.path, "data[0].created_at", "{created}: {}", d.message);
    }
    assert_eq!(
        "9999-12-31T23:59:59Z".parse::<pspkit::Timestamp>().map(|t| t.to_string()).ok().as_deref(),
        Some("9999-12-31T23:59:59Z")
    );
}

/// Amounts written plainly take a one-pass reader; it must agree with the general exact parser
/// on value, scale and refusal, at every length around the 18 digits it reads itself.
#[test]
fn plain_amounts_parse_as_the_general_exact_parser_does() {
    let mut strings = Strings(0x9e37_79b9_7f4a_7c15);
    let mut cases: Vec<String> = ["1.", ".5", "1.2.3", "-", "+", "-0", "-0.00", "+7", "007.50", "9223372036854775807"]
        .map(String::from)
        .to_vec();
    cases.push("9".repeat(18));
    cases.push("9".repeat(19));
    cases.push(format!("-{}.{}", "9".repeat(9), "9".repeat(9)));
    for _ in 0..20_000 {
        let sign = ["", "-", "+"][strings.below(3) as usize];
        let whole = strings.below(21);
        let fraction = strings.below(12);
        let mut text = format!("{sign}{}", strings.digits(whole));
        if fraction > 0 {
            text.push('.');
            text.push_str(&strings.digits(fraction - 1));
        }
        cases.push(text);
    }
    for text in &cases {
        let general = Decimal::from_str_exact(text.strip_prefix('+').unwrap_or(text));
        let read = pspkit::money::parse_decimal_text(text);
        match (&read, &general) {
            (Ok(a), Ok(b)) => assert_eq!(
                (a.mantissa(), a.scale(), a.is_sign_negative()),
                (b.mantissa(), b.scale(), b.is_sign_negative()),
                "{text:?}"
            ),
            (Err(_), Err(_)) => {}
            _ => panic!("{text:?}: read {read:?}, the general parser {general:?}"),
        }
    }
}

/// Timestamps in the strict RFC 3339 shape take a one-pass reader; it must give what the
/// general path gives (reached by spelling the same instant with a space for the `T`), offset
/// included, for valid and impossible dates, times and offsets alike.
#[test]
fn strict_timestamps_read_as_the_general_path_reads_them() {
    let mut strings = Strings(0x2545_f491_4f6c_dd1d);
    let mut cases: Vec<String> = vec![
        "2024-02-29T23:59:59Z".into(),
        "2023-02-29T00:00:00Z".into(),
        "2024-10-17T18:07:18.000000Z".into(),
        "2024-10-17T18:07:60Z".into(),
        "2024-10-17T24:00:00Z".into(),
        "2024-10-17T18:07:18.1234567891Z".into(),
        "2024-10-17T18:07:18.Z".into(),
        "2024-10-17T18:07:18+24:00".into(),
        "2024-10-17T18:07:18-03:60".into(),
        "0000-01-01T00:00:00Z".into(),
        "9999-12-31T23:59:59.999999999-23:59".into(),
    ];
    for _ in 0..20_000 {
        let mut text = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
            strings.below(10_000),
            strings.below(14),
            strings.below(33),
            strings.below(25),
            strings.below(61),
            strings.below(62)
        );
        let fraction = strings.below(11);
        if fraction > 0 {
            text.push('.');
            text.push_str(&strings.digits(fraction));
        }
        match strings.below(3) {
            0 => text.push('Z'),
            sign => text.push_str(&format!(
                "{}{:02}:{:02}",
                if sign == 1 { '+' } else { '-' },
                strings.below(25),
                strings.below(61)
            )),
        }
        cases.push(text);
    }
    let read = |text: &str| text.parse::<pspkit::Timestamp>().map(|t| t.to_string());
    for text in &cases {
        let general = read(&text.replacen('T', " ", 1));
        assert_eq!(read(text).ok(), general.ok(), "{text:?}");
    }
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
    let request = FindOperationsByTxBody::builder().tx("a3f1").build().expect("request");
    let found = client.find_operations_by_tx(request).send().await.expect("decodes");

    let TxLookupResultAddress::TxLookupAddress(object) = &found[0].address else { panic!("{:?}", found[0]) };
    assert_eq!(object.id, "a-1");
    assert_eq!(object.type_, AddressType::PayIn);
    let TxLookupResultAddress::String(text) = &found[1].address else { panic!("{:?}", found[1]) };
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
    let found = client.search_operations(Default::default()).send().await.expect("decodes");
    assert_eq!(found.items[0].id.as_deref(), Some("1234567"), "a JSON number");
    assert_eq!(found.items[1].id.as_deref(), Some("7654321"), "a JSON string");

    let id = found.items[0].id.clone().expect("id");
    let one = client.get_operation_by_id(id.clone()).send().await.expect("decodes");
    assert_eq!(one.id, Some(id));
    assert_eq!(server.received()[1].target, "/api/v1/operations/1234567");
}

/// FireKassa's recorded traffic (the VCR cassettes of a public integration, 2023-04 to 2024-03),
/// reply by reply, byte for byte (the 189-bank SBP list cut to two entries): every one decodes
/// into its operation's generated type, the strict fields included. A recorded reply that
/// stopped decoding would mean a `required` the provider does not honour.
#[test]
fn firekassa_recorded_replies_decode_into_the_strict_types() {
    let wallet_card = r#"{"id":"507122561","created_at":"2023-04-19T17:29:00+03:00","updated_at":"2023-04-19T17:29:01+03:00","action":"deposit","method":"wallet-card","payment_id":"332529680","order_id":"123","account":"12345","amount":"5000.00","payment_amount":"0.00","commission":"25.00","comment":null,"status":"process","payment_url":null,"payment_code":null,"payment_error_code":null,"payment_error":null,"currency":"RUB"}"#;
    let h2h = r#"{"id":"507122561","created_at":"2023-04-19T17:29:00+03:00","updated_at":"2023-04-19T17:29:01+03:00","action":"deposit","method":"h2h-a","payment_id":"332529680","order_id":"123","amount":"5000.00","payment_amount":"0.00","commission":"25.00","comment":null,"status":"process","payment_url":"https:\/\/h2h.ecomgate.online\/redirect\/TESTjO3Vqw8L86Nwem46YbMTEST","payment_code":null,"payment_error_code":null,"payment_error":null,"currency":"RUB","wallet_number":"79163072582","card_number":null}"#;
    let withdrawal = r#"{"id":"507311510","created_at":"2023-04-24T17:37:39+03:00","updated_at":"2023-04-24T17:37:39+03:00","action":"withdrawal","method":"card","payment_id":"363092417","order_id":"9911_4","account":"4242424242424242","amount":"22.00","payment_amount":"0.00","commission":"50.44","comment":null,"status":"process","payment_url":null,"payment_code":null,"payment_error_code":null,"payment_error":null,"currency":"RUB"}"#;
    let list = r#"{"items":[{"id":"507164249","created_at":"2023-04-20T18:47:01+03:00","updated_at":"2023-04-20T19:47:06+03:00","action":"deposit","method":"wallet-card","payment_id":"332538830","order_id":"911","account":"9222","amount":"20.00","payment_amount":"0.00","commission":"0.10","comment":null,"status":"expired","payment_url":null,"payment_code":null,"payment_error_code":null,"payment_error":null,"currency":"RUB"},{"id":"507122561","created_at":"2023-04-19T17:29:00+03:00","updated_at":"2023-04-19T18:29:03+03:00","action":"deposit","method":"wallet-card","payment_id":"332529680","order_id":"123","account":"12345","amount":"5000.00","payment_amount":"0.00","commission":"25.00","comment":null,"status":"expired","payment_url":null,"payment_code":null,"payment_error_code":null,"payment_error":null,"currency":"RUB"}],"page":{"number":1,"size":20}}"#;
    let expired = wallet_card
        .replace(r#""updated_at":"2023-04-19T17:29:01+03:00""#, r#""updated_at":"2023-04-19T18:29:03+03:00""#)
        .replace(r#""status":"process""#, r#""status":"expired""#);
    let cases: Vec<(&str, &str, String)> = vec![
        ("get_balance", "success", r#"{"balance":"0.00"}"#.into()),
        (
            "get_site_accounts",
            "success",
            r#"{"items":[{"id":"18","is_default":true,"currency":"RUB","balance":"0.00","commission":"0.00"}],"page":{"number":1,"size":1}}"#.into(),
        ),
        ("get_site_account", "success", r#"{"id":"18","is_default":true,"currency":"RUB","balance":"0.00","commission":"0.00"}"#.into()),
        ("get_transactions", "success", list.into()),
        ("get_transaction", "success", wallet_card.into()),
        ("get_transaction", "success", expired.clone()),
        ("create_deposit_transaction_legacy", "success", wallet_card.into()),
        ("create_deposit_transaction_legacy", "success", h2h.into()),
        ("create_withdrawal_transaction_legacy", "success", withdrawal.into()),
        (
            "create_deposit_transaction",
            "success",
            r#"{"id":"516551333","amount":"100.00","commission":"2.00","card_number":"4242424242424242","last_name":"test","first_name":"test","middle_name":"test"}"#.into(),
        ),
        ("create_withdrawal_transaction", "success", r#"{"id":"516551132","amount":"101.00","commission":"3.54"}"#.into()),
        ("create_withdrawal_transaction", "success", r#"{"id":"516551479","amount":"101.00","commission":"2.02"}"#.into()),
        (
            "get_withdrawal_rate",
            "success",
            r#"{"rate":"82.7800","amount":"165.56","message":"\u0412\u044b\u0432\u043e\u0434 \u043d\u0430 \u0441\u0443\u043c\u043c\u0443: 165.56\u20bd, \u043f\u043e \u043a\u0443\u0440\u0441\u0443: 1$ = 82.78\u20bd"}"#.into(),
        ),
        (
            "get_sbp_banks",
            "success",
            r#"[{"code":"100000000004","name":"\u0422\u0438\u043d\u044c\u043a\u043e\u0444\u0444 \u0411\u0430\u043d\u043a"},{"code":"110000000005","name":"\u0411\u0430\u043d\u043a \u0412\u0422\u0411"}]"#.into(),
        ),
        ("create_invoice", "success", r#"{"id":"511727028","payment_url":"https:\/\/pay.castelvania.net\/69d039ce-ef4f-4da8-b28f-48e71c203417"}"#.into()),
        ("get_transaction", "error", r#"{"error":"Transaction not exists"}"#.into()),
        (
            "create_deposit_transaction",
            "error",
            r#"{"message":"The given data was invalid","errors":{"amount":["Min amount is 100.00"]}}"#.into(),
        ),
        (
            "create_withdrawal_transaction",
            "error",
            r#"{"message":"The given data was invalid","errors":{"amount":["Min amount is 100.00."]}}"#.into(),
        ),
        (
            "create_withdrawal_transaction_legacy",
            "error",
            r#"{"message":"Validation failed","errors":{"method":["\u0412\u044b\u0431\u0440\u0430\u043d\u043d\u043e\u0435 \u0412\u0430\u043c\u0438 \u0437\u043d\u0430\u0447\u0435\u043d\u0438\u0435 \u043d\u0435\u0434\u043e\u043f\u0443\u0441\u0442\u0438\u043c\u043e."]}}"#.into(),
        ),
    ];
    let mut failures = Vec::new();
    for (operation, kind, body) in &cases {
        match pspkit_tests::decode_example("firekassa", operation, kind, body) {
            Some(Ok(())) => {}
            Some(Err(e)) => failures.push(format!("{operation} ({kind}): {e}\n  {body}")),
            None => failures.push(format!("{operation}: no generated {kind} type")),
        }
    }
    assert!(failures.is_empty(), "recorded replies that no longer decode:\n{}", failures.join("\n"));
}

#[test]
fn a_date_is_yyyy_mm_dd_in_the_years_1_to_9999() {
    use pspkit::Date;
    let leap: Date = "2024-02-29".parse().expect("a date");
    assert_eq!(leap.to_string(), "2024-02-29");
    assert_eq!(serde_json::to_string(&leap).unwrap(), r#""2024-02-29""#);
    for bad in ["0000-01-01", "+12345-01-01", "2023-02-29", "2024-1-5", "2024-01-01T00:00:00Z", ""] {
        assert!(bad.parse::<Date>().is_err(), "{bad}");
        assert!(serde_json::from_str::<Date>(&format!("{bad:?}")).is_err(), "{bad}");
    }
}
