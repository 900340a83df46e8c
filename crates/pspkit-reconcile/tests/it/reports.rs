//! Reports in each format, read back the way their readers would.

use std::borrow::Cow;

use pspkit::normalized::Status;
use pspkit_reconcile::{Entry, Kind, LedgerFormat, Reconciler, ReportFormat, ReportWriter, Summary, spreadsheet_safe};
use serde_json::Value;

use crate::matching::scenario;
use crate::{payment, read};

fn report(format: ReportFormat, entries: &[Entry], summary: &Summary) -> String {
    let mut writer = ReportWriter::new(Vec::new(), format);
    for entry in entries {
        writer.entry(entry).unwrap();
    }
    String::from_utf8(writer.finish(summary).unwrap()).unwrap()
}

#[test]
fn json_holds_the_six_kinds_with_both_sides_and_exact_amounts() {
    let (entries, summary) = scenario();
    let text = report(ReportFormat::Json, &entries, &summary);
    let json: Value = serde_json::from_str(&text).unwrap();
    let object = json.as_object().unwrap();
    let keys: Vec<&str> = object.keys().map(String::as_str).collect();
    let mut expected: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
    expected.sort_unstable();
    assert_eq!(keys, expected);
    for kind in Kind::ALL {
        assert_eq!(json[kind.as_str()].as_array().unwrap().len() as u64, summary.count(kind), "{kind}");
    }
    let matched = &json["matched"][0];
    assert_eq!(matched["provider"], "onepay");
    assert_eq!(matched["reference"], "o-matched");
    assert_eq!(matched["ledger"]["amount"], "100.50");
    assert_eq!(matched["ledger"]["line"], 2);
    assert_eq!(matched["ledger"]["status"], "succeeded");
    assert_eq!(matched["ledger"]["direction"], "in");
    assert_eq!(matched["provider_record"]["amount"], "100.5");
    assert_eq!(matched["provider_record"]["raw_status"], "SUCCEEDED");
    assert_eq!(matched["provider_record"]["provider_id"], "id-o-matched");
    assert!(matched.get("kind").is_none());
    assert!(json["missing_in_provider"][0]["provider_record"].is_null());
    assert!(json["missing_in_ledger"][0]["ledger"].is_null());
    let no_reference = json["missing_in_ledger"].as_array().unwrap().iter().find(|e| e["reference"].is_null());
    assert!(no_reference.is_some());
}

#[test]
fn an_empty_json_report_still_has_every_key() {
    let json: Value = serde_json::from_str(&report(ReportFormat::Json, &[], &Summary::default())).unwrap();
    assert_eq!(json.as_object().unwrap().len(), 6);
    assert!(json["status_mismatch"].as_array().unwrap().is_empty());
}

#[test]
fn jsonl_is_one_object_per_entry_with_its_kind() {
    let (entries, summary) = scenario();
    let text = report(ReportFormat::Jsonl, &entries, &summary);
    let lines: Vec<Value> = text.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(lines.len(), entries.len());
    for (line, entry) in lines.iter().zip(&entries) {
        assert!(line.is_object());
        assert_eq!(line["kind"], entry.kind.as_str());
        assert_eq!(line["provider"], "onepay");
    }
    assert_eq!(lines[1]["provider_record"]["amount"], "30.01");
    assert_eq!(lines[1]["ledger"]["amount"], "30");
}

#[test]
fn csv_parses_back_under_its_header() {
    let (entries, summary) = scenario();
    let text = report(ReportFormat::Csv, &entries, &summary);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        header,
        [
            "kind",
            "provider",
            "reference",
            "ledger_amount",
            "ledger_currency",
            "ledger_status",
            "provider_id",
            "provider_amount",
            "provider_currency",
            "provider_status",
            "provider_raw_status",
            "line"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), entries.len());
    let cells = |row: &csv::StringRecord| row.iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        cells(&rows[3]),
        [
            "status_mismatch",
            "onepay",
            "o-status",
            "50",
            "COP",
            "succeeded",
            "id-o-status",
            "50",
            "COP",
            "failed",
            "FAILED",
            "6"
        ]
    );
    assert_eq!(
        cells(&rows[6]),
        ["missing_in_ledger", "onepay", "", "", "", "", "id-none", "6", "COP", "pending", "PENDING", ""]
    );
    assert_eq!(&cells(&rows[8])[..7], ["missing_in_provider", "onepay", "o-unreported", "20", "COP", "", ""]);

    let empty = report(ReportFormat::Csv, &[], &Summary::default());
    assert_eq!(empty.lines().count(), 1);
}

#[test]
fn the_table_counts_matches_and_lists_discrepancies() {
    let (entries, summary) = scenario();
    let text = report(ReportFormat::Table, &entries, &summary);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "matched              1  ledger 100.50 COP; provider 100.5 COP");
    assert_eq!(lines[1], "missing_in_provider  1  ledger 20 COP");
    assert_eq!(lines[2], "missing_in_ledger    3  provider 111.5 COP");
    assert_eq!(lines[5], "status_mismatch      1  ledger 50 COP; provider 50 COP");
    assert_eq!(lines[6], "");
    assert!(lines[7].starts_with("kind "), "{text}");
    // a row per discrepancy, aligned: the provider column starts at the same place on each
    assert_eq!(lines.len(), 8 + 8, "{text}");
    let status = lines.iter().find(|l| l.starts_with("status_mismatch ") && l.contains("o-status")).unwrap();
    assert!(status.contains("50 COP succeeded"), "{status}");
    assert!(status.ends_with("50 COP in failed (FAILED)"), "{status}");
    let column = lines[7].rfind("provider").unwrap();
    for line in &lines[8..] {
        assert_eq!(line.len() - line.trim_start().len(), 0);
        assert_ne!(line.as_bytes()[column], b' ', "{line}");
        assert_eq!(line.as_bytes()[column - 1], b' ', "{line}");
    }
    assert!(!lines[8..].iter().any(|l| l.starts_with("matched")), "{text}");
}

#[test]
fn the_table_of_a_clean_run_says_so_and_escapes_control_characters() {
    let csv = "provider,reference,amount,currency\nonepay,a,1,COP\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let matched = reconciler.add(&payment("onepay", Some("a"), "1", "COP", Status::Succeeded));
    let summary = reconciler.summary().clone();
    let text = report(ReportFormat::Table, &[matched], &summary);
    assert!(text.ends_with("\nno discrepancies\n"), "{text}");

    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let odd = reconciler.add(&payment("onepay", Some("x\ny"), "1", "COP", Status::Succeeded));
    let text = report(ReportFormat::Table, &[odd], reconciler.summary());
    assert!(text.contains("x\\ny"), "{text}");
}

#[test]
fn report_formats_have_names() {
    for format in [ReportFormat::Table, ReportFormat::Json, ReportFormat::Jsonl, ReportFormat::Csv] {
        assert_eq!(format.as_str().parse::<ReportFormat>(), Ok(format));
    }
    assert!(ReportFormat::Jsonl.streams() && ReportFormat::Csv.streams());
    assert!(!ReportFormat::Json.streams() && !ReportFormat::Table.streams());
    assert!("xml".parse::<ReportFormat>().is_err());
}

#[test]
fn table_cells_are_cut_at_forty_characters() {
    let csv = "provider,reference,amount,currency\nonepay,a,1,COP\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let huge = "x".repeat(1 << 20);
    let mut hostile = payment("onepay", Some(&huge), "1", "COP", Status::Succeeded);
    hostile.raw_status = huge.clone();
    let accented = "é".repeat(100);
    let entries = vec![
        reconciler.add(&hostile),
        reconciler.add(&payment("onepay", Some(&accented), "2", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some(&format!("a{}b", "\n".repeat(30))), "3", "COP", Status::Succeeded)),
        reconciler.add(&payment("onepay", Some(&"y".repeat(40)), "4", "COP", Status::Succeeded)),
    ];
    let mut missing = reconciler.finish();
    let entries: Vec<Entry> = entries.into_iter().chain(missing.by_ref()).collect();
    let text = report(ReportFormat::Table, &entries, missing.summary());
    // five cells of at most 40 characters, each padded by two spaces
    for line in text.lines() {
        assert!(line.chars().count() <= 5 * 42, "{} characters", line.chars().count());
    }
    let cut =
        |row: &str, column: usize| row.split("  ").filter(|c| !c.is_empty()).nth(column).unwrap().trim().to_owned();
    let rows: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("kind ")).skip(1).collect();
    let row = |n: usize| rows[n];
    // characters are counted, not bytes; an escaped control character counts as shown
    assert_eq!(cut(row(0), 2), format!("{}…", "x".repeat(39)));
    assert_eq!(cut(row(0), 3), "-");
    assert_eq!(cut(row(0), 4), format!("1 COP in succeeded ({}…", "x".repeat(19)));
    assert_eq!(cut(row(1), 2), format!("{}…", "é".repeat(39)));
    assert_eq!(cut(row(2), 2), format!("a{}…", "\\n".repeat(19)));
    assert_eq!(cut(row(3), 2), "y".repeat(40));
}

#[test]
fn csv_cells_from_outside_cannot_run_as_formulas() {
    let csv = "provider,reference,amount,currency,direction\n\
               onepay,-payout,-12.50,COP,\n\
               onepay,=HYPERLINK(\"http://x\"),5,COP,\n";
    let mut reconciler = Reconciler::new(read(csv, LedgerFormat::Csv).unwrap(), ["onepay"]);
    let mut payout = payment("onepay", Some("-payout"), "12.50", "COP", Status::Succeeded);
    payout.direction = pspkit::normalized::Direction::Out;
    payout.provider_id = "+57 300 000".into();
    payout.raw_status = "@SUM(A1)".into();
    let mut odd = payment("=cmd", Some("+x"), "-3", "-COP", Status::Failed);
    odd.raw_status = "\rFAILED".into();
    odd.provider_id = "\t42".into();
    let mut numbers = payment("onepay", Some("-7"), "7", "COP", Status::Pending);
    numbers.provider_id = "-42".into();
    let entries = vec![reconciler.add(&payout), reconciler.add(&odd), reconciler.add(&numbers)];
    let mut missing = reconciler.finish();
    let entries: Vec<Entry> = entries.into_iter().chain(missing.by_ref()).collect();
    let text = report(ReportFormat::Csv, &entries, missing.summary());
    let rows: Vec<csv::StringRecord> =
        csv::Reader::from_reader(text.as_bytes()).records().map(Result::unwrap).collect();
    let cells = |row: &csv::StringRecord| row.iter().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        cells(&rows[0]),
        [
            "matched",
            "onepay",
            "'-payout",
            "-12.50",
            "COP",
            "",
            "'+57 300 000",
            "12.50",
            "COP",
            "succeeded",
            "'@SUM(A1)",
            "2"
        ]
    );
    assert_eq!(
        cells(&rows[1]),
        ["missing_in_ledger", "'=cmd", "'+x", "", "", "", "'\t42", "-3", "'-COP", "failed", "'\rFAILED", ""]
    );
    // text that is a plain number stays one
    assert_eq!(&cells(&rows[2])[..7], ["missing_in_ledger", "onepay", "-7", "", "", "", "-42"]);
    assert_eq!(&cells(&rows[3])[..4], ["missing_in_provider", "onepay", "'=HYPERLINK(\"http://x\")", "5"]);
}

#[test]
fn spreadsheet_safe_quotes_what_a_spreadsheet_would_run() {
    for (text, safe) in [
        ("=1+1", "'=1+1"),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-", "'-"),
        ("-1e3", "'-1e3"),
        ("- 5", "'- 5"),
        ("-12.50 ", "'-12.50 "),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r\n", "'\r\n"),
    ] {
        assert_eq!(spreadsheet_safe(text), safe, "{text:?}");
    }
    for text in ["-12.50", "+3", "-7", "12345678901234567890123456789012345", "order-1", "1=1", " =1", "", "'=1"] {
        assert!(matches!(spreadsheet_safe(text), Cow::Borrowed(same) if same == text), "{text:?}");
    }
}
