//! Either-or request fields (`x-require-one-of`) of OnChainPay, checked by the typed client
//! before anything is sent: a call missing every field of a group fails with
//! `Error::InvalidRequest` naming the group, and the server sees nothing; the same call with one
//! field of the group is sent.

use pspkit::{Decimal, Error};
use pspkit_onchainpay::OnChainPay;
use pspkit_onchainpay::types::{
    CreateAutoSwapBody, CreateAutoWithdrawalBody, GetLastAddressTransactionBody, GetPersonalUserBody,
    GetSwapFeeTokenBody,
};
use pspkit_tests::{ScriptedServer, Step};
use serde_json::json;

fn client(server: &ScriptedServer) -> OnChainPay {
    OnChainPay::new("pub", "secret").expect("client").with_base_url(&server.base_url)
}

fn amount(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

const BTC_ADDRESS: &str = "1CGuTUAx7icKniPVKGiyiT7QLycpkxULLP";

/// `missing` leaves out every field of the group; `given` adds one of them.
macro_rules! either_or_test {
    ($name:ident, $method:ident, $fields:expr, missing: $missing:expr, given: $given:expr) => {
        #[tokio::test]
        async fn $name() {
            let server = ScriptedServer::start(vec![Step::json(200, json!({"success": true, "response": {}}))]).await;
            let client = client(&server);

            let err = client.$method($missing.build().expect("body")).send().await.expect_err("the group is missing");
            let Error::InvalidRequest { operation, field, rule } = &err else { panic!("{err:?}") };
            assert_eq!(*operation, stringify!($method));
            assert_eq!(field, $fields, "the error names the group");
            assert!(rule.contains("at least one of"), "{rule}");
            assert!(server.received().is_empty(), "nothing reached the server");

            let sent = client.$method($given.build().expect("body")).send().await;
            assert!(!matches!(sent, Err(Error::InvalidRequest { .. })), "{sent:?}");
            assert_eq!(server.received().len(), 1, "with one field of the group the call is sent");
        }
    };
}

either_or_test!(create_auto_swap_needs_amount_from_or_to, create_auto_swap, "amountFrom | amountTo",
    missing: CreateAutoSwapBody::builder().address(BTC_ADDRESS).currency("BTC").network("bitcoin"),
    given: CreateAutoSwapBody::builder().address(BTC_ADDRESS).currency("BTC").network("bitcoin").amount_to(amount("0.1")));

either_or_test!(create_auto_withdrawal_needs_amount_from_or_to, create_auto_withdrawal, "amountFrom | amountTo",
    missing: CreateAutoWithdrawalBody::builder().address(BTC_ADDRESS).currency("BTC").network("bitcoin"),
    given: CreateAutoWithdrawalBody::builder().address(BTC_ADDRESS).currency("BTC").network("bitcoin").amount_from(1000));

either_or_test!(get_last_address_transaction_needs_id_or_address, get_last_address_transaction, "id | address",
    missing: GetLastAddressTransactionBody::builder(),
    given: GetLastAddressTransactionBody::builder().address("TXk8rQSAvPvBBNtqSoY6nCfsXWCSSpTVQF"));

either_or_test!(get_personal_user_needs_id_or_client_id, get_personal_user, "id | clientId",
    missing: GetPersonalUserBody::builder(),
    given: GetPersonalUserBody::builder().client_id("user-10045"));

either_or_test!(get_swap_fee_token_needs_an_amount, get_swap_fee_token, "amount | amountFrom | amountTo",
    missing: GetSwapFeeTokenBody::builder().currency_from("USDT").currency_to("ETH").network_from("tron").network_to("ethereum"),
    given: GetSwapFeeTokenBody::builder().currency_from("USDT").currency_to("ETH").network_from("tron").network_to("ethereum").amount_to(amount("0.36")));
