//! The handler's decision turned into bytes on the wire: OnChainPay's success envelope, content
//! types, and the faults that shape a response (truncation, HTML pages, a reset mid-body).

use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::faults::Fault;
use crate::listener::KillSwitch;
use crate::refusal::{Problem, error_body, invalid_request};
use crate::spec::{Op, Provider};

/// What the handler decided to answer, before faults shape the bytes.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Option<Value>,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// A refusal or failure: never wrapped in a success envelope, whatever its status.
    pub(crate) failed: bool,
}

impl Answer {
    pub(crate) fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), headers: Vec::new(), failed: !(200..300).contains(&status) }
    }
    pub(crate) fn error(provider: Provider, status: u16, message: &str) -> Self {
        let (status, body) = error_body(provider, status, message);
        Self { failed: true, ..Self::json(status, body) }
    }
    /// The provider's refusal of a request that does not match its operation.
    pub(crate) fn invalid(provider: Provider, problems: &[Problem]) -> Self {
        let (status, body) = invalid_request(provider, problems);
        Self { failed: true, ..Self::json(status, body) }
    }
}

pub(crate) fn respond(
    provider: Provider,
    op: &Op,
    answer: Answer,
    fault: Option<Fault>,
    kill: Option<KillSwitch>,
) -> Response {
    let success = !answer.failed && (200..300).contains(&answer.status);
    let payload = match (provider, success) {
        // OnChainPay wraps every success; a payload-less one is `response: null`
        (Provider::OnChainPay, true) if answer.status != 204 => {
            Some(json!({"success": true, "response": answer.body.unwrap_or(Value::Null)}))
        }
        _ => answer.body,
    };
    let mut bytes: Vec<u8> = match &payload {
        // a Value always serializes (its keys are strings); nothing is sent if it ever did not
        Some(v) => serde_json::to_vec(v).unwrap_or_default(),
        None => Vec::new(),
    };
    let mut status = answer.status;
    let mut content_type = if payload.is_some() {
        op.content_type.clone().unwrap_or_else(|| "application/json".into())
    } else {
        String::new()
    };
    if !success {
        content_type = "application/json".into();
    }
    // a file download with no example: a small stand-in file, so clients read real bytes
    if success && payload.is_none() && op.content_type.as_deref().is_some_and(|c| !c.contains("json")) {
        content_type = op.content_type.clone().unwrap_or_default();
        bytes = b"%PDF-1.4\n% pspkit sandbox stand-in receipt\n%%EOF\n".to_vec();
    }
    match &fault {
        Some(Fault::TruncatedJson) => bytes.truncate(bytes.len() / 2),
        Some(Fault::HtmlErrorPage) => {
            status = 502;
            content_type = "text/html".into();
            bytes = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
                .to_vec();
        }
        Some(Fault::WrongContentType) => content_type = "text/html; charset=UTF-8".into(),
        _ => {}
    }
    let mut builder = Response::builder().status(status);
    if !content_type.is_empty() {
        builder = builder.header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/json")),
        );
    }
    for (name, value) in answer.headers {
        builder = builder.header(name, value);
    }
    let body = if let (Some(Fault::ResetMidBody), Some(kill)) = (&fault, kill) {
        builder = builder.header(header::CONTENT_LENGTH, bytes.len());
        let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
        let stream = futures_util::stream::unfold(0u8, move |step| {
            let half = half.clone();
            let kill = kill.clone();
            async move {
                match step {
                    0 => Some((Ok::<Bytes, std::io::Error>(half), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        kill.fire();
                        Some((Err(std::io::Error::other("connection reset by the sandbox")), 2))
                    }
                    _ => None,
                }
            }
        });
        Body::from_stream(stream)
    } else {
        Body::from(bytes)
    };
    builder.body(body).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}
