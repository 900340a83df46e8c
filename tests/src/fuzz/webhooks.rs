//! Mutated webhook deliveries through `pspkit::webhooks`: OnePay (`verify_with`, `parse`),
//! OnChainPay (`verify_with`) and FirstPay (`verify_with`). Most bodies are signed after they are
//! mutated, so they get past the signature to the parsing behind it; the rest carry a hostile or
//! stale signature, which is what an attacker without the key sends. The contract: no panic; every
//! refusal is a `WebhookError`, which the signatures guarantee, so only panics are findings.

use std::time::{Duration, SystemTime};

use pspkit::SecretString;
use pspkit::signing::{RsaSigningKey, RsaVerifyingKey};
use pspkit::webhooks::{VerifyOptions, WebhookError, firstpay, onchainpay, onepay};
use serde_json::{Value, json};

use super::bodies::Seeds;
use super::headers::hostile_value;
use super::mutate::mutate;
use super::rng::Rng;
use super::{Report, guarded};
use crate::keys;

/// The providers whose webhooks pspkit verifies.
pub const TARGETS: [&str; 3] = ["onepay", "onchainpay", "firstpay"];

/// The seed events' `event.timestamp`; verification clocks are set around it.
const SENT_AT: u64 = 1_707_398_765;

/// FirstPay signs with RSA, which costs a millisecond or more a body: one mutated body in this
/// many is signed (the path behind the signature), the others are mutations of a signed seed,
/// `hash` included (the path an attacker reaches).
const FIRSTPAY_SIGN_ONE_IN: usize = 100;

/// Runs `cases` mutated deliveries of `target`'s webhooks (one of [`TARGETS`]).
pub fn fuzz_webhooks(target: &str, cases: u64, seed: u64) -> Report {
    let mut report = Report::new(format!("{target} webhooks"));
    let donors = Seeds::load(target).examples().to_vec();
    let secret = SecretString::from("wh_tok_FUZZSECRET0123456789");
    let firstpay_private = RsaSigningKey::from_pem(keys::FIRSTPAY_PRIVATE_PEM).expect("test key");
    let firstpay_public = RsaVerifyingKey::from_pem(keys::FIRSTPAY_PUBLIC_PEM).expect("test key");
    let seeds = seeds(target, &donors);
    let signed_seeds: Vec<Vec<u8>> = seeds
        .iter()
        .map(|s| match target {
            "firstpay" => firstpay::sign(s.to_string().as_bytes(), &firstpay_private).expect("seed signs"),
            _ => s.to_string().into_bytes(),
        })
        .collect();
    for i in 0..cases {
        let mut rng = Rng::for_case(seed, i);
        let pick = rng.below(seeds.len());
        let sign_firstpay = target == "firstpay" && rng.one_in(FIRSTPAY_SIGN_ONE_IN);
        let mutant = match target {
            // mutate the signed body: the signature travels with it, as in a tampered delivery
            "firstpay" if !sign_firstpay => {
                mutate(&serde_json::from_slice(&signed_seeds[pick]).expect("a signed seed is JSON"), &donors, &mut rng)
            }
            _ => mutate(&seeds[pick], &donors, &mut rng),
        };
        let body = mutant.bytes;
        let hostile_signature = rng.one_in(8).then(|| String::from_utf8_lossy(&hostile_value(&mut rng)).into_owned());
        let options = options(&mut rng);
        report.cases += 1;
        let outcome = guarded(|| match target {
            "onepay" => {
                let signature = hostile_signature.unwrap_or_else(|| onepay::sign(&secret, &body));
                let parsed = onepay::parse(&body).map(|e| e.data_as::<pspkit_onepay::types::Payment>().is_ok());
                let verified = onepay::verify_with(&body, Some(&signature), None, &secret, None, &options)
                    .and_then(|e| e.data_as::<Value>().map(drop));
                verified.map(|()| parsed.is_ok())
            }
            "onchainpay" => {
                let signature = hostile_signature.unwrap_or_else(|| onchainpay::sign(&secret, &body));
                onchainpay::verify_with(&body, Some(&signature), Some("pub-1"), &secret, &options)
                    .and_then(|e| e.data_as::<Value>().map(|_| e.status().is_some()))
            }
            _ => {
                let body = match sign_firstpay {
                    true => firstpay::sign(&body, &firstpay_private).unwrap_or(body.clone()),
                    false => body.clone(),
                };
                firstpay::verify_with(&body, &firstpay_public, &options)
                    .and_then(|p| p.data_as::<Value>().map(|_| p.unverified_fields.is_empty()))
            }
        });
        let what =
            |panic: &str| format!("{target} webhook (case {i}, seed {seed}, {}): {panic}", mutant.steps.join(" + "));
        match outcome {
            Err(panic) => report.finding(true, &what(&panic), &body),
            Ok(Ok(_)) => report.accepted += 1,
            Ok(Err(WebhookError::BadSignature | WebhookError::MissingSignature)) => report.refused += 1,
            Ok(Err(_)) => report.decode_errors += 1,
        }
    }
    report
}

/// What each provider sends, and its spec examples of the resources a webhook carries.
fn seeds(target: &str, donors: &[Value]) -> Vec<Value> {
    let mut seeds = match target {
        "onepay" => vec![
            json!({"payment": {"id": "9e5ccd4a-d2f0-49dd-87fc-a0da752bd166", "status": "approved", "amount": 150000,
                "currency": "COP"}, "event": {"type": "payment.approved", "timestamp": SENT_AT, "environment": "test"}}),
            json!({"cashout": {"id": "c-1", "status": "rejected", "amount": "10.50"},
                "event": {"type": "cashout.rejected", "timestamp": SENT_AT}}),
            json!({"event": "payout.reversed", "data": {"id": "x-1"}}),
        ],
        "onchainpay" => vec![json!({"id": "o-1", "status": "processed", "amount": "10.50", "received": "10.50"})],
        _ => vec![json!({"publicKey": keys::FIRSTPAY_PUBLIC_PEM, "id": "p-1", "status": "SUCCESS", "failedCode": null,
            "amount": "100.00", "currency": "RUB", "tags": ["a", "b"]})],
    };
    // OnChainPay posts the resource itself: its spec examples are deliveries too.
    if target == "onchainpay" {
        seeds.extend(donors.iter().filter(|d| d.is_object()).take(20).cloned());
    }
    seeds
}

/// A verification clock: at the seed's time, far from it, or with the replay check off; with the
/// default size cap or a tiny one.
fn options(rng: &mut Rng) -> VerifyOptions {
    let sent = SystemTime::UNIX_EPOCH + Duration::from_secs(SENT_AT);
    let options = match rng.below(4) {
        0 => VerifyOptions::default().tolerance(None),
        1 => VerifyOptions::default().now(SystemTime::UNIX_EPOCH),
        2 => VerifyOptions::default().now(sent + Duration::from_secs(u32::MAX as u64)),
        _ => VerifyOptions::default().now(sent),
    };
    if rng.one_in(16) { options.max_body_bytes(64) } else { options }
}
