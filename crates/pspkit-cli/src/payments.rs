//! `pspkit payments`: a provider's normalized payments of a time range, as JSON lines or CSV.

use std::io::Write;

use chrono::{DateTime, NaiveDate, Utc};
use clap::{Arg, ArgMatches, Command};
use pspkit::normalized::{Payment, Range};

use crate::progress::Progress;
use crate::{EXIT_OK, Failure, PROVIDERS};

pub(crate) fn command() -> Command {
    let names: Vec<&str> = PROVIDERS.iter().map(|p| p.name).collect();
    Command::new("payments")
        .about("Export a provider's payments of a time range as normalized records (JSON lines or CSV)")
        .arg(Arg::new("provider").long("provider").required(true).value_parser(names).help("The provider"))
        .arg(since())
        .arg(until())
        .arg(
            Arg::new("format")
                .long("format")
                .value_parser(["jsonl", "csv"])
                .default_value("jsonl")
                .help("jsonl: one JSON object per line; csv: a header and one row per payment"),
        )
}

/// `--since`: shared with `reconcile`.
pub(crate) fn since() -> Arg {
    Arg::new("since")
        .long("since")
        .value_name("TIME")
        .value_parser(parse_time)
        .help("Keep payments created at or after this time (RFC 3339, or a date: midnight UTC)")
}

/// `--until`: shared with `reconcile`.
pub(crate) fn until() -> Arg {
    Arg::new("until")
        .long("until")
        .value_name("TIME")
        .value_parser(parse_time)
        .help("Keep payments created before this time (RFC 3339, or a date: midnight UTC)")
}

/// `2026-05-01T00:00:00Z`, `2026-05-01T03:00:00+03:00` or `2026-05-01` (midnight UTC).
fn parse_time(text: &str) -> Result<DateTime<Utc>, String> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| format!("{text:?} is not a time: write 2026-05-01 or 2026-05-01T00:00:00Z"))
}

/// The range the `--since` and `--until` flags give.
pub(crate) fn range(m: &ArgMatches) -> Result<Range, Failure> {
    let range = Range { since: m.get_one("since").copied(), until: m.get_one("until").copied() };
    if let (Some(s), Some(u)) = (range.since, range.until)
        && s >= u
    {
        return Err(Failure::bad_input("--since must be before --until"));
    }
    Ok(range)
}

/// The CSV columns of a payment.
pub(crate) const CSV_HEADER: &str =
    "provider,provider_id,reference,direction,amount,currency,status,raw_status,fee,created,updated";

/// One payment as a CSV row (fields quoted when they need it).
pub(crate) fn csv_row(p: &Payment) -> String {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    [
        p.provider.clone(),
        p.provider_id.clone(),
        p.reference.clone().unwrap_or_default(),
        p.direction.to_string(),
        p.amount.to_string(),
        p.currency.clone(),
        p.status.to_string(),
        p.raw_status.clone(),
        p.fee.map(|f| f.to_string()).unwrap_or_default(),
        time(p.created),
        time(p.updated),
    ]
    .iter()
    .map(|f| csv_field(f))
    .collect::<Vec<_>>()
    .join(",")
}

/// A CSV field, quoted when it holds a comma, a quote or a line break; a leading `=`, `+`, `-`
/// or `@` is prefixed with `'` so a spreadsheet does not run it as a formula.
fn csv_field(f: &str) -> String {
    let f = if f.starts_with(['=', '+', '@']) || (f.starts_with('-') && f.parse::<f64>().is_err()) {
        format!("'{f}")
    } else {
        f.to_owned()
    };
    if f.contains([',', '"', '\n', '\r']) { format!("\"{}\"", f.replace('"', "\"\"")) } else { f }
}

pub(crate) async fn run(m: &ArgMatches, base_url: Option<&str>) -> Result<u8, Failure> {
    let provider = m.get_one::<String>("provider").map(String::as_str).unwrap_or_default();
    let range = range(m)?;
    let csv = m.get_one::<String>("format").map(String::as_str) == Some("csv");
    let client = crate::client(provider, base_url)?;
    let mut pages = client.payment_pages(range);
    let mut progress = Progress::new(provider);
    let stdout = std::io::stdout();
    if csv {
        writeln!(stdout.lock(), "{CSV_HEADER}").map_err(crate::write_failed)?;
    }
    use futures_util::StreamExt;
    while let Some(page) = pages.next().await {
        let page = page?;
        progress.page(page.len());
        let mut out = stdout.lock();
        for p in &page {
            let line = if csv {
                csv_row(p)
            } else {
                serde_json::to_string(p).map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?
            };
            writeln!(out, "{line}").map_err(crate::write_failed)?;
        }
    }
    progress.done();
    Ok(EXIT_OK)
}
