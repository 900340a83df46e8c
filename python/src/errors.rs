//! `pspkit::Error` as the classes of `pspkit.errors`, with every detail as an attribute.

use pyo3::prelude::*;
use pyo3::types::PyDict;

use pspkit::Error;

/// `pspkit.errors.<class>(text, **details)` for a pspkit error.
pub(crate) fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match build_error(py, &error) {
        Ok(err) => err,
        Err(fallback) => fallback,
    }
}

pub(crate) fn build_error(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let details = PyDict::new(py);
    let api = |details: &Bound<'_, PyDict>, a: &pspkit::error::ApiError| -> PyResult<()> {
        details.set_item("provider", a.provider)?;
        details.set_item("operation", a.operation)?;
        details.set_item("status", a.status)?;
        details.set_item("code", a.code.as_deref())?;
        details.set_item("message", a.message.as_deref())?;
        details.set_item("request_id", a.request_id.as_deref())?;
        details.set_item("idempotency_key", a.idempotency_key.as_deref())?;
        details.set_item("body", &a.raw_body)?;
        details.set_item("attempts", a.attempts)?;
        let fields: Vec<(String, String)> =
            a.field_errors.iter().map(|f| (f.field.clone(), f.message.clone())).collect();
        details.set_item("field_errors", fields)?;
        Ok(())
    };
    let class = match error {
        Error::Api(a) => {
            api(&details, a)?;
            "ApiError"
        }
        Error::RateLimited { retry_after, api: a } => {
            api(&details, a)?;
            details.set_item("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            "RateLimitError"
        }
        Error::Unauthorized(a) => {
            api(&details, a)?;
            "AuthenticationError"
        }
        Error::NotFound(a) => {
            api(&details, a)?;
            "NotFoundError"
        }
        Error::Transport { provider, operation, .. } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            "TransportError"
        }
        Error::Timeout { provider, operation, after, attempts } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            details.set_item("after", after.as_secs_f64())?;
            details.set_item("attempts", *attempts)?;
            "TimeoutError"
        }
        Error::OutcomeUnknown { provider, operation, reason, idempotency_key } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            details.set_item("reason", reason)?;
            details.set_item("idempotency_key", idempotency_key.as_deref())?;
            "OutcomeUnknownError"
        }
        Error::Decode(d) => {
            details.set_item("provider", d.provider)?;
            details.set_item("operation", d.operation)?;
            details.set_item("status", d.status)?;
            details.set_item("path", &d.path)?;
            details.set_item("excerpt", &d.excerpt)?;
            details.set_item("body", &d.raw_body)?;
            "DecodeError"
        }
        Error::InvalidRequest { operation, field, rule } => {
            details.set_item("operation", *operation)?;
            details.set_item("field", field)?;
            details.set_item("rule", rule)?;
            "ValidationError"
        }
        Error::Config(_) => "ConfigurationError",
        _ => "PspError",
    };
    let errors = py.import("pspkit.errors")?;
    let instance = errors.getattr(class)?.call((error.to_string(),), Some(&details))?;
    Ok(PyErr::from_value(instance))
}
