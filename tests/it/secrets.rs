//! No secret appears in `Debug`, `Display`, error messages or tracing output, while the same
//! secrets demonstrably reach the server (so the scan is not vacuous).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use pspkit_tests::{ScriptedServer, Step, keys};
use serde_json::json;

const SECRETS: [&str; 4] =
    ["sk_live_SECRET_onepay_9f8e7d", "fk-SIGN-SECRET-77", "ocp-SECRET-KEY-55aa", "fk-BEARER-SECRET-31"];

/// A tracing subscriber that writes every span and event field into one string.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let _ = write!(self.0, " {}={:?}", field.name(), value);
    }
}

impl tracing::Subscriber for Capture {
    fn register_callsite(&self, _: &'static tracing::Metadata<'static>) -> tracing::subscriber::Interest {
        tracing::subscriber::Interest::sometimes()
    }
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut out = self.0.lock().unwrap();
        let _ = write!(out, "\nspan {}", span.metadata().name());
        span.record(&mut Fields(&mut out));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        let mut out = self.0.lock().unwrap();
        out.push_str("\nevent");
        event.record(&mut Fields(&mut out));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn secrets_never_show_in_debug_display_errors_or_traces() {
    // The process-wide subscriber (a thread-local one races with the interest cache of the
    // other tests in this binary); it then scans their traffic too.
    static CAPTURE: std::sync::OnceLock<Capture> = std::sync::OnceLock::new();
    let capture = CAPTURE
        .get_or_init(|| {
            let capture = Capture::default();
            tracing::subscriber::set_global_default(capture.clone())
                .expect("the only global subscriber in this binary");
            capture
        })
        .clone();
    let mut seen = String::new();

    let server = ScriptedServer::start(vec![Step::json(401, json!({"message": "Unauthenticated."}))]).await;
    let onepay = pspkit_onepay::OnePay::new(SECRETS[0]).unwrap().with_base_url(&server.base_url);
    let firekassa = pspkit_firekassa::FireKassa::new_signed(&server.base_url, SECRETS[3], SECRETS[1]).unwrap();
    let onchainpay =
        pspkit_onchainpay::OnChainPay::new("public-1", SECRETS[2]).unwrap().with_base_url(&server.base_url);
    let firstpay =
        pspkit_firstpay::FirstPay::new(&server.base_url, keys::FIRSTPAY_PUBLIC_PEM, keys::MERCHANT_PRIVATE_PEM)
            .unwrap();
    let _ = writeln!(
        seen,
        "{onepay:?}\n{firekassa:?}\n{onchainpay:?}\n{firstpay:?}\n{:?}\n{:?}",
        onepay.context(),
        onepay.raw()
    );

    let errors = [
        onepay.list_cashouts().send().await.unwrap_err(),
        firekassa.get_balance().send().await.unwrap_err(),
        onchainpay.get_available_currencies().send().await.unwrap_err(),
    ];
    for e in &errors {
        let _ = writeln!(seen, "{e}\n{e:?}");
    }
    // a transport failure too (nothing listens on the port)
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let policy = pspkit::RetryPolicy { max_attempts: 1, ..Default::default() };
    let e =
        onepay.with_base_url(&format!("http://{closed}")).with_policy(policy).get_balance().send().await.unwrap_err();
    let _ = writeln!(seen, "{e}\n{e:?}");
    let _ = writeln!(seen, "{:?} {}", pspkit::SecretString::from(SECRETS[0]), pspkit::SecretString::from(SECRETS[0]));

    let traces = capture.0.lock().unwrap().clone();
    assert!(traces.contains("pspkit.attempt"), "attempts are traced: {traces}");
    assert!(traces.contains("provider=\"onepay\"") && traces.contains("status=401"), "{traces}");
    for secret in SECRETS {
        assert!(!seen.contains(secret), "{secret} leaked into:\n{seen}");
        assert!(!traces.contains(secret), "{secret} leaked into traces:\n{traces}");
    }
    assert!(!seen.contains("PRIVATE KEY"), "the RSA private key leaked:\n{seen}");

    // the scan is meaningful: the server did receive these secrets
    let wire: String = server.received().iter().flat_map(|r| r.headers.iter().map(|(_, v)| v.clone())).collect();
    for secret in [SECRETS[0], SECRETS[3]] {
        assert!(wire.contains(secret), "{secret} was sent");
    }
}

#[test]
fn a_body_naming_a_secret_is_not_quoted_in_an_error_message() {
    // a create-API-key or create-webhook answer that fails to decode still holds the secret
    let body = br#"{"data": 5, "secret": "whsec_live_0123456789"}"#;
    let decoded = pspkit::decode_answer::<pspkit_onepay::types::CashoutList>(
        &pspkit_onepay::SPEC,
        "listCashouts",
        200,
        &http::HeaderMap::new(),
        body,
    );
    let Err(err @ pspkit::Error::Decode(_)) = decoded else { panic!("decoded") };
    assert!(!err.to_string().contains("whsec_live"), "{err}");
    assert!(!format!("{err:?}").contains("whsec_live"), "{err:?}");
    assert!(err.to_string().contains("data"), "the path is still named: {err}");
    let pspkit::Error::Decode(d) = &err else { unreachable!() };
    assert!(d.raw_body.contains("whsec_live"), "the body is kept whole");
    // a body without such a field is still quoted, to show what came
    let plain = pspkit::decode_answer::<pspkit_onepay::types::CashoutList>(
        &pspkit_onepay::SPEC,
        "listCashouts",
        200,
        &http::HeaderMap::new(),
        br#"{"data": 5}"#,
    );
    assert!(plain.expect_err("no list").to_string().contains(r#"{"data": 5}"#));
}

#[test]
fn one_rule_names_secret_fields_in_any_case_or_separator() {
    use pspkit::secret::{is_secret_field, names_a_secret_field};
    for name in [
        "secret",
        "secretKey",
        "api_key",
        "apiKey",
        "API-KEY",
        "webhook_token",
        "private_pem",
        "password",
        "cvv",
        "card_number",
        "cardNumber",
        "card_expire_month",
        "signature",
        "otp",
        "pin",
        "card_pin",
        "cardPin",
        "header",
        "Authorization",
        "Set-Cookie",
    ] {
        assert!(is_secret_field(name), "{name} is secret");
    }
    for name in ["amount", "shipping", "spinner", "pinned_note", "headers", "reference", "status", "tokenless"] {
        let expected = name == "tokenless"; // a name holding `token` is masked, erring on the safe side
        assert_eq!(is_secret_field(name), expected, "{name}");
    }
    // keys count, values do not: a provider's "invalid signature" message is still shown
    assert!(names_a_secret_field(r#"{"message": "ok", "secretKey": "x"}"#));
    assert!(names_a_secret_field(r#"{"a": {"card_number" : "4111"}}"#));
    assert!(!names_a_secret_field(r#"{"message": "invalid signature", "code": "E42"}"#));
    // a field named by a value, and form bodies
    assert!(names_a_secret_field(r#"{"fields": [{"key": "password", "value": "hunter2"}]}"#));
    assert!(names_a_secret_field("grant=1&access_token=abc"));
    assert!(!names_a_secret_field("<html><body>Bad gateway: token service down</body></html>"));
    // cut off inside a key: judged on what is there
    assert!(names_a_secret_field(r#"{"data": [], "password"#));
}

#[test]
fn the_generated_client_underneath_never_prints_a_password_of_the_base_url() {
    let client =
        pspkit_onepay::OnePay::new("sk_test_1").unwrap().with_base_url("https://merchant:hunter2@api.example/v1");
    let shown = format!("{client:?} {:?}", client.raw());
    assert!(!shown.contains("hunter2") && !shown.contains("merchant"), "{shown}");
    assert!(shown.contains("https://api.example/v1"), "the URL is still shown: {shown}");
    // the requests pspkit builds still use the base URL as given
    assert_eq!(client.base_url(), "https://merchant:hunter2@api.example/v1");
}

/// Every text field whose name the secret-name rule matches (`card_number`, `card_cvv`, `otp`,
/// `password`, a `token` or `secret` a provider hands out) carries `x-sensitive: true` in its
/// spec, which types it `pspkit::Sensitive` (a redacted `Debug`): a field added without the mark
/// fails here, naming it.
#[test]
fn every_text_field_named_like_a_secret_is_marked_sensitive() {
    let mut marked = 0;
    for provider in pspkit_tests::PROVIDERS {
        let spec = pspkit_codegen::Spec::load(pspkit_tests::spec_path(provider)).expect("spec");
        pspkit_codegen::spec::walk_schemas(&spec.doc, &mut |schema, site| {
            let Some((parent, name)) = site.pointer.rsplit_once('/') else { return };
            if !parent.ends_with("/properties") {
                return;
            }
            let plain_text = schema.get("type") == Some(&json!("string")) && schema.get("format").is_none();
            let sensitive = schema.get("x-sensitive") == Some(&json!(true));
            if plain_text && pspkit::secret::is_secret_field(name) {
                assert!(sensitive, "{provider}: {} is named like a secret but not marked x-sensitive", site.pointer);
            }
            marked += usize::from(sensitive);
        });
        // parameters: the name is the parameter's own (a header's, a query's)
        for (site, param) in pspkit_codegen::spec::all_parameters(&spec.doc) {
            let (Some(name), Some(schema)) = (param.get("name").and_then(|n| n.as_str()), param.get("schema")) else {
                continue;
            };
            let plain_text = schema.get("type") == Some(&json!("string")) && schema.get("format").is_none();
            if plain_text && pspkit::secret::is_secret_field(name) {
                assert!(
                    schema.get("x-sensitive") == Some(&json!(true)),
                    "{provider}: the parameter {name} ({}) is named like a secret but not marked x-sensitive",
                    site.pointer
                );
            }
        }
    }
    assert!(marked >= 30, "only {marked} fields are marked x-sensitive");
}

/// A parameter marked `x-sensitive` (OnePay's customer session token, a FireKassa card number
/// to filter by), a caller's extra header, and the values of its extra query parameters and
/// body fields (a provider's newer field may hold anything) are absent from the request builder's
/// `Debug`, while the requests, sent over HTTP, carry them as given.
#[tokio::test]
async fn sensitive_parameters_and_extra_headers_are_redacted_in_a_builders_debug() {
    let server = ScriptedServer::start(vec![
        Step::json(200, json!({"data": []})),
        Step::json(200, json!({"items": [], "page": {}})),
    ])
    .await;
    let onepay = pspkit_onepay::OnePay::new("sk_test_1").unwrap().with_base_url(&server.base_url);
    let session = onepay
        .list_session_payment_methods("12|session-TOKEN-5150")
        .header("X-Trace-Key", "trace-KEY-77")
        .query_param("holder", "query-HOLDER-31");
    let cashout = pspkit_onepay::types::CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(150_000)
        .currency("COP")
        .customer_id("cus-1")
        .method(pspkit_onepay::types::CashoutMethod::from("ACH"))
        .build()
        .expect("a complete body");
    let extra = onepay.create_cashout(cashout).body_field("card", json!("4000056655665556"));
    let firekassa = pspkit_firekassa::FireKassa::new_signed(&server.base_url, "fk-token", "fk-sign").unwrap();
    let card: pspkit_firekassa::types::GetTransactionsFilterAccount =
        "4111111111111111".parse().expect("a card number");
    let filtered = firekassa.get_transactions().filter_account(card);
    let shown = format!("{session:?}\n{filtered:?}\n{extra:?}");
    for value in ["session-TOKEN-5150", "trace-KEY-77", "4111111111111111", "query-HOLDER-31", "4000056655665556"] {
        assert!(!shown.contains(value), "{value} shows in {shown}");
    }
    assert!(shown.contains("x_customer_token: Some(\"[redacted]\")"), "the field is named: {shown}");
    assert!(shown.contains("filter_account: Some(\"[redacted]\")"), "{shown}");
    assert!(shown.contains("ListSessionPaymentMethods"), "{shown}");
    assert!(shown.contains("(\"holder\", \"[redacted]\")") && shown.contains("(\"card\", \"[redacted]\")"), "{shown}");

    let _ = session.send().await;
    let _ = filtered.send().await;
    let received = server.received();
    assert_eq!(received.len(), 2, "both requests were sent");
    let header =
        |name: &str| received[0].headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str());
    assert_eq!(header("x-customer-token"), Some("12|session-TOKEN-5150"));
    assert_eq!(header("x-trace-key"), Some("trace-KEY-77"));
    assert!(received[1].target.contains("4111111111111111"), "{}", received[1].target);
    assert!(received[0].target.ends_with("holder=query-HOLDER-31"), "{}", received[0].target);
}

/// A FireKassa transaction's `account` (the card number a payout went to) and `card_number`
/// are decoded from the sandbox over HTTP, readable with `expose()`, and absent from `Debug`.
#[tokio::test]
async fn card_data_in_a_response_is_redacted_in_debug() {
    let sandbox =
        pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 5, ..Default::default() }).await.expect("sandbox");
    let c = sandbox.credentials();
    let firekassa = pspkit_firekassa::FireKassa::new_signed(
        &sandbox.base_url("firekassa"),
        &c.firekassa_token,
        c.firekassa_sign_token.as_deref().expect("the sandbox's site signs"),
    )
    .expect("client");
    let list = firekassa.get_transactions().send().await.expect("transactions");
    let accounts: Vec<&str> =
        list.items.iter().filter_map(|t| t.account.as_ref()).map(pspkit::Sensitive::expose).collect();
    assert!(!accounts.is_empty(), "the sandbox's transactions carry an account");
    let shown = format!("{list:?}");
    assert!(shown.contains("Sensitive([redacted])"), "{shown}");
    for account in accounts {
        assert!(!shown.contains(&format!("\"{account}\"")), "{account} shows in {shown}");
    }
}

/// A body naming a field the provider's spec marks `x-sensitive` is not quoted in an error
/// message either (FireKassa's `account` is not a secret by its name alone).
#[test]
fn a_body_naming_a_sensitive_field_is_not_quoted_in_an_error_message() {
    let decode = |body: &[u8]| {
        pspkit::decode_answer::<pspkit_firekassa::types::TransactionList>(
            &pspkit_firekassa::SPEC,
            "getTransactions",
            200,
            &http::HeaderMap::new(),
            body,
        )
        .expect_err("not a list")
    };
    let err = decode(br#"{"items": 5, "account": "4111111111111111"}"#);
    assert!(!err.to_string().contains("4111"), "{err}");
    assert!(!format!("{err:?}").contains("4111"), "{err:?}");
    // a card number sent as a JSON number: serde's message would quote the value it refused
    let err = decode(br#"{"items": [{"account": 4111111111111111}], "page": {}}"#);
    let pspkit::Error::Decode(d) = &err else { panic!("{err}") };
    assert!(d.path.ends_with("account"), "the field is still named: {err}");
    assert!(!err.to_string().contains("4111") && !format!("{err:?}").contains("4111"), "{err}");
    assert!(decode(br#"{"items": 5}"#).to_string().contains(r#"{"items": 5}"#));
}

#[test]
fn a_sensitive_value_is_redacted_in_debug_and_sent_as_itself() {
    let body = pspkit_tests::card_payout();
    assert!(!format!("{body:?}").contains("4111"), "{body:?}");
    let wire = serde_json::to_value(&body).expect("serialized");
    assert_eq!(wire["account"], json!("4111111111111111"));
}

/// A provider that echoes a card number in its error (message, field errors, a body without a
/// message) has it masked in the error's `Display` and `Debug`, down to its last four digits;
/// the error's fields and raw body keep what the provider sent.
#[tokio::test]
async fn card_numbers_a_provider_echoes_in_an_error_are_masked_in_messages() {
    let policy = pspkit::RetryPolicy { max_attempts: 1, ..Default::default() };
    let with_message = json!({"message": "La tarjeta 4111 1111 1111 1111 fue rechazada",
        "errors": [{"key": "card_number", "description": "4111111111111112 no es válida"},
                   {"key": "reference", "description": "order 4242424242424242 unknown"}]});
    // no message: the body itself is quoted, a card number at its 200-character cut included
    let cut = json!({"detail": format!("{}5555555555554444", "x".repeat(180))});
    let server = ScriptedServer::start(vec![Step::json(422, &with_message), Step::json(402, &cut)]).await;
    let onepay = pspkit_onepay::OnePay::new("sk_test_1").unwrap().with_base_url(&server.base_url).with_policy(policy);
    for (sent, card) in [(&with_message, "4111"), (&cut, "555555")] {
        let err = onepay.get_balance().send().await.expect_err("an error answer");
        let shown = format!("{err}\n{err:?}");
        assert!(!shown.contains(&format!("{card} 1111")) && !shown.contains(&format!("{card}1111")), "{shown}");
        assert!(!shown.contains("4111111111111112"), "a mistyped card number on a card field: {shown}");
        assert!(!shown.contains("55555555"), "no start of a card number at the cut: {shown}");
        let api = err.api().expect("an API error");
        assert_eq!(api.raw_body, sent.to_string(), "the body is kept as sent");
        if card == "4111" {
            assert!(shown.contains("La tarjeta [card number ending 1111] fue rechazada"), "{shown}");
            assert!(shown.contains("card_number: [card number ending 1112] no es válida"), "{shown}");
            assert!(shown.contains("order [card number ending 4242] unknown"), "{shown}");
            assert_eq!(api.message.as_deref(), with_message["message"].as_str(), "the field keeps the message");
        }
    }
}

#[test]
fn card_numbers_are_masked_where_they_stand_as_numbers_of_their_own() {
    use pspkit::secret::mask_card_numbers as mask;
    assert_eq!(mask("card 4111-1111-1111-1111."), "card [card number ending 1111].");
    assert_eq!(mask("4000056655665556"), "[card number ending 5556]");
    assert_eq!(mask("amount 100 4111111111111111"), "amount 100 [card number ending 1111]");
    // a card number followed by more digits in the same run: its expiry, a year
    assert_eq!(mask("card 4111 1111 1111 1111 12/28"), "card [card number ending 1111] 12/28");
    assert_eq!(mask("4111111111111111 2028 declined"), "[card number ending 1111] 2028 declined");
    assert_eq!(mask("5555-5555-5555-4444-12-28"), "[card number ending 4444]-12-28");
    // not card numbers: a failed checksum, part of a word, too short or too long, an id
    for text in [
        "4111111111111112",
        "id4111111111111111",
        "4111111111111111ab",
        "411111111111",
        "41111111111111111111",
        "ts 1700000000000",
        "2026-12-03 10:00",
    ] {
        assert_eq!(mask(text), text);
    }
    // a long run of one-digit groups is read in linear time (a quadratic reading would not end)
    let hostile = "1 ".repeat(1_000_000);
    assert_eq!(mask(&hostile).len(), hostile.len());
}
