//! Hostile ledgers: the merchant's books come from files anyone may have edited, exported from a
//! spreadsheet or cut short. Each case is a few rows of the example ledger, as CSV or JSONL,
//! mutated byte-wise and with hostile values in its cells; reading it must give the ledger or a
//! [`LedgerError`] naming a line of the input, never a panic.

use pspkit_reconcile::{Ledger, LedgerError, LedgerFormat};

use super::mutate::mutate_bytes;
use super::rng::Rng;
use super::{Report, guarded};

/// The example ledger the README and the demo use: the seed of every case.
const SEED_CSV: &str = include_str!("../../../examples/ledger.csv");

/// Cell values that broke or could break a reader of amounts, currencies, dates and quoting.
const HOSTILE: &[&str] = &[
    "",
    "-",
    "-0",
    "+5",
    "1e400",
    "1E-400",
    "NaN",
    "inf",
    "0x10",
    "1,5",
    "1 000",
    "--1",
    ".",
    "5.",
    ".5",
    "79228162514264337593543950336",
    "-79228162514264337593543950336",
    "0.00000000000000000000000000001",
    "\"",
    "\"\"\"",
    "\u{FEFF}",
    "\r",
    "\0",
    "caf\u{e9}",
    "\u{1F980}",
    "=HYPERLINK(\"x\")",
    "2026-02-30",
    "2026-01-01T25:61:61Z",
    "9999999-01-01",
    "in",
    "out",
    "sideways",
    "{}",
    "[]",
    "null",
    "true",
];

/// The rows of the seed, without its header.
fn seed_rows() -> Vec<&'static str> {
    SEED_CSV.lines().skip(1).filter(|l| !l.is_empty()).collect()
}

/// A CSV row of the seed as a JSONL object, the amount as a JSON string or number.
fn as_jsonl(header: &[&str], row: &str, numeric: bool) -> String {
    let fields = header.iter().zip(row.split(',')).map(|(key, value)| {
        if *key == "amount" && numeric { format!("\"{key}\":{value}") } else { format!("\"{key}\":\"{value}\"") }
    });
    format!("{{{}}}", fields.collect::<Vec<_>>().join(","))
}

/// One case's ledger: 1 to 8 consecutive rows of the seed in a format, with hostile cells and
/// byte-level mutations.
pub fn hostile_ledger(rng: &mut Rng) -> (LedgerFormat, Vec<u8>) {
    let rows = seed_rows();
    let header_line = SEED_CSV.lines().next().unwrap_or_default();
    let header: Vec<&str> = header_line.split(',').collect();
    let start = rng.below(rows.len());
    let chosen = &rows[start..(start + 1 + rng.below(8)).min(rows.len())];
    let format = if rng.one_in(2) { LedgerFormat::Csv } else { LedgerFormat::Jsonl };
    let mut lines: Vec<String> = match format {
        LedgerFormat::Csv => {
            std::iter::once(header_line.to_owned()).chain(chosen.iter().map(|r| r.to_string())).collect()
        }
        LedgerFormat::Jsonl => chosen.iter().map(|r| as_jsonl(&header, r, rng.one_in(2))).collect(),
    };
    // a hostile value in place of one cell's value (CSV) or one string's content (JSONL)
    for _ in 0..rng.below(3) {
        let line = rng.below(lines.len());
        let hostile = *rng.pick(HOSTILE);
        let target = &mut lines[line];
        let cells: Vec<&str> = target.split(',').collect();
        let cell = rng.below(cells.len());
        let replaced = match format {
            LedgerFormat::Csv => hostile.to_owned(),
            LedgerFormat::Jsonl => match cells[cell].split_once(':') {
                Some((key, _)) => format!("{key}:\"{}\"", hostile.replace('"', "\\\"")),
                None => hostile.to_owned(),
            },
        };
        let mut cells: Vec<String> = cells.into_iter().map(str::to_owned).collect();
        cells[cell] = if format == LedgerFormat::Jsonl && cell + 1 == cells.len() && !replaced.ends_with('}') {
            format!("{replaced}}}")
        } else {
            replaced
        };
        *target = cells.join(",");
    }
    let separator = if rng.one_in(4) { "\r\n" } else { "\n" };
    let mut bytes = lines.join(separator).into_bytes();
    for _ in 0..rng.below(3) {
        mutate_bytes(&mut bytes, rng);
    }
    (format, bytes)
}

/// Runs `cases` hostile ledgers through [`Ledger::read`]: each is read, or refused with an error
/// on a line of the input that says what is wrong.
pub fn fuzz_ledger(cases: u64, seed: u64) -> Report {
    let mut report = Report::new("ledger");
    for i in 0..cases {
        let mut rng = Rng::for_case(seed, i);
        let (format, bytes) = hostile_ledger(&mut rng);
        report.cases += 1;
        // lines end at `\n` (a CRLF is one line end, and a lone `\r` ends none); the last line may
        // end without one, and an empty input still has line 1
        let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
        match guarded(|| Ledger::read(&bytes[..], format)) {
            Err(panic) => report.finding(true, &format!("{format:?} (case {i}, seed {seed}): {panic}"), &bytes),
            Ok(Ok(_)) => report.accepted += 1,
            Ok(Err(LedgerError { line, message, .. })) if (1..=lines).contains(&line) && !message.is_empty() => {
                report.decode_errors += 1
            }
            Ok(Err(error)) => report.finding(false, &format!("{format:?}: {error:?} (input of {lines} lines)"), &bytes),
        }
    }
    report
}
