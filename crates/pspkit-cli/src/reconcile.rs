//! `pspkit reconcile`: a ledger (CSV or JSONL) against what the providers report over a time
//! range, every record classified; exit code 0 when everything matched, 1 on discrepancies, 2 on
//! bad input.

use std::io::Write;

use clap::{Arg, ArgAction, ArgMatches, Command};
use futures_util::StreamExt;
use pspkit_reconcile::{Ledger, LedgerFormat, Reconciler, ReportFormat, ReportWriter};

use crate::progress::Progress;
use crate::{Failure, PROVIDERS};

pub(crate) fn command() -> Command {
    let names: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
    Command::new("reconcile")
        .about("Compare your ledger with what the providers report over a time range")
        .long_about(
            "Compare your ledger with what the providers report over a time range.\n\n\
             The ledger is CSV (a header row) or JSON lines with provider, reference, amount and \
             currency, and optionally status (pending, succeeded, failed, canceled, refunded, \
             unknown), direction (in, out; a negative amount is a payout) and created (a date or \
             RFC 3339 time: with --since/--until, rows created outside the range are left out). A \
             malformed row stops the run with its line number (exit code 2). Every record is classified: matched, missing_in_provider, \
             missing_in_ledger, amount_mismatch, currency_mismatch or status_mismatch, by provider \
             and reference. Exit code 0 when everything matched, 1 when there are discrepancies.\n\n\
             --format jsonl streams one entry per line and loads as it is into DuckDB \
             (read_json_auto), polars (read_ndjson) or Spark (spark.read.json).",
        )
        .arg(Arg::new("ledger").long("ledger").required(true).value_name("FILE|-").help("Your ledger: a CSV or JSONL file, or - for stdin"))
        .arg(
            Arg::new("ledger-format")
                .long("ledger-format")
                .value_parser(["csv", "jsonl"])
                .help("The ledger's format (default: from the file's extension)"),
        )
        .arg(
            Arg::new("provider")
                .long("provider")
                .action(ArgAction::Append)
                .value_parser(names)
                .help("A provider to reconcile (repeat for several; default: every provider in the ledger)"),
        )
        .arg(crate::payments::since())
        .arg(crate::payments::until())
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["table", "json", "jsonl", "csv"])
                .default_value("table")
                .help("table: counts and every discrepancy; json: one object of six lists; jsonl and csv: one entry per line"),
        )
}

fn read_ledger(m: &ArgMatches) -> Result<Ledger, Failure> {
    let source = m.get_one::<String>("ledger").map(String::as_str).unwrap_or("-");
    let format = match m.get_one::<String>("ledger-format").map(String::as_str) {
        Some("csv") => LedgerFormat::Csv,
        Some(_) => LedgerFormat::Jsonl,
        None => LedgerFormat::from_path(source).ok_or_else(|| {
            Failure::bad_input(format!("--ledger {source}: say --ledger-format csv or jsonl (the name does not say)"))
        })?,
    };
    let bad = |e: pspkit_reconcile::LedgerError| Failure::bad_input(format!("--ledger {source}: {e}"));
    if source == "-" {
        Ledger::read(std::io::stdin().lock(), format).map_err(bad)
    } else {
        let file = std::fs::File::open(source)
            .map_err(|e| Failure::bad_input(format!("--ledger {source}: cannot open it: {e}")))?;
        Ledger::read(std::io::BufReader::new(file), format).map_err(bad)
    }
}

pub(crate) async fn run(m: &ArgMatches, base_url: Option<&str>) -> Result<u8, Failure> {
    let ledger = read_ledger(m)?;
    let range = crate::payments::range(m)?;
    let mut providers: Vec<String> = match m.get_many::<String>("provider") {
        Some(given) => given.cloned().collect(),
        None => ledger.providers().map(str::to_owned).collect(),
    };
    providers.sort();
    providers.dedup();
    if let Some(unknown) = providers.iter().find(|p| !PROVIDERS.iter().any(|k| k.name == p.as_str())) {
        return Err(Failure::bad_input(format!(
            "the ledger names {unknown:?}, which is not a provider; pass --provider"
        )));
    }
    if providers.is_empty() {
        return Err(Failure::bad_input("nothing to reconcile: the ledger is empty and no --provider was given"));
    }
    if base_url.is_some() && providers.len() > 1 {
        return Err(Failure::bad_input(
            "--base-url names one server: reconcile one --provider with it, or set PSPKIT_<PROVIDER>_BASE_URL",
        ));
    }
    let clients = providers.iter().map(|p| crate::client(p, base_url)).collect::<Result<Vec<_>, _>>()?;
    let format = match m.get_one::<String>("format").map(String::as_str) {
        Some("json") => ReportFormat::Json,
        Some("jsonl") => ReportFormat::Jsonl,
        Some("csv") => ReportFormat::Csv,
        _ => ReportFormat::Table,
    };
    let mut reconciler = Reconciler::new(ledger, providers.iter().map(String::as_str)).with_range(range);
    let out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut report = ReportWriter::new(out, format);
    for (provider, client) in providers.iter().zip(&clients) {
        let mut progress = Progress::new(provider);
        let mut pages = client.payment_pages(range);
        while let Some(page) = pages.next().await {
            let page = page?;
            progress.page(page.len());
            for payment in &page {
                let entry = reconciler.add(payment);
                report.entry(&entry).map_err(crate::write_failed)?;
            }
        }
        progress.done();
    }
    let mut missing = reconciler.finish();
    for entry in missing.by_ref() {
        report.entry(&entry).map_err(crate::write_failed)?;
    }
    let summary = missing.summary();
    let mut out = report.finish(summary).map_err(crate::write_failed)?;
    out.flush().map_err(crate::write_failed)?;
    Ok(summary.exit_code())
}
