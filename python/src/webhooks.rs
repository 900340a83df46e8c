//! Webhook checks for `pspkit.webhooks`: each provider's `verify` and `sign`, with the limits of
//! `pspkit::webhooks::VerifyOptions` (body cap, replay tolerance, clock) taken as plain numbers.

use std::time::SystemTime;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use pspkit::SecretString;
use pspkit::webhooks::{self, VerifyOptions, WebhookError, firstpay, onchainpay, onepay};

use super::{seconds, to_py};

/// Registers the functions on the native module.
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(onepay_verify, m)?)?;
    m.add_function(wrap_pyfunction!(onepay_sign, m)?)?;
    m.add_function(wrap_pyfunction!(onchainpay_verify, m)?)?;
    m.add_function(wrap_pyfunction!(onchainpay_sign, m)?)?;
    m.add_function(wrap_pyfunction!(firstpay_verify, m)?)?;
    m.add_function(wrap_pyfunction!(firstpay_sign, m)?)?;
    // the defaults live in the Rust crate; `pspkit.webhooks` reads them from here
    m.add("WEBHOOK_MAX_BODY_BYTES", webhooks::DEFAULT_MAX_BODY_BYTES)?;
    m.add("WEBHOOK_TOLERANCE", webhooks::DEFAULT_TOLERANCE.as_secs_f64())?;
    Ok(())
}

fn webhook_error(py: Python<'_>, e: WebhookError) -> PyErr {
    let raised = (|| -> PyResult<PyErr> {
        let errors = py.import("pspkit.errors")?;
        let instance = errors.getattr("WebhookVerificationError")?.call1((e.to_string(),))?;
        Ok(PyErr::from_value(instance))
    })();
    raised.unwrap_or_else(|err| err)
}

/// `VerifyOptions` from `max_body_bytes`, `tolerance` (seconds; `None`: no replay check) and
/// `now` (Unix seconds; `None`: the system clock).
fn options(max_body_bytes: usize, tolerance: Option<f64>, now: Option<f64>) -> PyResult<VerifyOptions> {
    let mut options = VerifyOptions::default().max_body_bytes(max_body_bytes);
    options = options.tolerance(tolerance.map(|t| seconds("tolerance", t, false)).transpose()?);
    if let Some(now) = now {
        let at = SystemTime::UNIX_EPOCH
            .checked_add(seconds("now", now, false)?)
            .ok_or_else(|| PyValueError::new_err(format!("now is out of range: {now}")))?;
        options = options.now(at);
    }
    Ok(options)
}

/// OnePay: verifies `body` against `x-signature` (and `x-webhook-token` when `expected_token`
/// is given); returns `(event_type, data_json, timestamp, environment)`.
#[pyfunction]
#[pyo3(signature = (body, signature, token, secret, expected_token, max_body_bytes, tolerance, now))]
#[allow(clippy::too_many_arguments)] // the Python signature, keyword arguments in a row
fn onepay_verify(
    py: Python<'_>,
    body: &[u8],
    signature: Option<&str>,
    token: Option<&str>,
    secret: String,
    expected_token: Option<String>,
    max_body_bytes: usize,
    tolerance: Option<f64>,
    now: Option<f64>,
) -> PyResult<(String, String, Option<i64>, Option<String>)> {
    let options = options(max_body_bytes, tolerance, now)?;
    let expected = expected_token.map(SecretString::from);
    let event = onepay::verify_with(body, signature, token, &SecretString::from(secret), expected.as_ref(), &options)
        .map_err(|e| webhook_error(py, e))?;
    Ok((event.event_type.to_string(), event.data.get().to_owned(), event.timestamp, event.environment))
}

/// OnePay: the `x-signature` for a body.
#[pyfunction]
fn onepay_sign(secret: String, body: &[u8]) -> String {
    onepay::sign(&SecretString::from(secret), body)
}

/// OnChainPay: verifies `body` against `x-api-signature`; returns `(public_key, data_json)`.
#[pyfunction]
fn onchainpay_verify(
    py: Python<'_>,
    body: &[u8],
    signature: Option<&str>,
    public_key: Option<&str>,
    secret: String,
    max_body_bytes: usize,
) -> PyResult<(Option<String>, String)> {
    let options = options(max_body_bytes, None, None)?;
    let event = onchainpay::verify_with(body, signature, public_key, &SecretString::from(secret), &options)
        .map_err(|e| webhook_error(py, e))?;
    Ok((event.public_key, event.data.get().to_owned()))
}

/// OnChainPay: the `x-api-signature` for a body.
#[pyfunction]
fn onchainpay_sign(secret: String, body: &[u8]) -> String {
    onchainpay::sign(&SecretString::from(secret), body)
}

/// FirstPay: verifies a postback with FirstPay's public key (PEM); returns
/// `(status, id, covered_data_json, unverified_field_names)`.
#[pyfunction]
fn firstpay_verify(
    py: Python<'_>,
    body: &[u8],
    public_key: &str,
    max_body_bytes: usize,
) -> PyResult<(String, Option<String>, String, Vec<String>)> {
    let key = pspkit::signing::RsaVerifyingKey::from_pem(public_key).map_err(|e| to_py(py, e))?;
    let options = options(max_body_bytes, None, None)?;
    let postback = firstpay::verify_with(body, &key, &options).map_err(|e| webhook_error(py, e))?;
    Ok((
        postback.status.to_string(),
        postback.id.map(|i| i.to_string()),
        postback.data.get().to_owned(),
        postback.unverified_fields,
    ))
}

/// FirstPay: signs a postback body with a private key (PEM), returning the body with `hash`.
#[pyfunction]
fn firstpay_sign<'py>(py: Python<'py>, body: &[u8], private_key: &str) -> PyResult<Bound<'py, PyBytes>> {
    let key = pspkit::signing::RsaSigningKey::from_pem(private_key).map_err(|e| to_py(py, e))?;
    let signed = firstpay::sign(body, &key).map_err(|e| webhook_error(py, e))?;
    Ok(PyBytes::new(py, &signed))
}
