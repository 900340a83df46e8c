//! FirstPay against the sandbox: a pay-in with an RSA-signed body, its status, and a keyset walk
//! of the payments of 2026. `cargo run -p pspkit-examples --example firstpay`

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use pspkit_firstpay::{FirstPay, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 120, ..Default::default() }).await?;
    // FirstPay's public key (sent as publicKey) and your RSA private key (signs every body)
    let client = FirstPay::new(
        &sandbox.base_url("firstpay"),
        &sandbox.credentials().firstpay_public_pem,
        include_str!("../crates/pspkit-sandbox/keys/merchant-private.pem"),
    )?;
    let pay_in: types::PaymentRequest = serde_json::from_value(serde_json::json!({
        "accountId": 7, "amount": 100.5, "paymentMethodId": "pm_bkash", "merchantPaymentId": "order-42",
        "clientFieldsValues": [{"key": "phone", "value": "+8801700000000"}]
    }))?;
    let payment = client.create_pay_in(&pay_in).await?;
    println!("pay-in {:?}: {:?}", payment.id, payment.status);
    let status = client
        .get_payment_status(&serde_json::from_value(serde_json::json!({"merchantPaymentId": "order-42"}))?)
        .await?;
    println!("status by merchant id: {:?}", status.status);
    let year: types::PaymentsListRequest = serde_json::from_value(
        serde_json::json!({"createdAtFrom": 1_767_225_600_000_i64, "createdAtTo": 1_798_761_599_000_i64}),
    )?;
    let count = client.list_payments_all(&year, PageOptions::new().page_size(40)).count().await;
    println!("{count} payments of 2026, by keyset");
    Ok(())
}
