//! OnChainPay webhooks: `x-api-signature` = hex HMAC-SHA256 of the raw body with the secret key
//! of the API key named in `x-api-public-key`. OnChainPay sends no timestamp, so there is no replay
//! window to check: de-duplicate by the object's id and status.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::{VerifyOptions, WebhookError, data_as};
use crate::secret::SecretString;
use crate::signing;

/// A verified OnChainPay webhook: the object of the event (an order, a withdrawal, ...).
#[derive(Debug)]
pub struct Event {
    /// The public key the webhook says it was signed for.
    pub public_key: Option<String>,
    /// The body, as JSON text.
    pub data: Box<RawValue>,
}

impl Event {
    /// The body decoded into a type of yours, or one of `pspkit_onchainpay::types` whose required
    /// fields the webhook carries.
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

/// Verifies a webhook with the default [`VerifyOptions`]: `signature` is `x-api-signature`,
/// `public_key` is `x-api-public-key`, `secret` the secret key of that API key.
pub fn verify(
    body: &[u8],
    signature: Option<&str>,
    public_key: Option<&str>,
    secret: &SecretString,
) -> Result<Event, WebhookError> {
    verify_with(body, signature, public_key, secret, &VerifyOptions::default())
}

/// [`verify`] with explicit limits (only the body size applies: OnChainPay sends no timestamp).
pub fn verify_with(
    body: &[u8],
    signature: Option<&str>,
    public_key: Option<&str>,
    secret: &SecretString,
    options: &VerifyOptions,
) -> Result<Event, WebhookError> {
    options.check_size(body)?;
    if secret.expose().is_empty() {
        return Err(WebhookError::EmptySecret("secret"));
    }
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
