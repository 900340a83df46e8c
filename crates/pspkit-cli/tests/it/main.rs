//! The `pspkit` binary, run as a user runs it, against `pspkit sandbox` started by the same
//! binary: real processes, real HTTP over loopback, real signatures.

mod fuzz;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// A `pspkit sandbox --port 0` child, and the variables it printed.
struct Sandbox {
    // held, not read: its stdin closing when the tests end stops the sandbox
    _child: Child,
    env: Vec<(String, String)>,
}

fn pspkit() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pspkit"));
    // only what a test gives: no credentials from the machine running the tests
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("PSPKIT_")) {
        cmd.env_remove(k);
    }
    cmd
}

/// The sandbox every test shares (its data only grows by the writes tests make).
fn sandbox() -> &'static Sandbox {
    static SANDBOX: OnceLock<Sandbox> = OnceLock::new();
    SANDBOX.get_or_init(start_sandbox)
}

/// A `pspkit sandbox --port 0` of its own, for as long as the tests run.
fn start_sandbox() -> Sandbox {
    // under a shell that stops it when this process ends (its stdin, our pipe, closes)
    let script = r#""$0" sandbox --port 0 --size 200 & pid=$!; read -r _; kill "$pid""#;
    let mut child = Command::new("sh")
        .args(["-c", script, env!("CARGO_BIN_EXE_pspkit")])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("pspkit sandbox starts");
    let stdout = child.stdout.take().expect("piped");
    let mut lines = BufReader::new(stdout).lines();
    let mut env = Vec::new();
    let mut pending: Option<(String, String)> = None;
    // `export NAME='value'`, a value spanning lines (a PEM) until its closing quote
    for line in lines.by_ref() {
        let line = line.expect("utf-8");
        if let Some((name, value)) = pending.take() {
            let value = format!("{value}\n{line}");
            match value.strip_suffix('\'') {
                Some(done) => env.push((name, done.to_owned())),
                None => pending = Some((name, value)),
            }
            continue;
        }
        if let Some(rest) = line.strip_prefix("export ") {
            let (name, value) = rest.split_once("='").expect("export NAME='value'");
            match value.strip_suffix('\'') {
                Some(v) => env.push((name.to_owned(), v.to_owned())),
                None => pending = Some((name.to_owned(), value.to_owned())),
            }
            if name == "PSPKIT_ONCHAINPAY_BASE_URL" {
                break;
            }
        }
    }
    // keep draining its stdout so it never blocks on a full pipe
    std::thread::spawn(move || for _ in lines {});
    Sandbox { _child: child, env }
}

fn run(args: &[&str]) -> Output {
    run_with(args, None)
}

/// OnChainPay's nonce is the time in milliseconds, unique within a process: two processes
/// signing with one key in the same millisecond would share one, and the second is refused (as
/// OnChainPay refuses it). Tests run in parallel, so their commands take turns.
fn one_at_a_time() -> std::sync::MutexGuard<'static, ()> {
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn run_with(args: &[&str], stdin: Option<&str>) -> Output {
    let _turn = one_at_a_time();
    let mut cmd = pspkit();
    cmd.args(args).envs(sandbox().env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("pspkit runs");
    let mut input = child.stdin.take().expect("piped");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("stdin written");
    }
    drop(input);
    child.wait_with_output().expect("pspkit ends")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Exit code 2, one line on stderr naming `needle`, nothing on stdout.
fn refused(out: &Output, needle: &str) {
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err:?}");
    assert!(err.contains(needle), "{needle:?} not in {err:?}");
    assert!(out.stdout.is_empty(), "stdout: {}", text(&out.stdout));
}

#[test]
fn lists_cashouts_as_json() {
    let out = run(&["onepay", "cashouts", "list", "--limit", "5"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let page: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(page["data"].as_array().map(Vec::len), Some(5));
}

#[test]
fn walks_every_page_as_json_lines() {
    let out = run(&["onchainpay", "orders", "list", "--all", "--max-items", "7"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("a JSON line")).collect();
    assert_eq!(lines.len(), 7);
    assert!(lines.iter().all(|o| o["orderId"].is_string()));
}

#[test]
fn walks_a_list_paged_in_its_body_from_a_body_without_the_paging_fields() {
    // listPersonalAddresses requires `limit` and `offset` in its body; `--all` sets them on every
    // page, so a body that leaves them out is walked
    let body = ["onchainpay", "personal-addresses", "list", "--body", "-"];
    let one_call = run_with(&body, Some(r#"{"limit": 1000, "offset": 0}"#));
    assert!(one_call.status.success(), "{}", text(&one_call.stderr));
    let one_call: serde_json::Value = serde_json::from_slice(&one_call.stdout).expect("JSON");
    let every = one_call.as_array().expect("the addresses").len();
    assert!(every > 0, "the sandbox has personal addresses: {one_call}");
    let walked = run_with(&[&body[..], &["--all"]].concat(), Some("{}"));
    assert!(walked.status.success(), "{}", text(&walked.stderr));
    assert_eq!(text(&walked.stdout).lines().count(), every, "every address once");
    // the body is read as given: a key given twice is refused, with or without the walk
    let twice = r#"{"network": ["tron"], "network": ["bsc"]}"#;
    refused(&run_with(&[&body[..], &["--all"]].concat(), Some(twice)), "duplicate field");
    refused(&run_with(&body, Some(twice)), "duplicate field");
}

#[test]
fn help_shows_the_spec_the_retry_class_and_money() {
    let out = run(&["onepay", "cashouts", "--help"]);
    let help = text(&out.stdout);
    assert!(out.status.success());
    assert!(help.contains("create") && help.contains("WRITES MONEY") && help.contains("idempotent"), "{help}");
    let out = run(&["onepay", "cashouts", "list", "--help"]);
    assert!(text(&out.stdout).contains("read-only"), "{}", text(&out.stdout));
}

#[test]
fn bad_input_is_refused_with_exit_code_2_before_any_request() {
    refused(&run(&["onepay", "cashouts", "refund"]), "refund");
    refused(&run(&["nopay", "cashouts", "list"]), "nopay");
    refused(&run(&["onepay", "cashouts", "get"]), "--id");
    refused(&run(&["onepay", "cashouts", "list", "--limit", "ten"]), "--limit");
    refused(&run_with(&["onepay", "cashouts", "create", "--body", "-"], Some("{\"amount\": ")), "body");
    let body = r#"{"account_id":"a","customer_id":"c","amount":"12,50","currency":"COP","method":"ACH"}"#;
    refused(&run_with(&["onepay", "cashouts", "create", "--body", "-"], Some(body)), "body.amount");
    refused(&run(&["onepay", "cashouts", "create", "--body", "/no/such/file.json"]), "--body");
    refused(&run(&["payments", "--provider", "onepay", "--since", "yesterday"]), "--since");
    // no request can be made for this server: nothing printed, not even the CSV header
    let ftp = ["--base-url", "ftp://example.invalid", "payments", "--provider", "onepay", "--format", "csv"];
    refused(&run(&ftp), "URL scheme is not allowed");
}

#[test]
fn a_float_where_money_is_expected_is_refused() {
    // the first operation with an amount among its flags
    let (provider, op, param) = pspkit_cli::PROVIDERS
        .iter()
        .flat_map(|p| p.operations.iter().map(move |o| (p, o)))
        .find_map(|(p, o)| o.params.iter().find(|x| x.kind == pspkit_cli::catalog::ValueKind::Money).map(|x| (p, o, x)))
        .expect("some operation takes an amount as a flag");
    let flag = format!("--{}", param.flag);
    let out = run(&[provider.name, op.group, op.command, &flag, "1.5e3"]);
    refused(&out, &flag);
    assert!(text(&out.stderr).contains("exact decimal"));
}

#[test]
fn missing_credentials_name_the_variable_and_no_secret_is_ever_printed() {
    let out = pspkit().args(["onepay", "cashouts", "list"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("PSPKIT_ONEPAY_SECRET_KEY"), "{}", text(&out.stderr));

    let out = run(&["--verbose", "onepay", "cashouts", "list", "--limit", "1"]);
    assert!(out.status.success());
    let secret = &sandbox().env.iter().find(|(k, _)| k == "PSPKIT_ONEPAY_SECRET_KEY").expect("set").1;
    assert!(text(&out.stderr).contains("list_cashouts"), "verbose says what it sends");
    assert!(!text(&out.stderr).contains(secret.as_str()) && !text(&out.stdout).contains(secret.as_str()));
}

fn payments(provider: &str, format: &str) -> Vec<String> {
    let out = run(&["payments", "--provider", provider, "--format", format]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    text(&out.stdout).lines().map(str::to_owned).collect()
}

#[test]
fn exports_normalized_payments_of_every_provider() {
    for provider in ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"] {
        let lines = payments(provider, "jsonl");
        assert!(!lines.is_empty(), "{provider} has payments");
        for line in &lines {
            let p: pspkit::normalized::Payment = serde_json::from_str(line).expect("a payment");
            assert_eq!(p.provider, provider);
            assert!(p.reference.is_some(), "{provider}: every sandbox record has the merchant's reference");
            assert_eq!(p.currency, p.currency.to_uppercase());
        }
        let csv = payments(provider, "csv");
        assert!(csv[0].starts_with("provider,provider_id,reference,direction,amount"));
        assert_eq!(csv.len(), lines.len() + 1);
    }
    // OnlyOnePays sends ISO numeric currency codes: normalized to letters
    let first: pspkit::normalized::Payment = serde_json::from_str(&payments("onlyonepays", "jsonl")[0]).expect("JSON");
    assert!(first.currency.chars().all(|c| c.is_ascii_uppercase()), "{}", first.currency);
}

#[test]
fn a_range_keeps_only_payments_created_inside_it() {
    let all = payments("firekassa", "jsonl");
    let out = run(&["payments", "--provider", "firekassa", "--since", "2026-03-01", "--until", "2026-04-01"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let kept: Vec<pspkit::normalized::Payment> =
        text(&out.stdout).lines().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    assert!(!kept.is_empty() && kept.len() < all.len());
    let inside = |line: &String| {
        let p: pspkit::normalized::Payment = serde_json::from_str(line).expect("JSON");
        let created = p.created.expect("created").to_rfc3339();
        created.as_str() >= "2026-03-01" && created.as_str() < "2026-04-01"
    };
    assert_eq!(kept.len(), all.iter().filter(|l| inside(l)).count(), "every payment of the range, and only those");
    for p in &kept {
        let created = p.created.expect("created").to_rfc3339();
        assert!(created.as_str() >= "2026-03-01" && created.as_str() < "2026-04-01", "{created}");
    }
}

const KINDS: [&str; 6] =
    ["matched", "missing_in_provider", "missing_in_ledger", "amount_mismatch", "currency_mismatch", "status_mismatch"];

/// A ledger written from what the provider reports, with one planted discrepancy of each kind:
/// the CSV, and the reference planted for each kind but `matched` (and how many matched).
fn planted_ledger(provider: &str) -> (String, Vec<(&'static str, String)>, usize) {
    let records: Vec<pspkit::normalized::Payment> =
        payments(provider, "jsonl").iter().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let mut csv = String::from("provider,reference,amount,currency,status,direction\n");
    let mut planted = Vec::new();
    let mut matched = 0;
    for (i, p) in records.iter().enumerate() {
        let reference = p.reference.clone().expect("a reference");
        let (mut amount, mut currency, mut status) = (p.amount.to_string(), p.currency.clone(), p.status.to_string());
        match i {
            0 => {
                planted.push(("missing_in_ledger", reference));
                continue;
            }
            1 => {
                amount = (p.amount + pspkit::Decimal::new(1, 2)).to_string();
                planted.push(("amount_mismatch", reference.clone()));
            }
            2 => {
                currency = if currency == "EUR" { "USD".into() } else { "EUR".into() };
                planted.push(("currency_mismatch", reference.clone()));
            }
            3 => {
                status = if status == "refunded" { "pending".into() } else { "refunded".into() };
                planted.push(("status_mismatch", reference.clone()));
            }
            _ => matched += 1,
        }
        csv.push_str(&format!("{provider},{reference},{amount},{currency},{status},{}\n", p.direction));
    }
    csv.push_str(&format!("{provider},never-sent-1,10.00,COP,,\n"));
    planted.push(("missing_in_provider", "never-sent-1".into()));
    (csv, planted, matched)
}

#[test]
fn reconcile_finds_exactly_the_planted_discrepancies() {
    let (ledger, planted, matched) = planted_ledger("onepay");
    let out = run_with(
        &["reconcile", "--ledger", "-", "--ledger-format", "csv", "--provider", "onepay", "--format", "json"],
        Some(&ledger),
    );
    assert_eq!(out.status.code(), Some(1), "discrepancies: exit code 1; {}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(report.as_object().map(|o| o.len()), Some(KINDS.len()));
    assert_eq!(report["matched"].as_array().map(Vec::len), Some(matched));
    for (kind, reference) in &planted {
        let entries = report[*kind].as_array().expect("a list per kind");
        assert_eq!(entries.len(), 1, "{kind}");
        assert_eq!(entries[0]["reference"], reference.as_str(), "{kind}");
    }

    // the table names each discrepancy; jsonl and csv have one line per entry
    let table =
        run_with(&["reconcile", "--ledger", "-", "--ledger-format", "csv", "--provider", "onepay"], Some(&ledger));
    assert_eq!(table.status.code(), Some(1));
    for (_, reference) in &planted {
        assert!(text(&table.stdout).contains(reference.as_str()), "{reference} in {}", text(&table.stdout));
    }
    let total = matched + planted.len();
    for format in ["jsonl", "csv"] {
        let out = run_with(
            &["reconcile", "--ledger", "-", "--ledger-format", "csv", "--provider", "onepay", "--format", format],
            Some(&ledger),
        );
        let header = usize::from(format == "csv");
        assert_eq!(text(&out.stdout).lines().count(), total + header, "{format}");
    }
}

#[test]
fn a_ledger_that_matches_exits_0() {
    let records: Vec<pspkit::normalized::Payment> =
        payments("firekassa", "jsonl").iter().map(|l| serde_json::from_str(l).expect("JSON")).collect();
    let mut jsonl = String::new();
    for p in &records {
        let row = serde_json::json!({"provider": "firekassa", "reference": p.reference, "amount": p.amount.to_string(), "currency": p.currency});
        jsonl.push_str(&format!("{row}\n"));
    }
    let out = run_with(&["reconcile", "--ledger", "-", "--ledger-format", "jsonl"], Some(&jsonl));
    assert_eq!(out.status.code(), Some(0), "{}{}", text(&out.stdout), text(&out.stderr));
}

#[test]
fn a_malformed_ledger_row_is_reported_with_its_line() {
    let ledger = "provider,reference,amount,currency\nonepay,r-1,10.00,COP\nonepay,r-2,1e3,COP\n";
    let out = run_with(&["reconcile", "--ledger", "-", "--ledger-format", "csv"], Some(ledger));
    refused(&out, "line 3");
    let out = run(&["reconcile", "--ledger", "books.txt"]);
    refused(&out, "--ledger-format");
}
