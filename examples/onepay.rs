//! OnePay against the sandbox: create a cashout with an idempotency key, read it back, list
//! cashouts across pages. `cargo run -p pspkit-examples --example onepay`

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use pspkit_onepay::{OnePay, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 120, ..Default::default() }).await?;
    // with a real account: OnePay::from_env()? (PSPKIT_ONEPAY_SECRET_KEY)
    let client =
        OnePay::new(sandbox.credentials().onepay_secret_key.as_str())?.with_base_url(&sandbox.base_url("onepay"));

    let request = types::CreateCashoutRequest::builder()
        .account_id("acc-1")
        .amount(150_000)
        .currency("COP")
        .customer_id("cus-1")
        .method(types::CashoutMethod::Ach)
        .build()?;
    // the same key on a retry (by pspkit or by you) never pays twice
    let cashout = client.create_cashout(request).idempotency_key("payout-0001").send().await?;
    let id = cashout.id.clone();
    println!("created cashout {id}: {:?} {:?}", cashout.amount, cashout.status);
    let again = client.get_cashout(&id).send().await?;
    println!("read back: {:?}", again.status);

    let mut listed = 0;
    let mut cashouts = client.list_cashouts().stream(PageOptions::new().page_size(50));
    while let Some(c) = cashouts.next().await {
        c?;
        listed += 1;
    }
    println!("{listed} cashouts listed across pages");
    Ok(())
}
