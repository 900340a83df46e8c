//! OnlyOnePays against the sandbox: balances, and a search of payouts in a date range, page by
//! page. `cargo run -p pspkit-examples --example onlyonepays`

use futures_util::StreamExt;
use pspkit::paginate::PageOptions;
use pspkit_onlyonepays::{OnlyOnePays, types};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: 120, ..Default::default() }).await?;
    let client = OnlyOnePays::new(sandbox.credentials().onlyonepays_api_key.as_str())?
        .with_base_url(&sandbox.base_url("onlyonepays"));
    let balances = client.get_account_balances().send().await?;
    println!("{} account balances", balances.items.len());
    let search = types::SearchOperationsRequest::builder()
        .type_(types::OperationType::Payout)
        .date_from("2026-03-01T00:00:00Z".parse::<pspkit::Timestamp>()?)
        .date_to("2026-09-30T23:59:59Z".parse::<pspkit::Timestamp>()?)
        .build()?;
    let mut pages = client.search_operations(search).pages(PageOptions::new().page_size(20));
    while let Some(page) = pages.next().await {
        let page = page?;
        println!("page {}: {} payouts", page.request.position, page.items.len());
    }
    Ok(())
}
