//! Mutated response bodies through every generated decoder of a provider, exactly as the client
//! decodes them (`pspkit::decode_answer`). The contract: no panic; a 2xx answer is the typed
//! payload or `Error::Decode` (or, behind an `x-envelope`, the provider's `success: false` as an
//! API error); an error status is always one of the API errors.

use std::collections::BTreeMap;

use heck::ToSnakeCase;
use pspkit::Error;
use pspkit_codegen::Spec;
use serde_json::{Value, json};

use super::mutate::mutate;
use super::rng::Rng;
use super::{Report, guarded};
use crate::{DECODERS, Decoder, provider_spec, spec_path};

/// Statuses an error body is sent with: each API error kind, and the retried ones.
const ERROR_STATUSES: &[u16] = &[400, 401, 403, 404, 409, 422, 429, 500, 502, 503];

/// The spec examples of one provider, the seeds of its mutations.
pub struct Seeds {
    /// 2xx examples per operation (the method name), inside the provider's envelope if any.
    success: BTreeMap<String, Vec<Value>>,
    /// Error examples per operation.
    error: BTreeMap<String, Vec<Value>>,
    /// Every example of the provider: stand-ins where an operation has none, and donors of parts.
    all: Vec<Value>,
    /// Every error example of the provider.
    errors: Vec<Value>,
}

impl Seeds {
    /// Reads a provider's examples from its spec.
    pub fn load(provider: &str) -> Self {
        let spec = Spec::load(spec_path(provider)).unwrap_or_else(|e| panic!("{e}"));
        let envelope = provider_spec(provider).envelope;
        let mut seeds = Seeds { success: BTreeMap::new(), error: BTreeMap::new(), all: Vec::new(), errors: Vec::new() };
        for op in spec.operations() {
            let Some(id) = op.id() else { continue };
            let method = id.to_snake_case();
            for (status, response) in op.value.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let Some(example) =
                    spec.resolve(response).and_then(|r| r.pointer("/content/application~1json/example"))
                else {
                    continue;
                };
                let (table, example) = match (status.starts_with('2'), envelope) {
                    (true, Some(env)) => (&mut seeds.success, json!({ env.success: true, env.data: example })),
                    (true, None) => (&mut seeds.success, example.clone()),
                    (false, _) => {
                        seeds.errors.push(example.clone());
                        (&mut seeds.error, example.clone())
                    }
                };
                seeds.all.push(example.clone());
                table.entry(method.clone()).or_default().push(example);
            }
        }
        if seeds.errors.is_empty() {
            // No error example in the spec: the shapes providers commonly answer with.
            seeds.errors.push(json!({"error": {"code": "invalid_request", "message": "bad"}, "message": "bad"}));
            seeds
                .errors
                .push(json!({"success": false, "error": {"code": 1, "name": "E", "message": "m"}, "requestId": "r"}));
        }
        seeds
    }

    /// Every example of the provider.
    pub fn examples(&self) -> &[Value] {
        &self.all
    }

    fn pick<'a>(
        &'a self,
        table: &'a BTreeMap<String, Vec<Value>>,
        method: &str,
        fallback: &'a [Value],
        rng: &mut Rng,
    ) -> &'a Value {
        match table.get(method) {
            Some(examples) if !examples.is_empty() && !rng.one_in(16) => rng.pick(examples),
            _ if !fallback.is_empty() => rng.pick(fallback),
            _ => rng.pick(&self.errors),
        }
    }
}

/// The decoders of one provider.
pub fn decoders(provider: &str) -> Vec<&'static Decoder> {
    DECODERS.iter().filter(|d| d.provider == provider).collect()
}

/// Runs `cases` mutated bodies through `provider`'s decoders, round robin so that every decoder
/// is fed. Case `i` depends only on `seed` and `i`.
pub fn fuzz_provider(provider: &str, cases: u64, seed: u64) -> Report {
    let seeds = Seeds::load(provider);
    let decoders = decoders(provider);
    assert!(!decoders.is_empty(), "{provider}: no decoders generated");
    let envelope = provider_spec(provider).envelope.is_some();
    let headers = json_headers();
    let mut report = Report::new(provider);
    for i in 0..cases {
        let mut rng = Rng::for_case(seed, i);
        let decoder = decoders[(i % decoders.len() as u64) as usize];
        let success = decoder.success && (!decoder.error || !rng.one_in(4));
        let (status, body) = if success {
            // Behind an envelope, a 200 may carry the provider's failure envelope.
            let failure = envelope && rng.one_in(8);
            let table = if failure { &seeds.error } else { &seeds.success };
            let fallback = if failure { &seeds.errors } else { &seeds.all };
            (200, seeds.pick(table, decoder.operation, fallback, &mut rng))
        } else {
            (*rng.pick(ERROR_STATUSES), seeds.pick(&seeds.error, decoder.operation, &seeds.errors, &mut rng))
        };
        let mutant = mutate(body, &seeds.all, &mut rng);
        report.cases += 1;
        let what = |outcome: &str| {
            format!(
                "{provider} {} HTTP {status} (case {i}, seed {seed}, {}): {outcome}",
                decoder.operation,
                mutant.steps.join(" + ")
            )
        };
        match guarded(|| (decoder.decode)(status, &headers, &mutant.bytes)) {
            Err(panic) => report.finding(true, &what(&panic), &mutant.bytes),
            Ok(Ok(())) if (200..300).contains(&status) => report.accepted += 1,
            Ok(Err(Error::Decode(_))) if (200..300).contains(&status) => report.decode_errors += 1,
            Ok(Err(e)) if is_api_error(&e) && (status >= 400 || envelope) => report.api_errors += 1,
            Ok(outcome) => report.finding(false, &what(&format!("{outcome:?}")), &mutant.bytes),
        }
    }
    report
}

/// The error kinds that report a provider's error answer.
pub fn is_api_error(error: &Error) -> bool {
    matches!(error, Error::Api(_) | Error::RateLimited { .. } | Error::Unauthorized(_) | Error::NotFound(_))
}

fn json_headers() -> http::HeaderMap {
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    headers
}
