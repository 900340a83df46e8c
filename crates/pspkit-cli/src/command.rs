//! The command tree, built from the generated table: a command per provider, per group and per
//! operation, with the spec's descriptions as help.

use clap::{Arg, ArgAction, Command};

use crate::PROVIDERS;
use crate::catalog::{Operation, ValueKind};

/// `pspkit` with every subcommand.
pub(crate) fn root() -> Command {
    let mut root = Command::new("pspkit")
        .about("Typed clients for payment-provider APIs: call any operation, export normalized payments, reconcile a ledger")
        .long_about(
            "Typed clients for payment-provider APIs.\n\n\
             Credentials come from PSPKIT_<PROVIDER>_<KEY> variables (e.g. PSPKIT_ONEPAY_SECRET_KEY); \
             PSPKIT_<PROVIDER>_BASE_URL or --base-url points a provider anywhere (the sandbox).\n\
             Exit codes: 0 done (reconcile: all matched), 1 provider or network failure (reconcile: \
             discrepancies), 2 bad input, refused before any request.",
        )
        .version(env!("CARGO_PKG_VERSION"))
        .subcommand_required(true)
        .arg(
            Arg::new("base-url")
                .long("base-url")
                .global(true)
                .value_name("URL")
                .help("Send to this base URL instead of PSPKIT_<PROVIDER>_BASE_URL or the provider's server"),
        )
        .arg(
            Arg::new("verbose")
                .long("verbose")
                .short('v')
                .global(true)
                .action(ArgAction::SetTrue)
                .help("Say on stderr what is sent where (never a secret)"),
        );
    for provider in PROVIDERS {
        let mut groups: Vec<&str> = provider.operations.iter().map(|o| o.group).collect();
        groups.dedup();
        groups.sort_unstable();
        groups.dedup();
        let keys: Vec<String> = provider
            .keys
            .iter()
            .map(|k| {
                let optional = if k.optional { " (optional)" } else { "" };
                format!("  {}{optional}: {}", pspkit::auth::env_name(provider.name, k.name), k.description)
            })
            .collect();
        let mut cmd = Command::new(provider.name)
            .about(provider.title)
            .long_about(format!("{}\n\nCredentials:\n{}", provider.title, keys.join("\n")))
            .subcommand_required(true);
        for group in groups {
            let mut g = Command::new(group).subcommand_required(true).about(format!("{} {group}", provider.name));
            for op in provider.operations.iter().filter(|o| o.group == group) {
                g = g.subcommand(operation(op));
            }
            cmd = cmd.subcommand(g);
        }
        root = root.subcommand(cmd);
    }
    root.subcommand(crate::sandbox::command())
        .subcommand(crate::payments::command())
        .subcommand(crate::reconcile::command())
}

fn operation(op: &'static Operation) -> Command {
    let mut long = String::from(op.summary);
    if !op.description.is_empty() {
        long.push_str("\n\n");
        long.push_str(op.description);
    }
    long.push_str("\n\n");
    long.push_str(&op.facts());
    let mut cmd = Command::new(op.command).about(format!("{} [{}]", op.summary, op.facts())).long_about(long);
    for p in op.params {
        let mut help = p.help.to_owned();
        if p.kind == ValueKind::Money {
            help.push_str(" (an exact decimal: digits and one point)");
        }
        if p.idempotency {
            help = "The idempotency key (generated when absent, the same on every retry)".into();
        }
        cmd = cmd.arg(
            Arg::new(p.key).long(p.flag).value_name(value_name(p.kind)).required(p.required && !p.paging).help(help),
        );
    }
    if let Some(body) = op.body {
        cmd = cmd.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .required(op.body_required)
                .help(format!("The request body as a JSON file, or - for stdin: {body}")),
        );
    }
    if op.pages {
        cmd = cmd
            .arg(
                Arg::new("all")
                    .long("all")
                    .action(ArgAction::SetTrue)
                    .help("Walk every page and print one JSON line per item"),
            )
            .arg(
                Arg::new("max-items")
                    .long("max-items")
                    .value_name("N")
                    .value_parser(clap::value_parser!(u64))
                    .requires("all")
                    .help("With --all: stop after N items"),
            );
    }
    cmd
}

fn value_name(kind: ValueKind) -> &'static str {
    match kind {
        ValueKind::Text => "TEXT",
        ValueKind::Money => "AMOUNT",
        ValueKind::Integer => "N",
        ValueKind::Bool => "true|false",
        ValueKind::List => "A,B,...",
        ValueKind::Json => "JSON",
    }
}
