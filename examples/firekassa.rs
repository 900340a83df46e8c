//! FireKassa against the sandbox: balance, a card withdrawal signed with the sign token, and the
//! transactions list until a short page. `cargo run -p pspkit-examples --example firekassa`

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use pspkit_firekassa::{FireKassa, Keys, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 120, ..Default::default() }).await?;
    let c = sandbox.credentials();
    // the sandbox's site has a sign token: every request is signed (FireKassa::new_signed)
    let client = FireKassa::from_keys(
        &sandbox.base_url("firekassa"),
        Keys {
            token: c.firekassa_token.as_str().into(),
            sign_token: c.firekassa_sign_token.as_deref().map(Into::into),
        },
    )?;
    println!("balance: {:?}", client.get_balance().send().await?.balance);
    let withdrawal = types::CreateWithdrawalRequest::builder()
        .account("4111111111111111")
        .amount("1500.00".parse::<pspkit::Decimal>()?)
        .order_id("w-1")
        .build()?;
    let made =
        client.create_withdrawal_transaction(types::CreateWithdrawalTransactionType::Card, withdrawal).send().await?;
    println!("withdrawal {:?}: {:?}", made.id, made.amount);
    let count = client.get_transactions().stream(PageOptions::new().page_size(50)).count().await;
    println!("{count} transactions listed");
    Ok(())
}
