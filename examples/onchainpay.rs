//! OnChainPay against the sandbox: create an order (signed, with a fresh nonce), read it back,
//! list orders by offset. `cargo run -p pspkit-examples --example onchainpay`

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use pspkit_onchainpay::{OnChainPay, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 120, ..Default::default() }).await?;
    let c = sandbox.credentials();
    let client = OnChainPay::new(&c.onchainpay_public_key, c.onchainpay_secret_key.as_str())?
        .with_base_url(&sandbox.base_url("onchainpay"));

    let currencies = client.get_available_currencies().send().await?;
    println!("{} currencies available", currencies.len());
    let body = types::CreateOrderBody::builder()
        .currency("USDT")
        .network("tron")
        .amount("25.50".parse::<pspkit::Decimal>()?)
        .order("invoice-88")
        .lifetime(1800)
        .build()?;
    // not deduplicated by OnChainPay: pspkit never retries it once it may have arrived
    let order = client.create_order(body).send().await?;
    let order_id = order.order_id.clone();
    println!("order {order_id}: {:?} {:?}", order.amount, order.status);
    let detail = client.get_order(types::GetOrderBody::builder().order_id(order_id).build()?).send().await?;
    println!("read back: {:?}", detail.status);
    let count =
        client.list_orders(types::ListOrdersBody::default()).stream(PageOptions::new().page_size(50)).count().await;
    println!("{count} orders listed by offset");
    Ok(())
}
