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

    let currencies = client.get_available_currencies().await?;
    println!("{} currencies available", currencies.len());
    let body: types::CreateOrderBody = serde_json::from_value(serde_json::json!({
        "currency": "USDT", "network": "tron", "amount": "25.50", "order": "invoice-88", "lifetime": 1800
    }))?;
    // not deduplicated by OnChainPay: pspkit never retries it once it may have arrived
    let order = client.create_order(&body).await?;
    let order_id = order.order_id.clone().unwrap_or_default();
    println!("order {order_id}: {:?} {:?}", order.amount, order.status);
    let detail = client.get_order(&serde_json::from_value(serde_json::json!({"orderId": order_id}))?).await?;
    println!("read back: {:?}", detail.status);
    let count =
        client.list_orders_all(&types::ListOrdersBody::default(), PageOptions::new().page_size(50)).count().await;
    println!("{count} orders listed by offset");
    Ok(())
}
