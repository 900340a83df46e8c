//! A provider client from the credentials Python gives (or `PSPKIT_<PROVIDER>_<NAME>`).

use std::collections::HashMap;

use pspkit::{Error, SecretString};

use crate::AnyClient;

/// A credential from the arguments, else from `PSPKIT_<PROVIDER>_<NAME>`.
pub(crate) fn credential(given: &HashMap<String, Option<String>>, provider: &str, name: &str) -> Option<String> {
    given
        .get(name)
        .cloned()
        .flatten()
        .or_else(|| std::env::var(format!("PSPKIT_{}_{}", provider.to_uppercase(), name.to_uppercase())).ok())
        .filter(|v| !v.trim().is_empty())
}

pub(crate) fn required(given: &HashMap<String, Option<String>>, provider: &str, name: &str) -> Result<String, Error> {
    credential(given, provider, name).ok_or_else(|| {
        Error::Config(format!(
            "{provider}: `{name}` is missing: pass {name}=... or set PSPKIT_{}_{}",
            provider.to_uppercase(),
            name.to_uppercase()
        ))
    })
}

/// The client of `provider` for these credentials (each provider crate's own constructor).
pub(crate) fn connect(
    provider: &str,
    given: &HashMap<String, Option<String>>,
    base_url: Option<String>,
) -> Result<AnyClient, Error> {
    let base_url =
        base_url.or_else(|| credential(given, provider, "base_url")).map(|u| u.trim_end_matches('/').to_owned());
    let merchant_host = || {
        base_url.clone().ok_or_else(|| {
            Error::Config(format!(
                "{provider}: `base_url` is missing (the merchant's own host): pass base_url=... or set PSPKIT_{}_BASE_URL",
                provider.to_uppercase()
            ))
        })
    };
    let req = |name: &str| required(given, provider, name);
    let client = match provider {
        "onlyonepays" => AnyClient::onlyonepays(pspkit_onlyonepays::OnlyOnePays::new(req("api_key")?)?),
        "firekassa" => AnyClient::firekassa(pspkit_firekassa::FireKassa::with_tokens(
            &merchant_host()?,
            req("token")?.into(),
            credential(given, provider, "sign_token").map(SecretString::from),
        )?),
        "firstpay" => AnyClient::firstpay(pspkit_firstpay::FirstPay::new(
            &merchant_host()?,
            &req("public_key")?,
            &req("private_key")?,
        )?),
        "onepay" => AnyClient::onepay(pspkit_onepay::OnePay::new(req("secret_key")?)?),
        "onchainpay" => AnyClient::onchainpay(pspkit_onchainpay::OnChainPay::new(
            &req("public_key")?,
            SecretString::from(req("secret_key")?),
        )?),
        other => return Err(Error::Config(format!("unknown provider {other:?}"))),
    };
    Ok(match base_url {
        Some(url) => client.with_base_url(&url),
        None => client,
    })
}
