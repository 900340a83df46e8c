//! A provider client from the credentials Python gives (or `PSPKIT_<PROVIDER>_<NAME>`).

use std::collections::HashMap;

use pspkit::Error;

use crate::AnyClient;

/// A credential from the arguments, else from `PSPKIT_<PROVIDER>_<NAME>`.
pub(crate) fn credential(given: &HashMap<String, Option<String>>, provider: &str, name: &str) -> Option<String> {
    // a blank argument counts as absent, without falling back to the environment
    match given.get(name).cloned().flatten() {
        Some(value) => Some(value).filter(|v| !v.trim().is_empty()),
        None => pspkit::auth::env_credential(provider, name),
    }
}

/// The client of `provider` for these credentials: the keys its spec declares, each from the
/// arguments or the environment, handed to the provider crate's own constructor.
pub(crate) fn connect(
    provider: &str,
    given: &HashMap<String, Option<String>>,
    base_url: Option<String>,
) -> Result<AnyClient, Error> {
    let base_url =
        base_url.or_else(|| credential(given, provider, "base_url")).map(|u| u.trim_end_matches('/').to_owned());
    if let Some(url) = &base_url {
        check_base_url(url)?;
    }
    AnyClient::connect(provider, base_url.as_deref(), |name| credential(given, provider, name))
}

/// A base URL from a setting, refused as a configuration error when it cannot be one (its text
/// is not quoted: a URL may carry a password).
pub(crate) fn check_base_url(url: &str) -> Result<(), Error> {
    match pspkit::request::BaseUrl::new(url).problem() {
        Some(problem) => Err(Error::Config(format!("base_url {problem}"))),
        None => Ok(()),
    }
}
