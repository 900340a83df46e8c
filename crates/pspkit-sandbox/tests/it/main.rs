//! The sandbox through its public surface: real HTTP on loopback, real signatures, the typed
//! clients where a client is what users would point at it.

mod behaviour;
mod conformance;
mod hardening;

use pspkit::Credentials;
use pspkit_sandbox::{Config, Provider, Sandbox};

/// A sandbox with a small data set (fast to seed, still several pages per list).
pub async fn sandbox() -> Sandbox {
    pspkit_sandbox::start(Config { seed_size: 250, ..Config::default() }).await.expect("sandbox starts")
}

/// Queues `faults` (by name) with `POST /_sandbox/faults`; the sandbox's answer.
pub async fn queue_faults(sandbox: &Sandbox, faults: &[&str]) -> serde_json::Value {
    pspkit::install_crypto_provider();
    reqwest::Client::new()
        .post(format!("{}/_sandbox/faults", sandbox.url()))
        .json(&serde_json::json!({ "faults": faults }))
        .send()
        .await
        .expect("answered")
        .json()
        .await
        .expect("JSON")
}

/// pspkit credentials that the sandbox accepts, per provider.
pub fn credentials(sandbox: &Sandbox, provider: Provider) -> Credentials {
    let c = sandbox.credentials();
    match provider {
        Provider::OnlyOnePays => {
            Credentials::ApiKey { header: "X-API-Key", key: c.onlyonepays_api_key.as_str().into() }
        }
        Provider::FireKassa => Credentials::Bearer {
            token: c.firekassa_token.as_str().into(),
            sign_token: c.firekassa_sign_token.as_deref().map(Into::into),
        },
        Provider::FirstPay => Credentials::FirstPay {
            public_key_pem: c.firstpay_public_pem.clone(),
            private_key: std::sync::Arc::new(
                pspkit::signing::RsaSigningKey::from_pem(include_str!("../../keys/merchant-private.pem")).expect("key"),
            ),
            string_to_sign: pspkit::signing::firstpay_string_to_sign,
        },
        Provider::OnePay => Credentials::Bearer { token: c.onepay_secret_key.as_str().into(), sign_token: None },
        Provider::OnChainPay => Credentials::OnChainPay {
            public_key: c.onchainpay_public_key.clone(),
            secret_key: c.onchainpay_secret_key.as_str().into(),
        },
    }
}
