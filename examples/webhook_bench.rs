//! Webhook verification cost on hostile bodies (`just bench-webhooks`; release build).
//!
//! A webhook endpoint is public, so what one forged request costs is what an attacker can make
//! the endpoint spend. Measures OnePay `verify` (the provider whose check re-serialises the body)
//! on 1 MiB forged bodies — every key distinct, every key the same — and, for scale, on a genuine
//! signed body of the same size and on a body one byte over the cap; and FirstPay `verify` (RSA
//! over a rendering of every top-level field) on a forged 1 MiB body. Prints the median and the
//! worst of `ROUNDS` runs per case, and exits non-zero if a forged OnePay 1 MiB body takes 20 ms
//! or more.

use std::time::{Duration, Instant};

use pspkit::SecretString;
use pspkit::webhooks::{VerifyOptions, firstpay, onepay};

const ROUNDS: usize = 25;
const MIB: usize = 1 << 20;
const BUDGET: Duration = Duration::from_millis(20);

/// Median and worst time of `verify` over `ROUNDS` runs, and what it answered.
fn measure<T, E: std::fmt::Display>(verify: impl Fn() -> Result<T, E>) -> (Duration, Duration, String) {
    let mut times = Vec::with_capacity(ROUNDS);
    let mut outcome = String::new();
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let result = verify();
        times.push(started.elapsed());
        outcome = match result {
            Ok(_) => "accepted".into(),
            Err(e) => format!("refused: {e}"),
        };
    }
    times.sort();
    (times[ROUNDS / 2], times[ROUNDS - 1], outcome)
}

fn main() -> std::process::ExitCode {
    let secret = SecretString::from("wh_tok_bench");
    let options = VerifyOptions::default().tolerance(None);
    let wrong = "0".repeat(64);
    let distinct = pspkit_tests::forged_onepay_body(MIB, false);
    let repeated = pspkit_tests::forged_onepay_body(MIB, true);
    let genuine = pspkit_tests::forged_onepay_body(MIB, false);
    let genuine_signature = onepay::sign(&secret, &genuine);
    let over = vec![b' '; MIB + 1];
    let cases: [(&str, &[u8], &str, bool); 4] = [
        ("forged, 1 MiB, distinct keys", &distinct, &wrong, true),
        ("forged, 1 MiB, one key repeated", &repeated, &wrong, true),
        ("genuine, 1 MiB, signed", &genuine, &genuine_signature, false),
        ("over the 1 MiB cap by one byte", &over, &wrong, true),
    ];
    println!("OnePay webhook verify, release build, {ROUNDS} rounds each\n");
    println!("| body | bytes | median | worst | outcome |");
    println!("|---|---:|---:|---:|---|");
    let mut missed = false;
    for (name, body, signature, forged) in cases {
        let (median, worst, outcome) =
            measure(|| onepay::verify_with(body, Some(signature), None, &secret, None, &options));
        println!("| OnePay: {name} | {} | {:.2} ms | {:.2} ms | {outcome} |", body.len(), ms(median), ms(worst));
        missed |= forged && median >= BUDGET;
    }
    // FirstPay: a forged postback with as many top-level fields as fit, and a made-up hash
    let firstpay_key = pspkit::signing::RsaVerifyingKey::from_pem(pspkit_tests::keys::FIRSTPAY_PUBLIC_PEM)
        .expect("the test key parses");
    let mut postback = pspkit_tests::forged_onepay_body(MIB - 64, false);
    postback.splice(1..1, br#""hash":"AAAA","publicKey":"k","#.iter().copied());
    let (median, worst, outcome) = measure(|| firstpay::verify(&postback, &firstpay_key));
    println!(
        "| FirstPay: forged, 1 MiB, many fields | {} | {:.2} ms | {:.2} ms | {outcome} |",
        postback.len(),
        ms(median),
        ms(worst)
    );
    if missed {
        println!("\nMISSED: a forged body took {} ms or more (median)", BUDGET.as_millis());
        return std::process::ExitCode::FAILURE;
    }
    println!("\nevery forged body refused within {} ms (median)", BUDGET.as_millis());
    std::process::ExitCode::SUCCESS
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
