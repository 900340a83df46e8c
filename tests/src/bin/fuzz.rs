//! `just fuzz`: the test suite's fuzzer at scale, in a release build. Prints the cases, the time
//! and the outcomes per provider (and for the headers), with every panic's input; exits non-zero
//! if any case panicked or broke the contract.
//!
//! Usage: `fuzz [--cases N] [--seed S] [--only TARGET]` (targets: the providers, `headers`,
//! `onepay-webhooks`, `onchainpay-webhooks`, `firstpay-webhooks`, `ledger`).

use std::time::Instant;

use pspkit_tests::PROVIDERS;
use pspkit_tests::fuzz::Report;
use pspkit_tests::fuzz::bodies::fuzz_provider;
use pspkit_tests::fuzz::headers::fuzz_headers;
use pspkit_tests::fuzz::ledger::fuzz_ledger;
use pspkit_tests::fuzz::webhooks::{TARGETS, fuzz_webhooks};

fn main() {
    let mut cases: u64 = 1_000_000;
    let mut seed: u64 = 0x5eed_f022;
    let mut only: Option<String> = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next().unwrap_or_else(|| usage(&format!("{arg} needs a value")));
        match arg.as_str() {
            "--cases" => cases = value.replace('_', "").parse().unwrap_or_else(|_| usage("--cases takes a count")),
            "--seed" => seed = value.parse().unwrap_or_else(|_| usage("--seed takes an integer")),
            "--only" => only = Some(value),
            other => usage(&format!("unknown argument {other}")),
        }
    }
    // Panics are caught and reported with their input; the default hook would print each one
    // again, a million times over in a bad run.
    std::panic::set_hook(Box::new(|_| {}));

    let run = |target: &str| only.as_deref().is_none_or(|o| o == target);
    let mut clean = true;
    let mut timed = |fuzz: &(dyn Fn() -> Report + Sync)| {
        let started = Instant::now();
        // On a 2 MiB stack, tokio's default for the worker threads where real calls and webhook
        // handlers run: deep input must not overflow it.
        let report = std::thread::scope(|s| {
            std::thread::Builder::new().stack_size(2 << 20).spawn_scoped(s, fuzz).expect("a fuzz thread").join()
        })
        .expect("the fuzz itself does not panic");
        let seconds = started.elapsed().as_secs_f64();
        println!("{}\n  {:.1} s, {:.0} cases/s", report.summary(), seconds, report.cases as f64 / seconds);
        clean &= report.clean();
    };
    println!("seed {seed}, {cases} cases per target");
    for provider in PROVIDERS.into_iter().filter(|p| run(p)) {
        timed(&|| fuzz_provider(provider, cases, seed));
    }
    if run("headers") {
        timed(&|| fuzz_headers(cases, seed));
    }
    for target in TARGETS.into_iter().filter(|t| run(&format!("{t}-webhooks"))) {
        timed(&|| fuzz_webhooks(target, cases, seed));
    }
    if run("ledger") {
        timed(&|| fuzz_ledger(cases, seed));
    }
    if !clean {
        std::process::exit(1);
    }
}

fn usage(problem: &str) -> ! {
    eprintln!(
        "fuzz: {problem}\nusage: fuzz [--cases N] [--seed S] [--only onepay|...|headers|onepay-webhooks|...|ledger]"
    );
    std::process::exit(2);
}
