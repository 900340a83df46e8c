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
    let pay_in = types::PaymentRequest::builder()
        .account_id(7)
        .amount("100.5".parse::<pspkit::Decimal>()?)
        .payment_method_id("pm_bkash")
        .merchant_payment_id("order-42")
        .client_fields_values(vec![types::ClientFieldValue::builder().key("phone").value("+8801700000000").build()?])
        .build()?;
    let payment = client.create_pay_in(pay_in).send().await?;
    println!("pay-in {:?}: {:?}", payment.id, payment.status);
    let status = client
        .get_payment_status(types::PaymentStatusRequest::builder().merchant_payment_id("order-42").build()?)
        .send()
        .await?;
    println!("status by merchant id: {:?}", status.status);
    let year = types::PaymentsListRequest::builder()
        .created_at_from(1_767_225_600_000_i64)
        .created_at_to(1_798_761_599_000_i64)
        .build()?;
    let count = client.list_payments(year).stream(PageOptions::new().page_size(40)).count().await;
    println!("{count} payments of 2026, by keyset");
    Ok(())
}
