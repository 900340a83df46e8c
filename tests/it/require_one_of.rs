//! Either-or request fields (`x-require-one-of`) of OnChainPay, checked by the typed client
//! before anything is sent: a call missing every field of a group fails with
//! `Error::InvalidRequest` naming the group, and the server sees nothing; the same call with one
//! field of the group is sent.

use pspkit::Error;
use pspkit_onchainpay::OnChainPay;
use pspkit_tests::{ScriptedServer, Step};
use serde_json::{Value, json};

fn client(server: &ScriptedServer) -> OnChainPay {
    OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url)
}

fn body<T: serde::de::DeserializeOwned>(value: Value) -> T {
    serde_json::from_value(value).expect("request body")
}

/// `missing` leaves out every field of the group; `given` adds one of them.
macro_rules! either_or_test {
    ($name:ident, $method:ident, $fields:expr, missing: $missing:expr, given: $given:expr) => {
        #[tokio::test]
        async fn $name() {
            let server = ScriptedServer::start(vec![Step::json(200, json!({"success": true, "response": {}}))]).await;
            let client = client(&server);

            let err = client.$method(&body($missing)).await.expect_err("the group is missing");
            let Error::InvalidRequest { operation, field, rule } = &err else { panic!("{err:?}") };
            assert_eq!(*operation, stringify!($method));
            assert_eq!(field, $fields, "the error names the group");
            assert!(rule.contains("at least one of"), "{rule}");
            assert!(server.received().is_empty(), "nothing reached the server");

            let sent = client.$method(&body($given)).await;
            assert!(!matches!(sent, Err(Error::InvalidRequest { .. })), "{sent:?}");
            assert_eq!(server.received().len(), 1, "with one field of the group the call is sent");
        }
    };
}

either_or_test!(create_auto_swap_needs_amount_from_or_to, create_auto_swap, "amountFrom | amountTo",
    missing: json!({"address": "1CGuTUAx7icKniPVKGiyiT7QLycpkxULLP", "currency": "BTC", "network": "bitcoin"}),
    given: json!({"address": "1CGuTUAx7icKniPVKGiyiT7QLycpkxULLP", "currency": "BTC", "network": "bitcoin", "amountTo": "0.1"}));

either_or_test!(create_auto_withdrawal_needs_amount_from_or_to, create_auto_withdrawal, "amountFrom | amountTo",
    missing: json!({"address": "1CGuTUAx7icKniPVKGiyiT7QLycpkxULLP", "currency": "BTC", "network": "bitcoin"}),
    given: json!({"address": "1CGuTUAx7icKniPVKGiyiT7QLycpkxULLP", "currency": "BTC", "network": "bitcoin", "amountFrom": "1000"}));

either_or_test!(get_last_address_transaction_needs_id_or_address, get_last_address_transaction, "id | address",
    missing: json!({}),
    given: json!({"address": "TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF"}));

either_or_test!(get_personal_user_needs_id_or_client_id, get_personal_user, "id | clientId",
    missing: json!({}),
    given: json!({"clientId": "user-10045"}));

either_or_test!(get_swap_fee_token_needs_an_amount, get_swap_fee_token, "amount | amountFrom | amountTo",
    missing: json!({"currencyFrom": "USDT", "currencyTo": "ETH", "networkFrom": "tron", "networkTo": "ethereum"}),
    given: json!({"currencyFrom": "USDT", "currencyTo": "ETH", "networkFrom": "tron", "networkTo": "ethereum", "amountTo": "0.36"}));
