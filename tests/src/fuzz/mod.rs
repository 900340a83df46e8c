//! The fuzzer shared by the test suite (a few thousand cases per target, every `cargo test`) and
//! `just fuzz` (a million per provider, release build): mutated response bodies through every
//! generated decoder, hostile response headers, hostile webhook deliveries, hostile ledgers. Each case runs under
//! `catch_unwind`, so a panic is reported with the input that caused it instead of ending the run.

pub mod bodies;
pub mod headers;
pub mod ledger;
pub mod mutate;
pub mod rng;
pub mod webhooks;

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Findings kept per report (the counts go on).
const KEEP: usize = 10;

/// What one fuzz run saw.
#[derive(Debug, Default)]
pub struct Report {
    /// What was fuzzed (`onepay`, `headers`, ...).
    pub target: String,
    /// Cases run.
    pub cases: u64,
    /// Inputs accepted (decoded into the typed value).
    pub accepted: u64,
    /// Inputs refused with `pspkit::Error::Decode`.
    pub decode_errors: u64,
    /// Inputs refused as the provider's error answer (`Api`, `RateLimited`, ...).
    pub api_errors: u64,
    /// Webhooks refused for their signature (the other refusals count as decode errors).
    pub refused: u64,
    /// Panics: each one a bug.
    pub panics: u64,
    /// Outcomes outside the contract (an untyped or unexpected error): each one a bug.
    pub wrong: u64,
    /// The first few panics and wrong outcomes, with their inputs.
    pub findings: Vec<String>,
}

impl Report {
    /// A report for `target` with nothing counted yet.
    pub fn new(target: impl Into<String>) -> Self {
        Self { target: target.into(), ..Self::default() }
    }

    /// True when no case panicked or broke the contract.
    pub fn clean(&self) -> bool {
        self.panics == 0 && self.wrong == 0
    }

    /// Records a broken case: what happened and the input that did it.
    pub fn finding(&mut self, panicked: bool, what: &str, input: &[u8]) {
        if panicked {
            self.panics += 1;
        } else {
            self.wrong += 1;
        }
        if self.findings.len() < KEEP {
            let kind = if panicked { "panic" } else { "contract" };
            self.findings.push(format!("{kind}: {what}\n    input ({} bytes): {}", input.len(), escaped(input, 400)));
        }
    }

    /// One line of counts, then the findings.
    pub fn summary(&self) -> String {
        let mut out = format!(
            "{}: {} cases: {} accepted, {} decode errors, {} api errors, {} bad signatures, {} panics, {} contract violations",
            self.target,
            self.cases,
            self.accepted,
            self.decode_errors,
            self.api_errors,
            self.refused,
            self.panics,
            self.wrong
        );
        for f in &self.findings {
            out.push_str("\n  ");
            out.push_str(f);
        }
        out
    }
}

/// Runs `f`, turning a panic into its message.
pub fn guarded<R>(f: impl FnOnce() -> R) -> Result<R, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic with a non-text payload".into())
    })
}

/// Bytes as printable ASCII (`\xff`, `\n`, `\"`), cut after `max` input bytes.
pub fn escaped(bytes: &[u8], max: usize) -> String {
    let mut out = bytes[..bytes.len().min(max)].escape_ascii().to_string();
    if bytes.len() > max {
        out.push_str(&format!("... ({} more bytes)", bytes.len() - max));
    }
    out
}
