//! Verifying and parsing the webhooks providers send, from the raw body bytes.
//!
//! Every check is constant-time, runs on the bytes exactly as received (read the body before any
//! JSON parsing), and fails closed. Each provider module also signs payloads, so users can test
//! their own webhook handlers with validly signed requests.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use crate::secret::SecretString;
use crate::signing;

/// Why a webhook was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The signature header is missing.
    #[error("the webhook has no signature")]
    MissingSignature,
    /// The signature does not match the body and the key: tampered, or signed with another key.
    #[error("the webhook signature does not match its body")]
    BadSignature,
    /// OnePay's static `x-webhook-token` is missing or wrong.
    #[error("the webhook token does not match")]
    BadToken,
    /// The body is not the JSON the provider documents.
    #[error("the webhook body cannot be read: {0}")]
    Malformed(String),
}

fn data_as<T: DeserializeOwned>(raw: &RawValue) -> Result<T, WebhookError> {
    serde_json::from_str(raw.get()).map_err(|e| WebhookError::Malformed(e.to_string()))
}

/// OnePay webhooks: `x-signature` = hex HMAC-SHA256 of the body with the webhook secret, and
/// `x-webhook-token` = the webhook's static token.
pub mod onepay {
    use super::*;

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

    /// Verifies a webhook and parses it. `signature` is the `x-signature` header, `token` the
    /// `x-webhook-token` header; `expected_token` is the webhook's configured token (checked when
    /// given). The raw body is checked first; OnePay's own samples re-serialise the parsed JSON
    /// before hashing, so the compact re-serialisation is accepted as well.
    pub fn verify(
        body: &[u8],
        signature: Option<&str>,
        token: Option<&str>,
        secret: &SecretString,
        expected_token: Option<&SecretString>,
    ) -> Result<Event, WebhookError> {
        if let Some(expected) = expected_token {
            let given = token.ok_or(WebhookError::BadToken)?;
            if !signing::constant_time_eq(given.trim().as_bytes(), expected.expose().as_bytes()) {
                return Err(WebhookError::BadToken);
            }
        }
        let signature = signature.ok_or(WebhookError::MissingSignature)?;
        let key = secret.expose().as_bytes();
        let valid = signing::verify_hmac_sha256_hex(key, body, signature)
            || signing::js_compact(body)
                .is_some_and(|compact| compact != body && signing::verify_hmac_sha256_hex(key, &compact, signature));
        if !valid {
            return Err(WebhookError::BadSignature);
        }
        parse(body)
    }

    /// Reads both payload shapes OnePay documents: `{"<resource>": {...}, "event": {"type", ...}}`
    /// and `{"event": "<type>", "data": {...}}`.
    pub fn parse(body: &[u8]) -> Result<Event, WebhookError> {
        let fields: std::collections::BTreeMap<String, Box<RawValue>> =
            serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let event = fields.get("event").ok_or_else(|| WebhookError::Malformed("no `event` field".into()))?;
        if let Ok(name) = serde_json::from_str::<String>(event.get()) {
            let data =
                fields.get("data").cloned().unwrap_or_else(|| RawValue::from_string("null".into()).expect("null"));
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
}

/// OnChainPay webhooks: `x-api-signature` = hex HMAC-SHA256 of the raw body with the secret key
/// of the API key named in `x-api-public-key`.
pub mod onchainpay {
    use super::*;

    /// A verified OnChainPay webhook: the object of the event (an order, a withdrawal, ...).
    #[derive(Debug)]
    pub struct Event {
        /// The public key the webhook says it was signed for.
        pub public_key: Option<String>,
        /// The body, as JSON text.
        pub data: Box<RawValue>,
    }

    impl Event {
        /// The body decoded into a type, e.g. `pspkit_onchainpay::types::OrderDetail`.
        pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
            data_as(&self.data)
        }

        /// The `status` field, which every OnChainPay webhook object carries.
        pub fn status(&self) -> Option<String> {
            #[derive(serde::Deserialize)]
            struct Status {
                status: Option<String>,
            }
            self.data_as::<Status>().ok().and_then(|s| s.status)
        }
    }

    /// Verifies a webhook: `signature` is `x-api-signature`, `public_key` is
    /// `x-api-public-key`, `secret` the secret key of that API key.
    pub fn verify(
        body: &[u8],
        signature: Option<&str>,
        public_key: Option<&str>,
        secret: &SecretString,
    ) -> Result<Event, WebhookError> {
        let signature = signature.ok_or(WebhookError::MissingSignature)?;
        if !signing::verify_hmac_sha256_hex(secret.expose().as_bytes(), body, signature) {
            return Err(WebhookError::BadSignature);
        }
        let data: Box<RawValue> = serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        Ok(Event { public_key: public_key.map(str::to_owned), data })
    }

    /// The `x-api-signature` value for a body, for testing webhook handlers.
    pub fn sign(secret: &SecretString, body: &[u8]) -> String {
        signing::hmac_sha256_hex(secret.expose().as_bytes(), body)
    }
}

/// FirstPay postbacks: the body carries `hash`, an RSA-SHA256 signature by FirstPay over the
/// same string-to-sign as requests; verified with FirstPay's public key from the merchant's
/// configuration (never with the `publicKey` the body itself carries).
pub mod firstpay {
    use super::*;
    use crate::signing::{RsaSigningKey, RsaVerifyingKey};

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

    /// A verified postback.
    #[derive(Debug)]
    pub struct Postback {
        /// The payment status it reports.
        pub status: PostbackStatus,
        /// FirstPay's payment id.
        pub id: Option<crate::Id>,
        /// The whole body, as JSON text.
        pub data: Box<RawValue>,
    }

    impl Postback {
        /// The body decoded into a type, e.g. `pspkit_firstpay::types::Postback`.
        pub fn data_as<T: DeserializeOwned>(&self) -> Result<T, WebhookError> {
            data_as(&self.data)
        }
    }

    /// Verifies a postback body with FirstPay's public key.
    pub fn verify(body: &[u8], firstpay_public_key: &RsaVerifyingKey) -> Result<Postback, WebhookError> {
        #[derive(serde::Deserialize)]
        struct Head {
            hash: Option<String>,
            status: Option<String>,
            id: Option<crate::Id>,
        }
        let head: Head = serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        let hash = head.hash.ok_or(WebhookError::MissingSignature)?;
        let message = signing::firstpay_string_to_sign(body).map_err(WebhookError::Malformed)?;
        if !firstpay_public_key.verify_base64(message.as_bytes(), &hash) {
            return Err(WebhookError::BadSignature);
        }
        let data: Box<RawValue> = serde_json::from_slice(body).map_err(|e| WebhookError::Malformed(e.to_string()))?;
        Ok(Postback { status: PostbackStatus::from(head.status.unwrap_or_default()), id: head.id, data })
    }

    /// Signs a postback body (a JSON object holding `publicKey`, without `hash`) as FirstPay
    /// would, returning the body with `hash` added: for testing postback handlers.
    pub fn sign(body: &[u8], firstpay_private_key: &RsaSigningKey) -> Result<Vec<u8>, WebhookError> {
        let message = signing::firstpay_string_to_sign(body).map_err(WebhookError::Malformed)?;
        let hash =
            serde_json::to_string(&firstpay_private_key.sign_base64(message.as_bytes())).expect("a string serializes");
        Ok(crate::auth::with_leading_fields(body, &[("hash", hash)]))
    }
}
