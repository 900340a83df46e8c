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
const CSV_HEADER: [&str; 11] = [
    "provider",
    "provider_id",
    "reference",
    "direction",
    "amount",
    "currency",
    "status",
    "raw_status",
    "fee",
    "created",
    "updated",
];

/// One payment's CSV cells. Text the provider sent that starts with `=`, `+` or `@` is prefixed
/// with `'`, so a spreadsheet opening the file does not run it as a formula.
fn csv_cells(p: &Payment) -> [String; 11] {
    let time = |t: Option<DateTime<Utc>>| t.map(|t| t.to_rfc3339()).unwrap_or_default();
    let text = |t: &str| if t.starts_with(['=', '+', '@']) { format!("'{t}") } else { t.to_owned() };
    [
        text(&p.provider),
        text(&p.provider_id),
        text(p.reference.as_deref().unwrap_or_default()),
        p.direction.to_string(),
        p.amount.to_string(),
        text(&p.currency),
        p.status.to_string(),
        text(&p.raw_status),
        p.fee.map(|f| f.to_string()).unwrap_or_default(),
        time(p.created),
        time(p.updated),
    ]
}

pub(crate) async fn run(m: &ArgMatches, base_url: Option<&str>) -> Result<u8, Failure> {
    let provider = m.get_one::<String>("provider").map(String::as_str).unwrap_or_default();
    let range = range(m)?;
    let csv = m.get_one::<String>("format").map(String::as_str) == Some("csv");
    let client = crate::client(provider, base_url)?;
    let mut pages = client.payment_pages(range);
    let mut progress = Progress::new(provider);
    let csv_failed = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => crate::write_failed(e),
        other => Failure::failed(format!("cannot write CSV: {other:?}")),
    };
    // The header goes out with the first page, so a walk refused before any answer (a base URL
    // no request can be made for: exit code 2) prints nothing.
    let start_table = || {
        let mut table = csv::Writer::from_writer(std::io::stdout());
        table.write_record(CSV_HEADER).map(|()| table).map_err(csv_failed)
    };
    let mut table = None;
    use futures_util::StreamExt;
    while let Some(page) = pages.next().await {
        let page = page?;
        progress.page(page.len());
        if csv && table.is_none() {
            table = Some(start_table()?);
        }
        match table.as_mut() {
            Some(table) => {
                for p in &page {
                    table.write_record(csv_cells(p)).map_err(csv_failed)?;
                }
                table.flush().map_err(crate::write_failed)?;
            }
            None => {
                let mut out = std::io::stdout().lock();
                for p in &page {
                    let line =
                        serde_json::to_string(p).map_err(|e| Failure::failed(format!("cannot write JSON: {e}")))?;
                    writeln!(out, "{line}").map_err(crate::write_failed)?;
                }
            }
        }
    }
    if csv && table.is_none() {
        // no page at all: the header alone
        start_table()?.flush().map_err(crate::write_failed)?;
    }
    progress.done();
    Ok(EXIT_OK)
}
