//! Matching provider records with the ledger: each kind from a small scenario.

use chrono::{DateTime, Utc};
use pspkit::normalized::{Direction, Payment, Range, Status};
use pspkit_reconcile::{Entry, Kind, LedgerFormat, Reconciler, Summary};

use crate::{dec, payment, read};

/// The ledger every scenario starts from: onepay's books, and a firstpay row the runs that
/// reconcile onepay alone must leave alone.
pub(crate) const BOOKS: &str = "provider,reference,amount,currency,status,direction\n\
                                onepay,o-matched,100.50,COP,succeeded,in\n\
                                onepay,o-unreported,20,COP,,\n\
                                onepay,o-amount,30,COP,,\n\
                                onepay,o-currency,40,COP,,\n\
                                onepay,o-status,50,COP,succeeded,\n\
                                onepay,o-direction,60,COP,,out\n\
                                firstpay,f-1,70,USD,,\n";

/// Every entry of the scenario run: what each payment was classified as, then what is missing.
pub(crate) fn scenario() -> (Vec<Entry>, Summary) {
    let ledger = read(BOOKS, LedgerFormat::Csv).unwrap();
    let mut reconciler = Reconciler::new(ledger, ["OnePay"]);
    let mut entries = vec![
        reconciler.add(&payment("onepay", Some("o-matched"), "100.5", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some("o-amount"), "30.01", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some("o-currency"), "40", "USD", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some("o-status"), "50", "COP", Status::Failed)),
        reconciler.add(&payment("onepay", Some("o-direction"), "60", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some("o-unknown"), "5", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", None, "6", "COP", Status::Pending)),
        // reported twice: the second record finds its row already claimed
        reconciler.add(&payment("onepay", Some("o-matched"), "100.5", "COP", Status::Succeeded)),
    ];
    let mut missing = reconciler.finish();
    entries.extend(missing.by_ref());
    (entries, missing.summary().clone())
}

#[test]
fn a_scenario_produces_every_kind() {
    let (entries, summary) = scenario();
    let kinds: Vec<(Kind, Option<&str>)> = entries.iter().map(|e| (e.kind, e.reference.as_deref())).collect();
    assert_eq!(
        kinds,
        [
            (Kind::Matched, Some("o-matched")),
            (Kind::AmountMismatch, Some("o-amount")),
            (Kind::CurrencyMismatch, Some("o-currency")),
            (Kind::StatusMismatch, Some("o-status")),
            (Kind::AmountMismatch, Some("o-direction")),
            (Kind::MissingInLedger, Some("o-unknown")),
            (Kind::MissingInLedger, None),
            (Kind::MissingInLedger, Some("o-matched")),
            (Kind::MissingInProvider, Some("o-unreported")),
        ]
    );
    // both sides are kept where both exist
    let matched = &entries[0];
    assert_eq!(matched.ledger.as_ref().unwrap().line, 2);
    assert_eq!(matched.payment.as_ref().unwrap().provider_id, "id-o-matched");
    let unreported = &entries[8];
    assert!(unreported.payment.is_none());
    assert_eq!(unreported.ledger.as_ref().unwrap().amount, dec("20"));
    assert!(entries[5].ledger.is_none());

    let counts: Vec<u64> = Kind::ALL.iter().map(|k| summary.count(*k)).collect();
    assert_eq!(counts, [1, 1, 3, 2, 1, 1]);
    assert_eq!(summary.total(), 9);
    assert_eq!(summary.discrepancies(), 8);
    assert_eq!(summary.exit_code(), 1);

    // totals are exact and per currency, on each side
    let amounts = summary.tally(Kind::AmountMismatch);
    assert_eq!(amounts.ledger_totals.get("COP"), Some(&Some(dec("90"))));
    assert_eq!(amounts.provider_totals.get("COP"), Some(&Some(dec("90.01"))));
    let currency = summary.tally(Kind::CurrencyMismatch);
    assert_eq!(currency.provider_totals.get("USD"), Some(&Some(dec("40"))));
    assert_eq!(summary.tally(Kind::MissingInLedger).provider_totals.get("COP"), Some(&Some(dec("111.5"))));
}

#[test]
fn ledger_rows_of_providers_not_reconciled_are_ignored() {
    let (entries, _) = scenario();
    assert!(entries.iter().all(|e| e.provider == "onepay"));

    // named, firstpay's unreported row is missing too
    let ledger = read(BOOKS, LedgerFormat::Csv).unwrap();
    let missing: Vec<Entry> = Reconciler::new(ledger, ["onepay", "firstpay"]).finish().collect();
    let references: Vec<&str> = missing.iter().filter_map(|e| e.reference.as_deref()).collect();
    assert_eq!(references, ["o-matched", "o-unreported", "o-amount", "o-currency", "o-status", "o-direction", "f-1"]);
}

#[test]
fn a_provider_not_named_is_still_matched() {
    let ledger = read(BOOKS, LedgerFormat::Csv).unwrap();
    let mut reconciler = Reconciler::new(ledger, ["onepay"]);
    let entry = reconciler.add(&payment("FirstPay", Some("f-1"), "70.00", "usd", Status::Succeeded));
    assert_eq!((entry.kind, entry.provider.as_str()), (Kind::Matched, "firstpay"));
    assert_eq!(reconciler.finish().count(), 6);
}

#[test]
fn amounts_match_exactly_whatever_their_scale() {
    let csv = "provider,reference,amount,currency\n\
               onepay,a,1.50,COP\n\
               onepay,b,0.3,COP\n\
               onepay,c,1234567890123456789012345678,COP\n\
               onepay,d,0.1000000000000000000000000001,COP\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let kind = |r: &mut Reconciler, reference: &str, amount| {
        r.add(&payment("onepay", Some(reference), amount, "COP", Status::Succeeded)).kind
    };
    assert_eq!(kind(&mut reconciler, "a", "1.5"), Kind::Matched);
    assert_eq!(kind(&mut reconciler, "b", "0.30000000000000004"), Kind::AmountMismatch);
    assert_eq!(kind(&mut reconciler, "c", "1234567890123456789012345678.0"), Kind::Matched);
    assert_eq!(kind(&mut reconciler, "d", "0.1"), Kind::AmountMismatch);
    let summary = reconciler.finish().summary().clone();
    assert_eq!(summary.exit_code(), 1);
}

#[test]
fn direction_and_status_count_only_where_the_ledger_gives_them() {
    let csv = "provider,reference,amount,currency,status,direction\n\
               onepay,no-opinion,10,COP,,\n\
               onepay,payout,10,COP,succeeded,out\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let mut refunded = payment("onepay", Some("no-opinion"), "10", "COP", Status::Refunded);
    refunded.direction = Direction::Out;
    assert_eq!(reconciler.add(&refunded).kind, Kind::Matched);
    let mut payout = payment("onepay", Some("payout"), "10", "cop", Status::Succeeded);
    payout.direction = Direction::Out;
    assert_eq!(reconciler.add(&payout).kind, Kind::Matched);
    let missing = reconciler.finish();
    assert_eq!(missing.len(), 0);
    assert_eq!(missing.summary().exit_code(), 0);
    assert_eq!(missing.summary().count(Kind::Matched), 2);
}

#[test]
fn numeric_currency_codes_from_a_provider_match_their_letters() {
    let csv = "provider,reference,amount,currency\nonlyonepays,r,10,RUB\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onlyonepays"]);
    assert_eq!(reconciler.add(&payment("onlyonepays", Some("r"), "10", "643", Status::Succeeded)).kind, Kind::Matched);
}

#[test]
fn totals_too_large_to_add_exactly_are_not_rounded() {
    let csv = "provider,reference,amount,currency\n\
               onepay,a,79228162514264337593543950335,COP\n\
               onepay,b,1,COP\n\
               onepay,c,10000000000000000000000000000,USD\n\
               onepay,d,0.1,USD\n\
               onepay,e,0.1,EUR\n\
               onepay,f,0.2,EUR\n";
    let summary = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]).finish().summary().clone();
    let totals = &summary.tally(Kind::MissingInProvider).ledger_totals;
    assert_eq!(totals.get("COP"), Some(&None));
    assert_eq!(totals.get("USD"), Some(&None));
    assert_eq!(totals.get("EUR"), Some(&Some(dec("0.3"))));
}

#[test]
fn an_empty_run_is_clean() {
    let reconciler = Reconciler::new(read("provider,reference,amount,currency\n", LedgerFormat::Csv).unwrap(), ["x"]);
    let missing = reconciler.finish();
    assert_eq!((missing.summary().total(), missing.summary().exit_code()), (0, 0));
}

/// A payment of onepay's going `direction`.
fn moving(reference: &str, amount: &str, direction: Direction) -> Payment {
    let mut payment = payment("onepay", Some(reference), amount, "COP", Status::Succeeded);
    payment.direction = direction;
    payment
}

#[test]
fn a_negative_ledger_amount_is_a_payout_matched_by_its_absolute_value() {
    let csv = "provider,reference,amount,currency,direction\n\
               onepay,signed-out,-60,COP,\n\
               onepay,signed-in,-60,COP,\n\
               onepay,signed-and-said,-60.00,COP,out\n\
               onepay,said-out,60,COP,out\n\
               onepay,said-out-came-in,60,COP,out\n\
               onepay,unsaid-out,60,COP,\n\
               onepay,unsaid-in,60,COP,\n\
               onepay,signed-other-amount,-60,COP,\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let mut kind =
        |reference: &str, amount: &str, direction| reconciler.add(&moving(reference, amount, direction)).kind;
    assert_eq!(kind("signed-out", "60", Direction::Out), Kind::Matched);
    assert_eq!(kind("signed-in", "60", Direction::In), Kind::AmountMismatch);
    assert_eq!(kind("signed-and-said", "60", Direction::Out), Kind::Matched);
    assert_eq!(kind("said-out", "60", Direction::Out), Kind::Matched);
    assert_eq!(kind("said-out-came-in", "60", Direction::In), Kind::AmountMismatch);
    // a positive amount without a direction says nothing about which way it went
    assert_eq!(kind("unsaid-out", "60", Direction::Out), Kind::Matched);
    assert_eq!(kind("unsaid-in", "60", Direction::In), Kind::Matched);
    assert_eq!(kind("signed-other-amount", "60.01", Direction::Out), Kind::AmountMismatch);
    let missing = reconciler.finish();
    assert_eq!(missing.summary().count(Kind::Matched), 5);
    assert_eq!(missing.summary().count(Kind::AmountMismatch), 3);
}

/// onepay's books over the first days of May, and a firstpay row outside any range below.
const DATED: &str = "provider,reference,amount,currency,created\n\
                     onepay,before,1,COP,2026-04-30T23:59:59Z\n\
                     onepay,at-since,2,COP,2026-05-01\n\
                     onepay,inside,3,COP,2026-05-03T12:00:00+02:00\n\
                     onepay,undated,4,COP,\n\
                     onepay,at-until,5,COP,2026-05-08T00:00:00Z\n\
                     onepay,after,6,COP,2026-05-09\n\
                     onepay,late-but-reported,7,COP,2026-06-01\n\
                     firstpay,f-early,8,COP,2026-01-01\n";

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("RFC 3339 literal")
}

fn missing_references(missing: &[Entry]) -> Vec<&str> {
    missing.iter().filter_map(|e| e.reference.as_deref()).collect()
}

#[test]
fn rows_dated_outside_the_range_are_not_missing() {
    let ledger = read(DATED, LedgerFormat::Csv).unwrap();
    let range = Range::between(utc("2026-05-01T00:00:00Z"), utc("2026-05-08T00:00:00Z"));
    let mut reconciler = Reconciler::new(ledger, ["onepay", "firstpay"]).with_range(range);
    // a record still claims its row whatever date the books give it
    let entry = reconciler.add(&payment("onepay", Some("late-but-reported"), "7", "COP", Status::Succeeded));
    assert_eq!(entry.kind, Kind::Matched);
    let mut missing = reconciler.finish();
    assert_eq!(missing.len(), 3);
    let entries: Vec<Entry> = missing.by_ref().collect();
    // `since` is in the range and `until` is not; an undated row cannot be placed outside it
    assert_eq!(missing_references(&entries), ["at-since", "inside", "undated"]);
    let summary = missing.summary();
    assert_eq!(summary.count(Kind::MissingInProvider), 3);
    assert_eq!(summary.tally(Kind::MissingInProvider).ledger_totals.get("COP"), Some(&Some(dec("9"))));
    // the rows left out are not counted in any kind
    assert_eq!(summary.total(), 4);
}

#[test]
fn a_range_open_at_one_end_leaves_out_only_that_side() {
    let since = Range { since: Some(utc("2026-05-03T10:00:00Z")), until: None };
    let missing: Vec<Entry> =
        Reconciler::new(read(DATED, LedgerFormat::Csv).unwrap(), ["onepay"]).with_range(since).finish().collect();
    assert_eq!(missing_references(&missing), ["inside", "undated", "at-until", "after", "late-but-reported"]);

    let until = Range { since: None, until: Some(utc("2026-05-03T10:00:00Z")) };
    let missing: Vec<Entry> =
        Reconciler::new(read(DATED, LedgerFormat::Csv).unwrap(), ["onepay"]).with_range(until).finish().collect();
    assert_eq!(missing_references(&missing), ["before", "at-since", "undated"]);
}

#[test]
fn without_a_range_every_unclaimed_row_is_missing() {
    let all: Vec<Entry> = Reconciler::new(read(DATED, LedgerFormat::Csv).unwrap(), ["onepay"]).finish().collect();
    assert_eq!(all.len(), 7);
    let open: Vec<Entry> = Reconciler::new(read(DATED, LedgerFormat::Csv).unwrap(), ["onepay"])
        .with_range(Range::all())
        .finish()
        .collect();
    assert_eq!(open, all);
}
