//! Authentication exactly as each provider checks it, with the provider's own status and error
//! body when it fails.

use std::collections::HashMap;

use pspkit::signing::{self, RsaVerifyingKey};
use serde_json::{Value, json};

use crate::spec::Provider;

/// The credentials the sandbox accepts (printed by the binary; safe to publish: they only open
/// the sandbox).
#[derive(Clone, Debug)]
pub struct Credentials {
    /// OnlyOnePays API key (in the header its spec's security scheme names).
    pub onlyonepays_api_key: String,
    /// FireKassa bearer token.
    pub firekassa_token: String,
    /// FireKassa sign token; when set, every request must carry a valid `Signature`.
    pub firekassa_sign_token: Option<String>,
    /// FirstPay: the merchant's public key (verifies `hash`).
    pub firstpay_merchant_public_pem: String,
    /// FirstPay: the merchant's private key, the one clients sign requests with (the pair of
    /// `firstpay_merchant_public_pem`; the sandbox itself never uses it).
    pub firstpay_merchant_private_pem: String,
    /// FirstPay: its own public key, which requests must carry as `publicKey`.
    pub firstpay_public_pem: String,
    /// FirstPay: its own private key (signs postbacks).
    pub firstpay_private_pem: String,
    /// OnePay secret key.
    pub onepay_secret_key: String,
    /// OnePay webhook secret (`x-signature`).
    pub onepay_webhook_secret: String,
    /// OnChainPay key pair.
    pub onchainpay_public_key: String,
    /// OnChainPay secret key.
    pub onchainpay_secret_key: String,
}

impl Default for Credentials {
    fn default() -> Self {
        Self {
            onlyonepays_api_key: "sandbox-onlyonepays-key".into(),
            firekassa_token: "sandbox-firekassa-token".into(),
            firekassa_sign_token: Some("sandbox-firekassa-sign-token".into()),
            firstpay_merchant_public_pem: include_str!("../keys/merchant-public.pem").into(),
            firstpay_merchant_private_pem: include_str!("../keys/merchant-private.pem").into(),
            firstpay_public_pem: include_str!("../keys/firstpay-public.pem").into(),
            firstpay_private_pem: include_str!("../keys/firstpay-private.pem").into(),
            onepay_secret_key: "sk_test_sandbox".into(),
            onepay_webhook_secret: "wh_tok_sandbox".into(),
            onchainpay_public_key: "sandbox-onchainpay-public".into(),
            onchainpay_secret_key: "sandbox-onchainpay-secret".into(),
        }
    }
}

/// A refusal: status and body, as the provider sends them.
pub struct Refusal {
    /// HTTP status.
    pub status: u16,
    /// Body.
    pub body: Value,
}

fn refuse(status: u16, body: Value) -> Result<(), Refusal> {
    Err(Refusal { status, body })
}

/// Checks one request. `nonce_seen` records an OnChainPay nonce and says whether it was new.
pub fn check(
    provider: Provider,
    creds: &Credentials,
    headers: &HashMap<String, String>,
    path_and_query: &str,
    body: &[u8],
    nonce_seen: &mut dyn FnMut(&str, &str) -> bool,
) -> Result<(), Refusal> {
    let header = |n: &str| headers.get(n).map(String::as_str);
    let bearer = || header("authorization").and_then(|v| v.strip_prefix("Bearer ")).map(str::trim);
    match provider {
        Provider::OnlyOnePays => {
            let key = provider.api_key_header().and_then(|name| header(&name).map(str::to_owned));
            if key.as_deref() != Some(creds.onlyonepays_api_key.as_str()) {
                return refuse(401, json!({"message": "Invalid or missing API key", "code": 401}));
            }
        }
        Provider::OnePay => {
            if bearer() != Some(creds.onepay_secret_key.as_str()) {
                return refuse(
                    401,
                    json!({"message": "Unauthenticated.", "code": 401, "code_name": "unauthenticated"}),
                );
            }
        }
        Provider::FireKassa => {
            if bearer() != Some(creds.firekassa_token.as_str()) {
                return refuse(401, json!({"error": "Unauthenticated."}));
            }
            if let Some(sign) = &creds.firekassa_sign_token {
                let (path, query) =
                    path_and_query.split_once('?').map_or((path_and_query, None), |(p, q)| (p, Some(q)));
                let expected =
                    signing::hmac_sha512_hex(sign.as_bytes(), &signing::firekassa_message(path, query, body));
                match header("signature") {
                    None => return refuse(401, json!({"error": "Signature required"})),
                    Some(s) if !signing::constant_time_eq(s.as_bytes(), expected.as_bytes()) => {
                        return refuse(401, json!({"error": "Invalid signature"}));
                    }
                    _ => {}
                }
            }
        }
        Provider::OnChainPay => {
            // the envelope on HTTP 401: OnChainPay documents no error status, and its clients
            // read `success: false` on any status (see refusal::error_body)
            let failure = |message: &str| json!({"success": false, "error": {"code": 401, "name": "UNAUTHORIZED", "message": message}, "requestId": format!("sbx-{}", crate::refusal::now_secs())});
            if header("x-api-public-key") != Some(creds.onchainpay_public_key.as_str()) {
                return refuse(401, failure("Invalid public key."));
            }
            let Some(signature) = header("x-api-signature") else {
                return refuse(401, failure("No signature passed."));
            };
            if !signing::verify_hmac_sha256_hex(creds.onchainpay_secret_key.as_bytes(), body, signature) {
                return refuse(401, failure("Invalid signature."));
            }
            let nonce = serde_json::from_slice::<Value>(body).ok().and_then(|b| b.get("nonce").map(|n| n.to_string()));
            let Some(nonce) = nonce else { return refuse(401, failure("No nonce passed.")) };
            if !nonce_seen(&creds.onchainpay_public_key, &nonce) {
                return refuse(401, failure("Nonce has already been used."));
            }
        }
        Provider::FirstPay if header("content-type").is_some_and(|t| t.starts_with("multipart/form-data")) => {
            // The media upload: what FirstPay signs in a multipart body is not published
            // (firstpay.md, unknown 16), so the sandbox checks the key and that a hash is there.
            let text = String::from_utf8_lossy(body);
            let part = |name: &str| {
                let marker = format!("name=\"{name}\"");
                let start = text.find(&marker)? + marker.len();
                let value_start = text[start..].find("\r\n\r\n")? + start + 4;
                let value_end = text[value_start..].find("\r\n--")? + value_start;
                Some(text[value_start..value_end].to_owned())
            };
            match (part("publicKey"), part("hash")) {
                (None, _) => return refuse(401, json!({"error": "NO_LOGIN"})),
                (_, None) => return refuse(401, json!({"error": "NO_TOKEN"})),
                (Some(key), _) if key.trim() != creds.firstpay_public_pem.trim() => {
                    return refuse(401, json!({"error": "NO_KEY"}));
                }
                _ => {}
            }
        }
        Provider::FirstPay => {
            let Ok(fields) = serde_json::from_slice::<serde_json::Map<String, Value>>(body) else {
                return refuse(400, json!({"error": "Body is not a JSON object"}));
            };
            let Some(public_key) = fields.get("publicKey").and_then(Value::as_str) else {
                return refuse(401, json!({"error": "NO_LOGIN"}));
            };
            let Some(hash) = fields.get("hash").and_then(Value::as_str) else {
                return refuse(401, json!({"error": "NO_TOKEN"}));
            };
            if public_key.trim() != creds.firstpay_public_pem.trim() {
                return refuse(401, json!({"error": "NO_KEY"}));
            }
            let verified = RsaVerifyingKey::from_pem(&creds.firstpay_merchant_public_pem)
                .ok()
                .zip(signing::firstpay_string_to_sign(body).ok())
                .is_some_and(|(key, message)| key.verify_base64(message.as_bytes(), hash));
            if !verified {
                return refuse(401, json!({"error": "UNAUTHORIZED"}));
            }
        }
    }
    Ok(())
}
