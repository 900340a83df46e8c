//! Reading ledgers: every rule a row can break is reported with its line and column.

use chrono::{DateTime, Utc};
use pspkit::normalized::{Direction, Status};
use pspkit_reconcile::{Ledger, LedgerFormat, LedgerReader, LedgerRow};

use crate::{dec, read, refused};

const HEADER: &str = "provider,reference,amount,currency,status,direction\n";

/// A CSV ledger with one good row, then `bad` on line 3.
fn csv_with(bad: &str) -> Vec<u8> {
    format!("{HEADER}onepay,ok-1,10,COP,,\n{bad}\n").into_bytes()
}

/// A JSONL ledger with one good row and a blank line, then `bad` on line 3.
fn jsonl_with(bad: &str) -> Vec<u8> {
    format!("{{\"provider\":\"onepay\",\"reference\":\"ok-1\",\"amount\":\"10\",\"currency\":\"COP\"}}\n\n{bad}\n")
        .into_bytes()
}

#[track_caller]
fn assert_refused(bytes: &[u8], format: LedgerFormat, line: u64, column: Option<&str>, says: &str) {
    let error = refused(bytes, format);
    let shown = error.to_string();
    assert_eq!(error.line, line, "{shown}");
    assert_eq!(error.column, column, "{shown}");
    assert!(shown.contains(says), "{shown:?} does not say {says:?}");
    if let Some(column) = column {
        assert!(shown.contains(&format!("column {column}")), "{shown}");
    }
    assert!(shown.starts_with(&format!("line {line}")), "{shown}");
}

#[test]
fn malformed_csv_rows_name_their_line_and_column() {
    let csv = LedgerFormat::Csv;
    for (bad, column, says) in [
        ("onepay,o,10", Some("currency"), "is missing"),
        ("onepay,o", Some("amount"), "is missing"),
        (",o,10,COP,,", Some("provider"), "is empty"),
        ("onepay,,10,COP,,", Some("reference"), "is empty"),
        ("onepay,o,1e3,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,NaN,COP,,", Some("amount"), "\"NaN\""),
        ("onepay,o,\"12,50\",COP,,", Some("amount"), "\"12,50\""),
        ("onepay,o,\"1,000.00\",COP,,", Some("amount"), "thousands separator"),
        ("onepay,o,,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,.5,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,5.,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,1_000,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,--5,COP,,", Some("amount"), "plain decimal"),
        ("onepay,o,123456789012345678901234567890,COP,,", Some("amount"), "not an exact decimal"),
        ("onepay,o,10,US,,", Some("currency"), "not a currency code"),
        ("onepay,o,10,U$D,,", Some("currency"), "3 or more ASCII letters or digits"),
        ("onepay,o,10,,,", Some("currency"), "not a currency code"),
        ("onepay,o,10,COP,done,", Some("status"), "not a status"),
        ("onepay,o,10,COP,,sideways", Some("direction"), "not a direction (in or out)"),
        ("onepay,o,10,COP,,,extra", None, "the row has 7 cells, the header 6"),
    ] {
        assert_refused(&csv_with(bad), csv, 3, column, says);
    }
    let mut invalid_utf8 = csv_with("onepay,o-");
    invalid_utf8.truncate(invalid_utf8.len() - 1);
    invalid_utf8.extend_from_slice(b"\xff\xfe,10,COP,,\n");
    assert_refused(&invalid_utf8, csv, 3, Some("reference"), "not valid UTF-8");
}

#[test]
fn a_quoted_cell_spanning_lines_is_placed_at_its_first_line() {
    let text = format!("{HEADER}onepay,\"multi\nline\",10,COP,,\nonepay,o,1e3,COP,,\n");
    assert_refused(text.as_bytes(), LedgerFormat::Csv, 4, Some("amount"), "1e3");
}

#[test]
fn windows_line_endings_keep_line_numbers_right() {
    let csv = "provider,reference,amount,currency\r\nonepay,a,1,COP\r\n\r\nonepay,b,1e3,COP\r\n";
    assert_refused(csv.as_bytes(), LedgerFormat::Csv, 4, Some("amount"), "1e3");
    let jsonl = "{\"provider\":\"onepay\",\"reference\":\"a\",\"amount\":1,\"currency\":\"COP\"}\r\n\r\n{}\r\n";
    assert_refused(jsonl.as_bytes(), LedgerFormat::Jsonl, 3, Some("provider"), "is missing");
}

#[test]
fn blank_lines_and_a_missing_final_newline_keep_line_numbers_right() {
    let header = "provider,reference,amount,currency";
    for (text, line) in [
        (format!("{header}\nonepay,a,1,COP\n\n\nonepay,b,1e3,COP"), 5),
        (format!("{header}\nonepay,a,1,COP\n\n\nonepay,b,1e3,COP\n\n"), 5),
        (format!("{header}\r\n\r\nonepay,\"a\r\n\r\nb\",1,COP\r\n\r\nonepay,b,1e3,COP\r\n"), 7),
        (format!("\n\n{header}\nonepay,b,1e3,COP\n"), 4),
        (format!("{header}\nonepay,b,1e3,COP\r"), 2),
    ] {
        assert_refused(text.as_bytes(), LedgerFormat::Csv, line, Some("amount"), "1e3");
    }
    let error = refused(b"\n\nprovider,reference,amount,currency,fee\n", LedgerFormat::Csv);
    assert_eq!(error.line, 3, "{error}");
}

#[test]
fn csv_headers_must_name_known_columns() {
    let csv = LedgerFormat::Csv;
    let error = refused(b"provider,reference,amount,currency,fee,Note\n", csv);
    assert_eq!((error.line, error.column), (1, None));
    assert!(error.message.contains("unknown columns \"fee\", \"Note\""), "{error}");
    let error = refused(b"reference,provider,currency\nx,onepay,COP\n", csv);
    assert_eq!((error.line, error.column), (1, None));
    assert!(error.message.contains("missing column amount"), "{error}");
    let error = refused(b"provider,reference,amount,amount,currency\n", csv);
    assert_eq!((error.line, error.column), (1, Some("amount")));
    assert!(error.message.contains("twice"), "{error}");
    let error = refused(b"", csv);
    assert_eq!(error.line, 1);
    assert!(error.message.contains("empty"), "{error}");
}

#[test]
fn malformed_jsonl_rows_name_their_line_and_key() {
    let jsonl = LedgerFormat::Jsonl;
    let row = |amount: &str| format!(r#"{{"provider":"onepay","reference":"o","amount":{amount},"currency":"COP"}}"#);
    for (bad, column, says) in [
        (r#"{"provider":"onepay","reference":"o","amount":"1"}"#.to_owned(), Some("currency"), "is missing"),
        (r#"{"reference":"o","amount":"1","currency":"COP"}"#.to_owned(), Some("provider"), "is missing"),
        (r#"{"provider":" ","reference":"o","amount":"1","currency":"COP"}"#.to_owned(), Some("provider"), "is empty"),
        (
            r#"{"provider":"onepay","reference":null,"amount":"1","currency":"COP"}"#.to_owned(),
            Some("reference"),
            "is null",
        ),
        (row("1e3"), Some("amount"), "plain decimal"),
        (row("\"1e3\""), Some("amount"), "plain decimal"),
        (row("1.5E2"), Some("amount"), "plain decimal"),
        (row("\"NaN\""), Some("amount"), "\"NaN\""),
        (row("\"12,50\""), Some("amount"), "decimal comma"),
        (row("true"), Some("amount"), "must be a JSON string or number"),
        (row("123456789012345678901234567890"), Some("amount"), "not an exact decimal"),
        (
            r#"{"provider":1,"reference":"o","amount":"1","currency":"COP"}"#.to_owned(),
            Some("provider"),
            "must be a JSON string",
        ),
        (
            r#"{"provider":"onepay","reference":"o","amount":"1","currency":"C"}"#.to_owned(),
            Some("currency"),
            "not a currency code",
        ),
        (
            r#"{"provider":"onepay","reference":"o","amount":"1","currency":"COP","status":"paid"}"#.to_owned(),
            Some("status"),
            "not a status",
        ),
        (
            r#"{"provider":"onepay","reference":"o","amount":"1","currency":"COP","direction":"up"}"#.to_owned(),
            Some("direction"),
            "not a direction",
        ),
        (
            r#"{"provider":"onepay","reference":"o","amount":"1","amount":"2","currency":"COP"}"#.to_owned(),
            Some("amount"),
            "twice",
        ),
        (
            r#"{"provider":"onepay","reference":"o","amount":"1","currency":"COP","fee":"1","memo":""}"#.to_owned(),
            None,
            "unknown keys \"fee\", \"memo\"",
        ),
        (row("NaN"), None, "not a ledger row as JSON"),
        (r#"{"provider":"onepay""#.to_owned(), None, "not a ledger row as JSON"),
        ("[1, 2]".to_owned(), None, "expected a JSON object"),
        (format!("{} {{}}", row("1")), None, "trailing characters"),
    ] {
        assert_refused(&jsonl_with(&bad), jsonl, 3, column, says);
    }
    let mut invalid_utf8 = jsonl_with("");
    invalid_utf8.extend_from_slice(b"{\"provider\":\"one\xffpay\"}\n");
    assert_refused(&invalid_utf8, jsonl, 4, None, "not valid UTF-8");
}

#[test]
fn amounts_are_exact_from_csv_text_and_json_strings_and_numbers() {
    let csv = "currency,amount,reference,provider\n\
               COP,0.1,a,onepay\n\
               COP,0.2,b,onepay\n\
               COP,1234567890123456789012345678,big,onepay\n\
               COP,-0.1234567890123456789012345678,small,onepay\n\
               COP,+1.50,plus,onepay\n";
    let ledger = read(csv, LedgerFormat::Csv).unwrap();
    let amount = |reference: &str| ledger.get("onepay", reference).unwrap().amount;
    assert_eq!(amount("a") + amount("b"), dec("0.3"));
    assert_eq!(amount("big"), dec("1234567890123456789012345678"));
    assert_eq!(amount("small"), dec("-0.1234567890123456789012345678"));
    assert_eq!(amount("plus"), dec("1.5"));

    let jsonl = r#"{"provider":"onepay","reference":"a","amount":0.1,"currency":"COP"}
{"provider":"onepay","reference":"b","amount":"0.2","currency":"COP"}
{"provider":"onepay","reference":"c","amount":0.30000000000000004,"currency":"COP"}
{"provider":"onepay","reference":"big","amount":1234567890123456789012345678,"currency":"COP"}
{"provider":"onepay","reference":"str","amount":" 100.50 ","currency":"COP"}
{"provider":"onepay","reference":12345,"amount":-7,"currency":"COP"}
"#;
    let ledger = read(jsonl, LedgerFormat::Jsonl).unwrap();
    let amount = |reference: &str| ledger.get("onepay", reference).unwrap().amount;
    assert_eq!(amount("a") + amount("b"), dec("0.3"));
    assert_eq!(amount("c"), dec("0.30000000000000004"));
    assert_eq!(amount("big"), dec("1234567890123456789012345678"));
    assert_eq!(amount("str").to_string(), "100.50");
    assert_eq!(amount("12345"), dec("-7"));
}

#[test]
fn rows_are_normalized_and_columns_come_in_any_order() {
    let csv = "\u{feff}Direction, Status ,Currency,Amount,Reference,Provider\r\n\
               out,Succeeded,cop,10,o-1,OnePay\r\n\
               ,,643,20, o-2 ,onlyonepays\r\n";
    let ledger = read(csv, LedgerFormat::Csv).unwrap();
    assert_eq!(
        ledger.get("onepay", "o-1"),
        Some(&LedgerRow {
            line: 2,
            provider: "onepay".into(),
            reference: "o-1".into(),
            amount: dec("10"),
            currency: "COP".into(),
            status: Some(Status::Succeeded),
            direction: Some(Direction::Out),
            created: None,
        })
    );
    let second = ledger.get("OnlyOnePays", "o-2").unwrap();
    assert_eq!((second.line, second.currency.as_str(), second.status, second.direction), (3, "RUB", None, None));
    assert_eq!(ledger.len(), 2);
    let mut providers: Vec<&str> = ledger.providers().collect();
    providers.sort_unstable();
    assert_eq!(providers, ["onepay", "onlyonepays"]);
}

#[test]
fn a_payment_listed_twice_is_refused_naming_both_lines() {
    let csv = format!("{HEADER}onepay,o-1,10,COP,,\nfirstpay,o-1,10,COP,,\nOnePay,o-1,12,COP,,\n");
    let error = refused(csv.as_bytes(), LedgerFormat::Csv);
    assert_eq!((error.line, error.column), (4, Some("reference")));
    assert!(error.message.contains("also on line 2"), "{error}");

    let jsonl = "{\"provider\":\"onepay\",\"reference\":\"x\",\"amount\":1,\"currency\":\"COP\"}\n\
                 \n\
                 {\"provider\":\"onepay\",\"reference\":\"x\",\"amount\":1,\"currency\":\"COP\"}\n";
    let error = refused(jsonl.as_bytes(), LedgerFormat::Jsonl);
    assert_eq!(error.line, 3);
    assert!(error.message.contains("also on line 1"), "{error}");

    let row = |line: u64, provider: &str| LedgerRow {
        line,
        provider: provider.into(),
        reference: "r".into(),
        amount: dec("1"),
        currency: "COP".into(),
        status: None,
        direction: None,
        created: None,
    };
    let error = Ledger::from_rows([row(7, "onepay"), row(9, "ONEPAY")]).unwrap_err();
    assert_eq!(error.line, 9);
    assert!(error.message.contains("also on line 7"), "{error}");
}

#[test]
fn rows_built_by_the_caller_are_checked_like_read_ones() {
    let row = LedgerRow {
        line: 1,
        provider: " OnePay ".into(),
        reference: "r".into(),
        amount: dec("1.5"),
        currency: "cop".into(),
        status: None,
        direction: None,
        created: None,
    };
    let ledger = Ledger::from_rows([row.clone()]).unwrap();
    let stored = ledger.get("onepay", "r").unwrap();
    assert_eq!((stored.provider.as_str(), stored.currency.as_str()), ("onepay", "COP"));

    let error = Ledger::from_rows([LedgerRow { line: 4, reference: "  ".into(), ..row.clone() }]).unwrap_err();
    assert_eq!((error.line, error.column), (4, Some("reference")));
    let error = Ledger::from_rows([LedgerRow { line: 5, currency: "$".into(), ..row }]).unwrap_err();
    assert_eq!((error.line, error.column), (5, Some("currency")));
}

#[test]
fn the_reader_goes_on_after_a_bad_row() {
    let csv = format!("{HEADER}onepay,a,1,COP,,\nonepay,b,x,COP,,\nonepay,c,3,COP,,\n");
    let rows: Vec<_> = LedgerReader::new(csv.as_bytes(), LedgerFormat::Csv).collect();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].as_ref().unwrap().reference, "a");
    assert_eq!(rows[1].as_ref().unwrap_err().line, 3);
    assert_eq!(rows[2].as_ref().unwrap().line, 4);

    // a header that cannot be used ends the rows
    let rows: Vec<_> = LedgerReader::new(&b"provider,ref\nonepay,a\n"[..], LedgerFormat::Csv).collect();
    assert_eq!(rows.len(), 1);
}

#[test]
fn a_header_alone_or_blank_lines_alone_are_an_empty_ledger() {
    assert!(read(HEADER, LedgerFormat::Csv).unwrap().is_empty());
    assert!(read("\n  \n", LedgerFormat::Jsonl).unwrap().is_empty());
}

#[test]
fn formats_are_guessed_from_file_extensions() {
    assert_eq!(LedgerFormat::from_path("books/2026-01.csv"), Some(LedgerFormat::Csv));
    assert_eq!(LedgerFormat::from_path("books.JSONL"), Some(LedgerFormat::Jsonl));
    assert_eq!(LedgerFormat::from_path("books.ndjson"), Some(LedgerFormat::Jsonl));
    assert_eq!(LedgerFormat::from_path("books.xlsx"), None);
    assert_eq!(LedgerFormat::from_path("books"), None);
    assert_eq!("jsonl".parse::<LedgerFormat>(), Ok(LedgerFormat::Jsonl));
    assert!("xlsx".parse::<LedgerFormat>().is_err());
}

/// A UTC time from RFC 3339 text.
fn utc(text: &str) -> DateTime<Utc> {
    text.parse().expect("RFC 3339 literal")
}

#[test]
fn created_is_rfc_3339_with_any_offset_or_a_date_alone() {
    let csv = "provider,reference,amount,currency,created\n\
               onepay,zulu,1,COP,2026-05-01T10:00:00Z\n\
               onepay,offset,1,COP,2026-05-01T05:00:00-05:00\n\
               onepay,fraction,1,COP, 2026-05-01T10:00:00.250+00:00 \n\
               onepay,date,1,COP,2026-05-01\n\
               onepay,none,1,COP,\n";
    let ledger = read(csv, LedgerFormat::Csv).unwrap();
    let created = |reference: &str| ledger.get("onepay", reference).unwrap().created;
    assert_eq!(created("zulu"), Some(utc("2026-05-01T10:00:00Z")));
    assert_eq!(created("offset"), Some(utc("2026-05-01T10:00:00Z")));
    assert_eq!(created("fraction"), Some(utc("2026-05-01T10:00:00.25Z")));
    assert_eq!(created("date"), Some(utc("2026-05-01T00:00:00Z")));
    assert_eq!(created("none"), None);

    let jsonl = r#"{"provider":"onepay","reference":"a","amount":"1","currency":"COP","created":"2026-05-01T12:30:00+02:00"}
{"provider":"onepay","reference":"b","amount":"1","currency":"COP","created":"2026-12-31"}
{"provider":"onepay","reference":"c","amount":"1","currency":"COP","created":null}
{"provider":"onepay","reference":"d","amount":"1","currency":"COP"}
"#;
    let ledger = read(jsonl, LedgerFormat::Jsonl).unwrap();
    let created = |reference: &str| ledger.get("onepay", reference).unwrap().created;
    assert_eq!(created("a"), Some(utc("2026-05-01T10:30:00Z")));
    assert_eq!(created("b"), Some(utc("2026-12-31T00:00:00Z")));
    assert_eq!((created("c"), created("d")), (None, None));
}

#[test]
fn a_malformed_created_names_its_line_and_column() {
    let header = "provider,reference,amount,currency,created\n";
    for (bad, says) in [
        ("yesterday", "is not a time"),
        ("2026-05-01T10:00:00", "is not a time"),
        ("2026-05-01 10:00", "is not a time"),
        ("2026-5-1", "is not a time"),
        ("+2026-05-01", "is not a time"),
        ("1777629600", "is not a time"),
        ("2026-02-30", "\"2026-02-30\" is not a date on the calendar"),
        ("2026-13-01", "not a date on the calendar"),
        ("2026-05-01T25:00:00Z", "\"2026-05-01T25:00:00Z\" is not a time"),
    ] {
        let text = format!("{header}onepay,ok,1,COP,2026-05-01\nonepay,o,1,COP,{bad}\n");
        assert_refused(text.as_bytes(), LedgerFormat::Csv, 3, Some("created"), says);
    }
    for (value, says) in [
        ("\"2026-05-01T10:00\"", "is not a time"),
        ("1777629600", "must be a JSON string"),
        ("{}", "must be a JSON string"),
    ] {
        let bad = format!(r#"{{"provider":"onepay","reference":"o","amount":"1","currency":"COP","created":{value}}}"#);
        assert_refused(&jsonl_with(&bad), LedgerFormat::Jsonl, 3, Some("created"), says);
    }
    // the columns a ledger may have are listed with created among them
    let error = refused(b"provider,reference,amount,currency,date\n", LedgerFormat::Csv);
    assert!(error.message.contains("optionally status, direction and created"), "{error}");
}

#[test]
fn a_negative_amount_cannot_come_in() {
    let says = "a negative amount is a payout; its direction cannot be in";
    assert_refused(&csv_with("onepay,o,-10,COP,,in"), LedgerFormat::Csv, 3, Some("amount"), says);
    assert_refused(&csv_with("onepay,o,-0.01,COP,,IN"), LedgerFormat::Csv, 3, Some("amount"), says);
    let bad = r#"{"provider":"onepay","reference":"o","amount":-10,"currency":"COP","direction":"in"}"#;
    assert_refused(&jsonl_with(bad), LedgerFormat::Jsonl, 3, Some("amount"), says);

    // a negative amount going out, or saying nothing, or zero written with a sign, is fine
    let csv = format!("{HEADER}onepay,out,-10,COP,,out\nonepay,unsaid,-10,COP,,\nonepay,zero,-0,COP,,in\n");
    let ledger = read(&csv, LedgerFormat::Csv).unwrap();
    assert_eq!(ledger.len(), 3);
    assert_eq!(ledger.get("onepay", "unsaid").unwrap().direction, None);

    let row = LedgerRow {
        line: 8,
        provider: "onepay".into(),
        reference: "r".into(),
        amount: dec("-5"),
        currency: "COP".into(),
        status: None,
        direction: Some(Direction::In),
        created: None,
    };
    let error = Ledger::from_rows([row.clone()]).unwrap_err();
    assert_eq!((error.line, error.column), (8, Some("amount")));
    assert!(error.message.contains(says), "{error}");
    assert!(Ledger::from_rows([LedgerRow { direction: Some(Direction::Out), ..row }]).is_ok());
}
