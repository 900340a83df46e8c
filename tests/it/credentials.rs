//! Clients built from the keys each spec declares (`x-credentials`): a missing key names itself
//! and its variable before anything is sent, secrets stay out of `Debug`, and clients built from
//! a lookup authenticate (and sign) against the sandbox over real HTTP.

use std::collections::HashMap;

use pspkit::Error;

fn lookup(pairs: &[(&str, &str)]) -> impl FnMut(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    move |name| map.get(name).cloned()
}

fn config_message(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn a_missing_or_blank_key_is_named_with_its_variable() {
    let message = config_message(pspkit_onepay::Keys::from_lookup(lookup(&[])));
    assert!(message.contains("`secret_key` is missing") && message.contains("PSPKIT_ONEPAY_SECRET_KEY"), "{message}");
    let message =
        config_message(pspkit_onchainpay::Keys::from_lookup(lookup(&[("public_key", "pk"), ("secret_key", "  ")])));
    assert!(message.contains("`secret_key`") && message.contains("PSPKIT_ONCHAINPAY_SECRET_KEY"), "{message}");
    // an optional key may be absent
    let keys = pspkit_firekassa::Keys::from_lookup(lookup(&[("token", "t")])).expect("the sign token is optional");
    assert!(keys.sign_token.is_none());
}

#[test]
fn a_merchant_hosted_api_needs_a_base_url() {
    let message = config_message(pspkit_firekassa::FireKassa::from_lookup(None, lookup(&[("token", "t")])));
    assert!(message.contains("base_url") && message.contains("PSPKIT_FIREKASSA_BASE_URL"), "{message}");
    let message = config_message(pspkit_firstpay::FirstPay::from_lookup(
        None,
        lookup(&[("public_key", "p"), ("private_key", "k")]),
    ));
    assert!(message.contains("PSPKIT_FIRSTPAY_BASE_URL"), "{message}");
    // elsewhere the spec's server is the default
    let client = pspkit_onepay::OnePay::from_lookup(None, lookup(&[("secret_key", "sk_test_x")])).expect("client");
    assert_eq!(client.base_url(), pspkit_onepay::SPEC.default_base_url);
}

#[test]
fn keys_keep_secrets_out_of_debug_and_show_public_keys() {
    let keys =
        pspkit_onchainpay::Keys::from_lookup(lookup(&[("public_key", "pk-visible"), ("secret_key", "sk-HIDDEN-1")]))
            .expect("keys");
    let shown = format!("{keys:?}");
    assert!(shown.contains("pk-visible") && !shown.contains("sk-HIDDEN-1"), "{shown}");
    let keys = pspkit_firekassa::Keys::from_lookup(lookup(&[("token", "tok-HIDDEN"), ("sign_token", "sign-HIDDEN")]))
        .expect("keys");
    let shown = format!("{keys:?}");
    assert!(!shown.contains("HIDDEN"), "{shown}");
}

#[tokio::test]
async fn clients_from_a_lookup_authenticate_against_the_sandbox() {
    let sandbox =
        pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 5, ..Default::default() }).await.expect("sandbox");
    let c = sandbox.credentials();
    let sign = c.firekassa_sign_token.clone().expect("the sandbox's site signs");

    let onepay = pspkit_onepay::OnePay::from_lookup(
        Some(&sandbox.base_url("onepay")),
        lookup(&[("secret_key", c.onepay_secret_key.as_str())]),
    )
    .expect("client");
    assert!(!onepay.list_cashouts().send().await.expect("authenticated").data.is_empty());

    // the sandbox refuses an unsigned FireKassa request, so this checks the sign token is used
    let firekassa = pspkit_firekassa::FireKassa::from_lookup(
        Some(&sandbox.base_url("firekassa")),
        lookup(&[("token", c.firekassa_token.as_str()), ("sign_token", sign.as_str())]),
    )
    .expect("client");
    firekassa.get_balance().send().await.expect("signed and authenticated");
    let unsigned = pspkit_firekassa::FireKassa::from_lookup(
        Some(&sandbox.base_url("firekassa")),
        lookup(&[("token", c.firekassa_token.as_str())]),
    )
    .expect("client");
    assert!(unsigned.get_balance().send().await.is_err(), "the sandbox must refuse an unsigned request");

    let onchainpay = pspkit_onchainpay::OnChainPay::from_lookup(
        Some(&sandbox.base_url("onchainpay")),
        lookup(&[("public_key", c.onchainpay_public_key.as_str()), ("secret_key", c.onchainpay_secret_key.as_str())]),
    )
    .expect("client");
    let wrong = pspkit_onchainpay::OnChainPay::from_lookup(
        Some(&sandbox.base_url("onchainpay")),
        lookup(&[("public_key", c.onchainpay_public_key.as_str()), ("secret_key", "not-the-secret")]),
    )
    .expect("client");
    onchainpay.list_advanced_balances().send().await.expect("signed with the secret key");
    assert!(wrong.list_advanced_balances().send().await.is_err(), "a wrong secret must be refused");
}
