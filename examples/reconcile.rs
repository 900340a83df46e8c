//! The reconciliation demo: for each provider, list a date range with auto-pagination (with a
//! progress line), create a payout (with an idempotency key where the provider takes one),
//! survive injected faults (429, 503, a dropped connection) without a duplicate, verify a
//! webhook, and print a reconciliation table: count and sum per currency and status.
//!
//! It runs against the sandbox: an in-process one by default, so it needs nothing else. It exits
//! non-zero if anything is wrong.
//!
//! ```sh
//! cargo run -p pspkit-examples --example reconcile
//! PSPKIT_DEMO_SIZE=500 cargo run -p pspkit-examples --example reconcile   # a smaller data set
//! ```

use std::collections::BTreeMap;
use std::io::Write as _;
use std::process::ExitCode;

use futures_util::StreamExt;
use pspkit::paginate::{PageOptions, Pages};
use pspkit::{Decimal, Error, SecretString, Timestamp};
use pspkit_sandbox::{Fault, Provider, Sandbox};

type Failure = Box<dyn std::error::Error>;

/// One row of the table: (provider, currency, status) -> (count, sum).
type Table = BTreeMap<(String, String, String), (u64, Decimal)>;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nreconciliation FAILED: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Walks a list with a progress line, adding every item to the table.
async fn walk<T: Send + 'static>(
    provider: &str,
    mut pages: Pages<T>,
    table: &mut Table,
    row: impl Fn(&T) -> (String, String, Option<Decimal>),
) -> Result<u64, Error> {
    let mut items = 0u64;
    let mut count = 0u64;
    while let Some(page) = pages.next().await {
        let page = page?;
        count += 1;
        for item in &page.items {
            let (currency, status, amount) = row(item);
            let entry = table.entry((provider.to_owned(), currency, status)).or_insert((0, Decimal::ZERO));
            entry.0 += 1;
            entry.1 += amount.unwrap_or_default();
        }
        items += page.items.len() as u64;
        eprint!("\r  {provider:<12} paging: {count:>3} pages, {items:>5} items");
        let _ = std::io::stderr().flush();
    }
    eprintln!();
    Ok(items)
}

fn check(ok: bool, what: &str) -> Result<(), Failure> {
    if ok {
        println!("  ok  {what}");
        Ok(())
    } else {
        Err(format!("check failed: {what}").into())
    }
}

fn created(sandbox: &Sandbox, provider: &str, kind: &str) -> u64 {
    sandbox.inspect()["created"][provider][kind].as_u64().unwrap_or(0)
}

async fn run() -> Result<(), Failure> {
    let size: usize = std::env::var("PSPKIT_DEMO_SIZE").ok().and_then(|s| s.parse().ok()).unwrap_or(3000);
    let inbox = pspkit_sandbox::Inbox::start().await?;
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config {
        seed_size: size,
        webhook_url: Some(inbox.url.clone()),
        ..Default::default()
    })
    .await?;
    let creds = sandbox.credentials().clone();
    println!("pspkit reconciliation demo against the sandbox at {}\n", sandbox.url());
    let mut table = Table::new();
    let all = PageOptions::new().page_size(100);

    // OnlyOnePays: read-only aggregator, operations of May-August 2026
    println!("OnlyOnePays");
    let onlyonepays = pspkit_onlyonepays::OnlyOnePays::new(creds.onlyonepays_api_key.as_str())?
        .with_base_url(&sandbox.base_url("onlyonepays"));
    let range = pspkit_onlyonepays::types::SearchOperationsRequest::builder()
        .date_from("2026-05-01T00:00:00Z".parse::<Timestamp>()?)
        .date_to("2026-08-31T23:59:59Z".parse::<Timestamp>()?)
        .build()?;
    sandbox.inject(&[Fault::RateLimited(0), Fault::Status(503)]);
    let n = walk("onlyonepays", onlyonepays.search_operations(range).pages(all.clone()), &mut table, |o| {
        (
            o.currency.map_or("?".into(), |c| c.to_string()),
            o.status.clone().unwrap_or_default(),
            o.amount_local.map(|a| a.value()),
        )
    })
    .await?;
    check(n > 0 && n < size as u64, "a date range of operations, paged past a 429 and a 503")?;

    // OnePay: cashouts, created with an idempotency key through a dropped connection
    println!("OnePay");
    let onepay =
        pspkit_onepay::OnePay::new(creds.onepay_secret_key.as_str())?.with_base_url(&sandbox.base_url("onepay"));
    let request = pspkit_onepay::types::CreateCashoutRequest::builder()
        .account_id("acc-7")
        .amount(250_000)
        .currency("COP")
        .customer_id("cus-7")
        .method(pspkit_onepay::types::CashoutMethod::Ach)
        .external_id("payout-2026-11-21-001")
        .build()?;
    sandbox.inject(&[Fault::Status(503), Fault::ResetBeforeResponse]);
    let cashout = onepay.create_cashout(request).idempotency_key("payout-2026-11-21-001").send().await?;
    check(
        created(&sandbox, "onepay", "cashout") == 1,
        "a cashout through a 503 and a dropped connection: retried with one key, created once",
    )?;
    walk("onepay", onepay.list_cashouts().pages(all.clone()), &mut table, |c| {
        (c.currency.clone().unwrap_or_else(|| "COP".into()), c.status.to_string(), Some(c.amount.value()))
    })
    .await?;

    // OnChainPay: an order (no idempotency: never retried after it may have arrived)
    println!("OnChainPay");
    let onchainpay =
        pspkit_onchainpay::OnChainPay::new(&creds.onchainpay_public_key, creds.onchainpay_secret_key.as_str())?
            .with_base_url(&sandbox.base_url("onchainpay"));
    let order = pspkit_onchainpay::types::CreateOrderBody::builder()
        .currency("USDT")
        .network("tron")
        .amount("125.50".parse::<Decimal>()?)
        .order("invoice-88")
        .lifetime(1800)
        .build()?;
    let made = onchainpay.create_order(order.clone()).send().await?;
    sandbox.inject(&[Fault::ResetBeforeResponse]);
    let lost = onchainpay.create_order(order).send().await;
    check(
        matches!(lost, Err(Error::OutcomeUnknown { .. })),
        "a dropped connection on a create is reported as outcome unknown, not retried",
    )?;
    sandbox.inject(&[Fault::ResetMidBody]);
    walk("onchainpay", onchainpay.list_orders(Default::default()).pages(all.clone()), &mut table, |o| {
        (o.currency.clone(), o.status.to_string(), Some(o.amount.value()))
    })
    .await?;

    // FirstPay: a payout, payments of 2026 by keyset
    println!("FirstPay");
    let firstpay = pspkit_firstpay::FirstPay::new(
        &sandbox.base_url("firstpay"),
        &creds.firstpay_public_pem,
        include_str!("../crates/pspkit-sandbox/keys/merchant-private.pem"),
    )?;
    let payout = pspkit_firstpay::types::PaymentRequest::builder()
        .account_id(7)
        .amount("100.5".parse::<Decimal>()?)
        .payment_method_id("pm_bkash")
        .merchant_payment_id("payout-77")
        .client_fields_values(vec![
            pspkit_firstpay::types::ClientFieldValue::builder().key("phone").value("+8801700000000").build()?,
        ])
        .build()?;
    firstpay.create_pay_out(payout).send().await?;
    let window = pspkit_firstpay::types::PaymentsListRequest::builder()
        .created_at_from(1_767_225_600_000_i64)
        .created_at_to(1_798_761_599_000_i64)
        .build()?;
    walk("firstpay", firstpay.list_payments(window).pages(all.clone()), &mut table, |p| {
        (p.currency_code.clone(), p.status.to_string(), p.amount.map(|a| a.value()))
    })
    .await?;

    // FireKassa: a card withdrawal, signed with the sign token
    println!("FireKassa");
    let firekassa = pspkit_firekassa::FireKassa::from_keys(
        &sandbox.base_url("firekassa"),
        pspkit_firekassa::Keys {
            token: creds.firekassa_token.as_str().into(),
            sign_token: creds.firekassa_sign_token.as_deref().map(Into::into),
        },
    )?;
    let withdrawal = pspkit_firekassa::types::CreateWithdrawalRequest::builder()
        .account("4111111111111111")
        .amount("1500.00".parse::<Decimal>()?)
        .order_id("w-2026-11-21")
        .build()?;
    firekassa
        .create_withdrawal_transaction(pspkit_firekassa::types::CreateWithdrawalTransactionType::Card, withdrawal)
        .send()
        .await?;
    walk("firekassa", firekassa.get_transactions().pages(all.clone()), &mut table, |t| {
        (t.currency.clone(), t.status.to_string(), Some(t.amount.value()))
    })
    .await?;

    // statuses move on: webhooks arrive, and are verified from their raw bytes
    println!("Webhooks");
    sandbox.advance().await;
    let inbox = inbox.received();
    let mut verified = 0;
    for hook in &inbox {
        let body = &hook.body;
        let ok = match Provider::from_name(&hook.provider) {
            Some(Provider::OnePay) => pspkit::webhooks::onepay::verify(
                body,
                hook.header("x-signature"),
                None,
                &SecretString::from(creds.onepay_webhook_secret.as_str()),
                None,
            )
            .is_ok(),
            Some(Provider::OnChainPay) => pspkit::webhooks::onchainpay::verify(
                body,
                hook.header("x-api-signature"),
                None,
                &SecretString::from(creds.onchainpay_secret_key.as_str()),
            )
            .is_ok(),
            Some(Provider::FirstPay) => {
                let key = pspkit::signing::RsaVerifyingKey::from_pem(&creds.firstpay_public_pem)?;
                pspkit::webhooks::firstpay::verify(body, &key).is_ok()
            }
            _ => false,
        };
        verified += usize::from(ok);
    }
    check(
        verified == inbox.len() && verified >= 3,
        &format!("{verified} webhooks (OnePay, OnChainPay, FirstPay) verified"),
    )?;
    check(onepay.get_cashout(&cashout.id).send().await?.id == cashout.id, "the cashout is found again by id")?;
    let _ = made;

    // the reconciliation table
    println!("\n{:<12} {:<9} {:<14} {:>7} {:>22}", "provider", "currency", "status", "count", "sum");
    for ((provider, currency, status), (count, sum)) in &table {
        println!("{provider:<12} {currency:<9} {status:<14} {count:>7} {sum:>22}");
    }
    let total: u64 = table.values().map(|(c, _)| c).sum();
    println!("\n{total} operations reconciled across 5 providers; exact decimal sums, no float.");
    check(total > 0, "the table is not empty")?;
    Ok(())
}
