//! OnePay webhooks: `x-signature` = hex HMAC-SHA256 of the body with the webhook secret, and
//! `x-webhook-token` = the webhook's static token. The signed body carries `event.timestamp`;
//! [`verify`] refuses events outside the tolerance of [`VerifyOptions`] (300 s by default), so a
//! captured webhook cannot be replayed later.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{VerifyOptions, WebhookError, data_as};
use crate::secret::SecretString;
use crate::signing;

crate::open_enum! {
    /// OnePay webhook event types (the union of every revision of the docs).
    pub enum EventType {
        /// `payment.created`
        PaymentCreated = "payment.created",
        /// `payment.approved`
        PaymentApproved = "payment.approved",
        /// `payment.rejected`
        PaymentRejected = "payment.rejected",
        /// `payment.expired`
        PaymentExpired = "payment.expired",
        /// `payment.deleted`
        PaymentDeleted = "payment.deleted",
        /// `payment.partially_paid`
        PaymentPartiallyPaid = "payment.partially_paid",
        /// `payment.partial_expired`
        PaymentPartialExpired = "payment.partial_expired",
        /// `charge.created`
        ChargeCreated = "charge.created",
        /// `charge.processing`
        ChargeProcessing = "charge.processing",
        /// `charge.paid`
        ChargePaid = "charge.paid",
        /// `charge.failed`
        ChargeFailed = "charge.failed",
        /// `charge.refunded`
        ChargeRefunded = "charge.refunded",
        /// `charge.disputed`
        ChargeDisputed = "charge.disputed",
        /// `charge.succeeded`
        ChargeSucceeded = "charge.succeeded",
        /// `cashout.created`
        CashoutCreated = "cashout.created",
        /// `cashout.approved`
        CashoutApproved = "cashout.approved",
        /// `cashout.rejected`
        CashoutRejected = "cashout.rejected",
        /// `cashout.processed`
        CashoutProcessed = "cashout.processed",
        /// `subscription.created`
        SubscriptionCreated = "subscription.created",
        /// `subscription.active`
        SubscriptionActive = "subscription.active",
        /// `subscription.cancelled`
        SubscriptionCancelled = "subscription.cancelled",
        /// `account.validated`
        AccountValidated = "account.validated",
        /// `account.failed`
        AccountFailed = "account.failed",
    }
}

/// A verified OnePay webhook.
#[derive(Debug)]
pub struct Event {
    /// The event type; unknown types are kept in `EventType::Unknown`.
    pub event_type: EventType,
    /// The resource (`payment`, `charge`, `cashout`, ...) the event is about, as JSON text.
    pub data: Box<RawValue>,
    /// `event.timestamp` (Unix seconds), when sent.
    pub timestamp: Option<i64>,
    /// `event.environment` (`live`, `test`, ...), when sent.
    pub environment: Option<String>,
}

impl Event {
    /// The resource decoded into a type, e.g. `pspkit_onepay::types::Payment`.
    pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
        data_as(&self.data)
    }
}

/// Verifies a webhook and parses it, with the default [`VerifyOptions`] (1 MiB, 300 s).
/// `signature` is the `x-signature` header, `token` the `x-webhook-token` header;
/// `expected_token` is the webhook's configured token (checked when given). The raw body is
/// checked first; OnePay's own samples re-serialise the parsed JSON before hashing, so the compact
/// re-serialisation is accepted as well.
pub fn verify(
    body: &[u8],
    signature: Option<&str>,
    token: Option<&str>,
    secret: &SecretString,
    expected_token: Option<&SecretString>,
) -> Result<Event, WebhookError> {
    verify_with(body, signature, token, secret, expected_token, &VerifyOptions::default())
}

/// [`verify`] with explicit limits: body size cap, replay tolerance, clock.
pub fn verify_with(
    body: &[u8],
    signature: Option<&str>,
    token: Option<&str>,
    secret: &SecretString,
    expected_token: Option<&SecretString>,
    options: &VerifyOptions,
) -> Result<Event, WebhookError> {
    options.check_size(body)?;
    if secret.expose().is_empty() {
        return Err(WebhookError::EmptySecret("secret"));
    }
    if let Some(expected) = expected_token {
        if expected.expose().trim().is_empty() {
            return Err(WebhookError::EmptySecret("token"));
        }
        let given = token.ok_or(WebhookError::BadToken)?;
        if !signing::constant_time_eq(given.trim().as_bytes(), expected.expose().as_bytes()) {
            return Err(WebhookError::BadToken);
        }
    }
    let signature = signature.ok_or(WebhookError::MissingSignature)?;
    let key = secret.expose().as_bytes();
    // What is read is what was signed. When the signature covers the compact form, that form is
    // read, not the raw body: the compact form writes numbers as JavaScript does (f64), so a raw
    // `150000.00000000001` has the compact form of a signed `150000`, and reading the raw body
    // would hand over an amount nobody signed.
    let compact;
    let signed = if signing::verify_hmac_sha256_hex(key, body, signature) {
        body
    } else {
        compact = signing::js_compact(body)
            .filter(|compact| compact != body && signing::verify_hmac_sha256_hex(key, compact, signature))
            .ok_or(WebhookError::BadSignature)?;
        &compact
    };
    // only a signed timestamp means anything, so the age is checked after the signature
    let event = parse(signed)?;
    options.check_timestamp(event.timestamp)?;
    Ok(event)
}

/// Reads both payload shapes OnePay documents: `{"<resource>": {...}, "event": {"type", ...}}`
/// and `{"event": "<type>", "data": {...}}`.
pub fn parse(body: &[u8]) -> Result<Event, WebhookError> {
    let fields: std::collections::BTreeMap<String, Box<RawValue>> =
        serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
    let event = fields.get("event").ok_or_else(|| WebhookError::Malformed("no `event` field".into()))?;
    if let Ok(name) = serde_json::from_str::<String>(event.get()) {
        let data = fields.get("data").cloned().unwrap_or_else(|| RawValue::from_string("null".into()).expect("null"));
        return Ok(Event { event_type: EventType::from(name), data, timestamp: None, environment: None });
    }
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(rename = "type")]
        event_type: String,
        timestamp: Option<i64>,
        environment: Option<String>,
    }
    let meta: Meta = data_as(event)?;
    let resource = meta.event_type.split('.').next().unwrap_or("");
    let data = fields
        .get(resource)
        .or_else(|| fields.iter().find(|(k, _)| k.as_str() != "event").map(|(_, v)| v))
        .cloned()
        .unwrap_or_else(|| RawValue::from_string("null".into()).expect("null"));
    Ok(Event {
        event_type: EventType::from(meta.event_type),
        data,
        timestamp: meta.timestamp,
        environment: meta.environment,
    })
}

/// The `x-signature` value for a body, for testing webhook handlers.
pub fn sign(secret: &SecretString, body: &[u8]) -> String {
    signing::hmac_sha256_hex(secret.expose().as_bytes(), body)
}
