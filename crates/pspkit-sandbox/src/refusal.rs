//! Each provider's error bodies: what the sandbox answers when it refuses a request or fails.

use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::spec::Provider;

/// One reason a request is invalid: the field (parameter name, or body path such as
/// `payer.email`) and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Parameter name or dotted body path (`body` for the body as a whole).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The provider's error body for a status, as it would send it, and the status it sends it with.
pub fn error_body(provider: Provider, status: u16, message: &str) -> (u16, Value) {
    let name = match status {
        401 => "UNAUTHORIZED",
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        413 => "PAYLOAD_TOO_LARGE",
        429 => "TOO_MANY_REQUESTS",
        s if s >= 500 => "INTERNAL_ERROR",
        _ => "BAD_REQUEST",
    };
    match provider {
        Provider::OnePay => (status, json!({"message": message, "code": status, "code_name": name.to_lowercase()})),
        Provider::OnlyOnePays => (status, json!({"message": message, "code": status})),
        Provider::FireKassa => (status, json!({"error": message})),
        Provider::FirstPay => (status, json!({"error": if status == 404 { "NOT_FOUND" } else { message }})),
        // OnChainPay answers a well-formed request it cannot satisfy (unknown id, conflict) inside
        // its envelope under HTTP 200, which is all its docs show; a request refused as such
        // (authentication, validation, size, rate) and a failure keep their status, so that
        // generic HTTP tooling sees them too. Its clients read `success: false` on any status.
        Provider::OnChainPay => (
            if matches!(status, 404 | 409) { 200 } else { status },
            json!({"success": false, "error": {"code": status, "name": name, "message": message}, "requestId": format!("sbx-{}", now_secs())}),
        ),
    }
}

/// The provider's answer to a request that does not match its operation (parameters, headers
/// or body), listing every problem found.
pub fn invalid_request(provider: Provider, problems: &[Problem]) -> (u16, Value) {
    let summary = problems.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; ");
    match provider {
        // Laravel's validator: `errors` maps each field to its messages
        Provider::FireKassa => {
            let mut errors: Map<String, Value> = Map::new();
            for p in problems {
                let entry = errors.entry(p.field.clone()).or_insert_with(|| json!([]));
                if let Some(list) = entry.as_array_mut() {
                    list.push(json!(p.message));
                }
            }
            (422, json!({"message": "The given data was invalid", "errors": errors}))
        }
        // the documented `errors` list of `{key, description}`
        Provider::OnePay => {
            let errors: Vec<Value> =
                problems.iter().map(|p| json!({"key": p.field, "description": p.message})).collect();
            (
                422,
                json!({"message": "Los datos enviados no son válidos", "code": 422, "code_name": "validation_error", "errors": errors}),
            )
        }
        // free text under 400, as for any body or query it cannot parse
        Provider::FirstPay => (400, json!({"error": format!("Invalid request: {summary}")})),
        Provider::OnlyOnePays => {
            let detail: Vec<Value> = problems.iter().map(|p| json!({"loc": p.field, "msg": p.message})).collect();
            (422, json!({"message": format!("Invalid request: {summary}"), "code": 422, "detail": detail}))
        }
        Provider::OnChainPay => error_body(provider, 400, &format!("Invalid request: {summary}")),
    }
}
