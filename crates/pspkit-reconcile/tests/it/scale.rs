//! A month of a busy merchant: nothing in matching may grow faster than the rows do.

use std::fmt::Write as _;

use pspkit::normalized::Status;
use pspkit_reconcile::{Kind, LedgerFormat, Reconciler, ReportFormat, ReportWriter};

use crate::{payment, read};

const ROWS: usize = 200_000;

#[test]
fn two_hundred_thousand_rows_reconcile_in_linear_time() {
    let mut csv = String::from("provider,reference,amount,currency,status\n");
    for n in 0..ROWS {
        writeln!(csv, "onepay,order-{n},{}.{:02},COP,succeeded", n % 100_000, n % 100).unwrap();
    }
    let ledger = read(&csv, LedgerFormat::Csv).unwrap();
    assert_eq!(ledger.len(), ROWS);

    let mut reconciler = Reconciler::new(ledger, ["onepay"]);
    // the table holds discrepancies only: the report's share of the run stays small in a debug
    // build, where serializing 200,000 entries would take longer than matching them
    let mut report = ReportWriter::new(Vec::new(), ReportFormat::Table);
    // every 1000th payment is unreported, replaced by one the ledger does not have
    for n in 0..ROWS {
        let reference = if n % 1000 == 0 { format!("stray-{n}") } else { format!("order-{n}") };
        let amount = format!("{}.{:02}", n % 100_000, n % 100);
        let entry = reconciler.add(&payment("onepay", Some(&reference), &amount, "COP", Status::Succeeded));
        report.entry(&entry).unwrap();
    }
    let mut missing = reconciler.finish();
    for entry in missing.by_ref() {
        report.entry(&entry).unwrap();
    }
    let summary = missing.summary();
    let table = String::from_utf8(report.finish(summary).unwrap()).unwrap();
    // six summary lines, a blank one, the header, and a row per discrepancy
    assert_eq!(table.lines().count(), 6 + 1 + 1 + 2 * ROWS / 1000);
    assert_eq!(summary.count(Kind::Matched), (ROWS - ROWS / 1000) as u64);
    assert_eq!(summary.count(Kind::MissingInLedger), (ROWS / 1000) as u64);
    assert_eq!(summary.count(Kind::MissingInProvider), (ROWS / 1000) as u64);
    assert_eq!(summary.total(), (ROWS + ROWS / 1000) as u64);
}
