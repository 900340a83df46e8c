//! Credentials and request signing, one [`Credentials`] variant per authentication scheme.
//!
//! Signing runs on every attempt, on a fresh copy of the request: a retried OnChainPay request
//! gets a new nonce and a new signature; a FirstPay body is signed over exactly the bytes sent.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderName, HeaderValue};

use crate::error::Error;
use crate::secret::SecretString;
use crate::signing::{self, RsaSigningKey};

/// Builds FirstPay's string to sign from a JSON body.
pub type StringToSign = fn(&[u8]) -> Result<String, String>;

/// A provider's credentials; `Debug` shows which kind, never the values.
#[derive(Clone)]
pub enum Credentials {
    /// A static API key in a header (OnlyOnePays).
    ApiKey {
        /// The header name, from the spec's security scheme.
        header: &'static str,
        /// The key.
        key: SecretString,
    },
    /// `Authorization: Bearer <token>` (OnePay), plus FireKassa's optional HMAC-SHA512
    /// `Signature` header when a sign token is given.
    Bearer {
        /// The token.
        token: SecretString,
        /// FireKassa's API Sign Token, if the site has one.
        sign_token: Option<SecretString>,
    },
    /// OnChainPay: `x-api-public-key`, and `x-api-signature` = hex HMAC-SHA256 over the exact
    /// body, which always carries a fresh `nonce`.
    OnChainPay {
        /// The public key (sent as is).
        public_key: String,
        /// The secret ("private") key.
        secret_key: SecretString,
    },
    /// FirstPay: `publicKey` (FirstPay's public key PEM) and `hash` (RSA-SHA256 with the
    /// merchant's private key) inside every JSON body.
    FirstPay {
        /// FirstPay's public key, PEM text, sent in `publicKey`.
        public_key_pem: String,
        /// The merchant's private key.
        private_key: Arc<RsaSigningKey>,
        /// Builds the string to sign from the body (with `publicKey`, without `hash`). FirstPay
        /// documents two rules and only the deprecated one is published:
        /// [`signing::firstpay_string_to_sign`]; put the other here when it is known.
        string_to_sign: StringToSign,
    },
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Credentials::ApiKey { header, .. } => write!(f, "ApiKey {{ header: {header:?}, key: [redacted] }}"),
            Credentials::Bearer { sign_token, .. } => {
                write!(f, "Bearer {{ token: [redacted], signs: {} }}", sign_token.is_some())
            }
            Credentials::OnChainPay { public_key, .. } => {
                write!(f, "OnChainPay {{ public_key: {public_key:?}, secret_key: [redacted] }}")
            }
            Credentials::FirstPay { .. } => f.write_str("FirstPay { private_key: [redacted] }"),
        }
    }
}

/// The environment variable a provider's credential (or `base_url`) is read from:
/// `PSPKIT_<PROVIDER>_<KEY>`, e.g. `PSPKIT_ONEPAY_SECRET_KEY`.
pub fn env_name(provider: &str, key: &str) -> String {
    format!("PSPKIT_{}_{}", provider.to_uppercase(), key.to_uppercase())
}

/// The value of [`env_name`]`(provider, key)`; blank counts as absent.
pub fn env_credential(provider: &str, key: &str) -> Option<String> {
    std::env::var(env_name(provider, key)).ok().filter(|v| !v.trim().is_empty())
}

impl Credentials {
    /// Checks that no secret is empty, before any request.
    pub fn validate(&self) -> Result<(), Error> {
        let empty = match self {
            Credentials::ApiKey { key, .. } => key.is_empty(),
            Credentials::Bearer { token, sign_token } => {
                token.is_empty() || sign_token.as_ref().is_some_and(|s| s.is_empty())
            }
            Credentials::OnChainPay { public_key, secret_key } => public_key.is_empty() || secret_key.is_empty(),
            Credentials::FirstPay { public_key_pem, .. } => public_key_pem.is_empty(),
        };
        if empty { Err(Error::Config("a credential is empty".into())) } else { Ok(()) }
    }

    /// The one header these credentials add when they sign nothing (an API key, a bearer token
    /// without FireKassa's signature), built once per client rather than on every attempt;
    /// `None` when each attempt must be signed.
    pub fn fixed_header(&self) -> Option<Result<(HeaderName, HeaderValue), Error>> {
        match self {
            Credentials::ApiKey { header, key } => Some(
                HeaderName::from_bytes(header.as_bytes())
                    .map_err(|_| Error::Config(format!("{header:?} is not a header name")))
                    .and_then(|name| Ok((name, secret_header(key.expose())?))),
            ),
            Credentials::Bearer { token, sign_token: None } => {
                Some(secret_header(&format!("Bearer {}", token.expose())).map(|value| (AUTHORIZATION, value)))
            }
            _ => None,
        }
    }

    /// Adds authentication to one attempt of a request (headers, and for OnChainPay and FirstPay
    /// the signed body). The clients call it on every attempt; it is public for tools that send
    /// requests of their own, such as the sandbox's conformance tests.
    pub fn apply(&self, request: &mut reqwest::Request) -> Result<(), Error> {
        match self {
            Credentials::ApiKey { .. } | Credentials::Bearer { sign_token: None, .. } => {
                if let Some(fixed) = self.fixed_header() {
                    let (name, value) = fixed?;
                    request.headers_mut().insert(name, value);
                }
            }
            Credentials::Bearer { token, sign_token: Some(sign) } => {
                request.headers_mut().insert(AUTHORIZATION, secret_header(&format!("Bearer {}", token.expose()))?);
                let body = body_bytes(request);
                let url = request.url();
                let message = signing::firekassa_message(url.path(), url.query(), &body);
                let sig = signing::hmac_sha512_hex(sign.expose().as_bytes(), &message);
                request.headers_mut().insert("signature", header_value(&sig)?);
            }
            Credentials::OnChainPay { public_key, secret_key } => {
                let body = with_leading_fields(&body_bytes(request), &[("nonce", next_nonce().to_string())]);
                let sig = signing::hmac_sha256_hex(secret_key.expose().as_bytes(), &body);
                let headers = request.headers_mut();
                headers.insert("x-api-public-key", header_value(public_key)?);
                headers.insert("x-api-signature", header_value(&sig)?);
                headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                *request.body_mut() = Some(body.into());
            }
            Credentials::FirstPay { public_key_pem, private_key, string_to_sign } => {
                let public_key_json = serde_json::to_string(public_key_pem).expect("a string serializes");
                // `publicKey` is signed; `hash` is added after signing, as FirstPay's sample does
                let with_key = with_leading_fields(&body_bytes(request), &[("publicKey", public_key_json)]);
                let message = string_to_sign(&with_key).map_err(Error::Config)?;
                let hash =
                    serde_json::to_string(&private_key.sign_base64(message.as_bytes())).expect("a string serializes");
                let body = with_leading_fields(&with_key, &[("hash", hash)]);
                request.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                *request.body_mut() = Some(body.into());
            }
        }
        Ok(())
    }
}

fn header_value(value: &str) -> Result<HeaderValue, Error> {
    HeaderValue::from_str(value)
        .map_err(|_| Error::Config("a credential holds characters a header cannot carry".into()))
}

/// A header value marked sensitive, so HTTP-level debug output leaves it out.
fn secret_header(value: &str) -> Result<HeaderValue, Error> {
    let mut v = header_value(value)?;
    v.set_sensitive(true);
    Ok(v)
}

fn body_bytes(request: &reqwest::Request) -> Vec<u8> {
    request.body().and_then(|b| b.as_bytes()).map(<[u8]>::to_vec).unwrap_or_default()
}

/// Adds fields (name, JSON text) at the front of a JSON object body without re-serializing the
/// rest, so every other byte (and every exact decimal) stays as it was. No body means `{}`.
pub(crate) fn with_leading_fields(body: &[u8], fields: &[(&str, String)]) -> Vec<u8> {
    let text = std::str::from_utf8(body).unwrap_or("").trim();
    let rest = text.strip_prefix('{').map(str::trim_start).unwrap_or("}");
    let mut out = String::with_capacity(text.len() + 64);
    out.push('{');
    for (i, (name, json)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(name).expect("a string serializes"));
        out.push(':');
        out.push_str(json);
    }
    if !rest.starts_with('}') {
        out.push(',');
    }
    out.push_str(rest);
    out.into_bytes()
}

/// OnChainPay nonces: milliseconds since the epoch, strictly increasing across the whole
/// process (every client, every thread), so two concurrent requests never share one and a
/// provider that wants them increasing is satisfied too.
pub fn next_nonce() -> u64 {
    static LAST: AtomicU64 = AtomicU64::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = now.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::AcqRel, Ordering::Relaxed) {
            Ok(_) => return next,
            Err(seen) => last = seen,
        }
    }
}

/// A fresh idempotency key: a random UUID v4 (36 characters of `[0-9a-f-]`).
pub fn new_idempotency_key() -> String {
    let mut b = signing::random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = signing::hex(&b);
    format!("{}-{}-{}-{}-{}", &h[0..8], &h[8..12], &h[12..16], &h[16..20], &h[20..32])
}
