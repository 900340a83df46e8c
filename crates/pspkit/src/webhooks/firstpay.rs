//! FirstPay postbacks: the body carries `hash`, an RSA-SHA256 signature by FirstPay over the
//! same string-to-sign as requests; verified with FirstPay's public key from the merchant's
//! configuration (never with the `publicKey` the body itself carries).
//!
//! What the signature does not cover: FirstPay signs a text rendering of the top-level fields
//! (`key=value` joined by `|`), in which a nested object is the constant `[object Object]`, nested
//! arrays are flattened, a `|` inside a value could have been a field boundary, a `,` inside an
//! array item could have been an item boundary, and a JSON type is not distinguished from its text
//! (`100` and `"100"` sign alike). So [`verify`] returns only the fields whose rendering pins them
//! down, and names the rest in [`Postback::unverified_fields`]; nothing in those may be trusted.
//! FirstPay's postbacks carry no timestamp, so there is no replay window to check either:
//! de-duplicate by payment id and status.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{VerifyOptions, WebhookError, data_as};
use crate::signing::{self, RsaSigningKey, RsaVerifyingKey};

crate::open_enum! {
    /// The outcome a postback reports.
    pub enum PostbackStatus {
        /// `SUCCESS`
        Success = "SUCCESS",
        /// `FAILED`
        Failed = "FAILED",
        /// `PENDING`
        Pending = "PENDING",
        /// `NEED_CHECK`
        NeedCheck = "NEED_CHECK",
    }
}

/// A verified postback: only what FirstPay's signature covers.
#[derive(Debug)]
pub struct Postback {
    /// The payment status it reports (`Unknown("")` when the body has no covered `status`).
    pub status: PostbackStatus,
    /// FirstPay's payment id, when the body has a covered `id`.
    pub id: Option<crate::Id>,
    /// The covered top-level fields, as a JSON object (`hash` left out).
    pub data: Box<RawValue>,
    /// Top-level fields present in the body but not covered by the signature (see the module
    /// documentation), left out of `data`.
    pub unverified_fields: Vec<String>,
}

impl Postback {
    /// The covered fields decoded into a type, e.g. `pspkit_firstpay::types::Postback`.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
        data_as(&self.data)
    }
}

/// Verifies a postback body with FirstPay's public key and the default [`VerifyOptions`].
pub fn verify(body: &[u8], firstpay_public_key: &RsaVerifyingKey) -> Result<Postback, WebhookError> {
    verify_with(body, firstpay_public_key, &VerifyOptions::default())
}

/// [`verify`] with explicit limits (only the body size applies: postbacks carry no timestamp).
pub fn verify_with(
    body: &[u8],
    firstpay_public_key: &RsaVerifyingKey,
    options: &VerifyOptions,
) -> Result<Postback, WebhookError> {
    options.check_size(body)?;
    // one parse serves the signature check and the result, so both see the same fields
    let fields = signing::firstpay_fields(body).map_err(WebhookError::Malformed)?;
    let hash: String = match fields.get("hash") {
        Some(raw) => {
            serde_json::from_str(raw.get()).map_err(|_| WebhookError::Malformed("`hash` is not a string".into()))?
        }
        None => return Err(WebhookError::MissingSignature),
    };
    let message = signing::firstpay_string_to_sign_fields(&fields).map_err(WebhookError::Malformed)?;
    if !firstpay_public_key.verify_base64(message.as_bytes(), &hash) {
        return Err(WebhookError::BadSignature);
    }
    // values stay as their raw text: amounts must not pass through a float on the way out
    let mut covered: BTreeMap<&str, &RawValue> = BTreeMap::new();
    let mut unverified_fields = Vec::new();
    for (key, raw) in &fields {
        if key == "hash" {
            continue;
        }
        if is_covered(key, raw) {
            covered.insert(key, raw);
        } else {
            unverified_fields.push(key.clone());
        }
    }
    let text = |key: &str| covered.get(key).and_then(|raw| serde_json::from_str::<String>(raw.get()).ok());
    let status = text("status").unwrap_or_default();
    let id = covered.get("id").and_then(|raw| serde_json::from_str::<crate::Id>(raw.get()).ok());
    let data = serde_json::value::to_raw_value(&covered).map_err(|e| WebhookError::Malformed(e.to_string()))?;
    Ok(Postback { status: PostbackStatus::from(status), id, data, unverified_fields })
}

/// Whether the string to sign pins the field down: its key and value cannot be confused with
/// another field's boundary, and its value is rendered in full.
fn is_covered(key: &str, raw: &RawValue) -> bool {
    if key.contains(['|', '=']) {
        return false;
    }
    match Shape::of(raw) {
        Shape::Scalar => true,
        Shape::Text(text) => !text.contains('|'),
        // items joined by `,`: an empty, null, nested or comma-holding item blurs the boundaries
        Shape::Array => serde_json::from_str::<Vec<&RawValue>>(raw.get()).is_ok_and(|items| {
            items.iter().all(|item| match Shape::of(item) {
                Shape::Scalar => !item.get().trim().starts_with('n'),
                Shape::Text(text) => !text.is_empty() && !text.contains(['|', ',']),
                Shape::Array | Shape::Object => false,
            })
        }),
        Shape::Object => false,
    }
}

/// A JSON value's kind, read from its first byte (numbers are never converted).
enum Shape {
    Scalar,
    Text(String),
    Array,
    Object,
}

impl Shape {
    fn of(raw: &RawValue) -> Shape {
        let text = raw.get().trim();
        match text.as_bytes().first() {
            Some(b'{') => Shape::Object,
            Some(b'[') => Shape::Array,
            Some(b'"') => serde_json::from_str(text).map(Shape::Text).unwrap_or(Shape::Object),
            _ => Shape::Scalar,
        }
    }
}

/// Signs a postback body (a JSON object holding `publicKey`, without `hash`) as FirstPay
/// would, returning the body with `hash` added: for testing postback handlers.
pub fn sign(body: &[u8], firstpay_private_key: &RsaSigningKey) -> Result<Vec<u8>, WebhookError> {
    let message = signing::firstpay_string_to_sign(body).map_err(WebhookError::Malformed)?;
    let hash =
        serde_json::to_string(&firstpay_private_key.sign_base64(message.as_bytes())).expect("a string serializes");
    Ok(crate::auth::with_leading_fields(body, &[("hash", hash)]))
}
