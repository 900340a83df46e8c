//! `pspkit <provider> <group> <operation>`: one call (or, with `--all`, a walk of every page),
//! printed as JSON.

use std::io::{Read, Write};

use clap::ArgMatches;
use serde_json::{Map, Value};

use crate::catalog::{Operation, ValueKind};
use crate::{Arguments, EXIT_OK, Failure, Output, PROVIDERS};

pub(crate) async fn run(
    provider: &str,
    matches: &ArgMatches,
    base_url: Option<&str>,
    verbose: bool,
) -> Result<u8, Failure> {
    let (group, m) = matches.subcommand().ok_or_else(|| Failure::bad_input("a group is needed"))?;
    let (command, m) = m.subcommand().ok_or_else(|| Failure::bad_input("an operation is needed"))?;
    let op = PROVIDERS
        .iter()
        .find(|p| p.name == provider)
        .and_then(|p| p.operations.iter().find(|o| o.group == group && o.command == command))
        .ok_or_else(|| Failure::bad_input(format!("unknown operation {provider} {group} {command}")))?;
    let args = arguments(op, m)?;
    let client = crate::client(provider, base_url)?;
    if verbose {
        eprintln!("pspkit: {provider} {} ({}) at {}", op.rust, op.route, redact_url(client.base_url()));
    }
    let stdout = std::io::stdout();
    if m.try_get_one::<bool>("all").ok().flatten().copied().unwrap_or(false) {
        let mut options = pspkit::paginate::PageOptions::new();
        options.max_items = m.try_get_one::<u64>("max-items").ok().flatten().copied();
        let mut pages = client.pages(op.rust, args, options, pspkit::CallOptions::default())?;
        let mut count = 0u64;
        while let Some(page) = pages.next().await {
            let mut out = stdout.lock();
            for line in page? {
                writeln!(out, "{line}").map_err(crate::write_failed)?;
                count += 1;
            }
        }
        if verbose {
            eprintln!("pspkit: {count} items");
        }
        return Ok(EXIT_OK);
    }
    let answer = client.call(op.rust, args, pspkit::CallOptions::default()).await?;
    let mut out = stdout.lock();
    let written = match answer {
        Output::Json(text) => writeln!(out, "{text}"),
        Output::Bytes(bytes) => out.write_all(&bytes),
    };
    written.map_err(crate::write_failed)?;
    Ok(EXIT_OK)
}

/// A URL without user info or query (where a key could hide).
fn redact_url(url: &str) -> String {
    let url = url.split(['?', '#']).next().unwrap_or_default().to_owned();
    match url.split_once("://") {
        Some((scheme, rest)) => match rest.split_once('@') {
            Some((_, host)) => format!("{scheme}://***@{host}"),
            None => url,
        },
        None => url,
    }
}

/// The flags given, as the dispatch's arguments; a malformed value names its flag.
fn arguments(op: &Operation, m: &ArgMatches) -> Result<Arguments, Failure> {
    let mut values = Map::new();
    let mut texts = Vec::new();
    for p in op.params {
        let Some(text) = m.try_get_one::<String>(p.key).ok().flatten() else { continue };
        let bad = |rule: &str| Failure::bad_input(format!("--{} {text:?}: {rule}", p.flag));
        let value = match p.kind {
            ValueKind::Text => Value::String(text.clone()),
            ValueKind::Money => {
                // `+` is refused too: a flag's amount is written as the provider reads it
                if text.starts_with('+') || !pspkit::money::is_plain_decimal(text) {
                    return Err(bad("is not an amount: write the exact decimal, digits and one point (1500.00)"));
                }
                Value::String(text.clone())
            }
            ValueKind::Integer => match (text.parse::<i64>(), text.parse::<u64>()) {
                (Ok(n), _) => n.into(),
                (_, Ok(n)) => n.into(),
                _ => return Err(bad("is not a whole number")),
            },
            ValueKind::Bool => match text.as_str() {
                "true" => Value::Bool(true),
                "false" => Value::Bool(false),
                _ => return Err(bad("is not true or false")),
            },
            ValueKind::List => Value::Array(text.split(',').map(|s| Value::String(s.trim().to_owned())).collect()),
            ValueKind::Json => {
                // read by the dispatch from its text, into its own type: no float on the way
                serde_json::from_str::<serde::de::IgnoredAny>(text).map_err(|e| bad(&format!("is not JSON: {e}")))?;
                texts.push((p.key, text.clone()));
                continue;
            }
        };
        values.insert(p.key.to_owned(), value);
    }
    let body = match m.try_get_one::<String>("body").ok().flatten() {
        Some(source) => Some(read_body(source)?),
        // every field of the body is optional: send an empty one
        None if op.body.is_some() => Some("{}".to_owned()),
        None => None,
    };
    let args = Arguments::with_body(Value::Object(values), body);
    Ok(texts.into_iter().fold(args, |args, (name, text)| args.text(name, text)))
}

/// The body from a file or stdin (`-`), at most 16 MiB.
fn read_body(source: &str) -> Result<String, Failure> {
    const LIMIT: u64 = 16 << 20;
    let mut text = String::new();
    let read = if source == "-" {
        std::io::stdin().take(LIMIT + 1).read_to_string(&mut text)
    } else {
        std::fs::File::open(source).and_then(|f| f.take(LIMIT + 1).read_to_string(&mut text))
    };
    read.map_err(|e| Failure::bad_input(format!("--body {source}: cannot read it: {e}")))?;
    if text.len() as u64 > LIMIT {
        return Err(Failure::bad_input(format!("--body {source}: larger than 16 MiB")));
    }
    Ok(text)
}
