//! Pieces of a request as the generated builders make it from an operation's parameters: the
//! URL under the client's base, path segments and header parameters. Query parameters and JSON bodies go through `reqwest` as
//! progenitor's own methods send them, so both paths put the same bytes on the wire.

use std::fmt::Display;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use reqwest::header::HeaderValue;
use reqwest::{Method, RequestBuilder, Url};

use crate::error::Error;

/// What is percent-encoded in a path parameter: what would end the segment or the path (`/`,
/// `?`, `#`, and `\`, which URLs read as `/`), `%` itself, and what a URL may not hold as it is.
/// The set progenitor encodes, plus `\`. The values that would still change the route (empty,
/// `.`, `..`) are refused before this, by [`crate::validate::path_segment`].
const SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'\\')
    .add(b'%');

/// A client's base URL, parsed once.
///
/// Each call's URL is the parsed base with the operation's path set on it. Handing reqwest the
/// URL as text instead has it parse all of it again on every call (scheme, host with its IDNA
/// mapping, port): about 6,000 instructions, several percent of a small GET on loopback.
///
/// Its `Debug` leaves out what a URL may carry as a secret (user-info, query).
#[derive(Clone)]
pub struct BaseUrl {
    /// The URL as parsed (the form reqwest would send), or as given when it is no URL; without
    /// a trailing `/`. The generated client underneath is given this text too, so that every
    /// call goes to the same place (`Url::parse` drops white space at the ends, say, which the
    /// text followed by a path would have kept as `%20`).
    text: String,
    /// `None` when the text is no URL that paths can be put under: each call then hands reqwest
    /// the text, which refuses it with its own error when the request is built.
    parsed: Option<Url>,
}

impl BaseUrl {
    /// `text` parsed, a trailing `/` dropped.
    pub fn new(text: &str) -> Self {
        let parsed = Url::parse(text)
            .ok()
            .filter(|url| !url.cannot_be_a_base() && url.query().is_none() && url.fragment().is_none());
        let text = parsed.as_ref().map_or(text, Url::as_str).trim_end_matches('/').to_owned();
        Self { text, parsed }
    }

    /// The base URL, without a trailing `/`: as parsed when it is a URL, else as given.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// A request to `path` (from its leading `/`, its parameters already percent-encoded) under
    /// this base: the same URL as the base's text followed by `path`, parsed.
    pub fn request(&self, http: &reqwest::Client, method: Method, path: &str) -> RequestBuilder {
        let Some(base) = &self.parsed else {
            return http.request(method, format!("{}{path}", self.text));
        };
        let mut url = base.clone();
        match base.path().trim_end_matches('/') {
            "" => url.set_path(path),
            prefix => url.set_path(&[prefix, path].concat()),
        }
        http.request(method, url)
    }
}

impl BaseUrl {
    /// The base URL to show (in `Debug`, a Python `repr`, a log): without user-info or query,
    /// and for a text that is no URL, only its length, as nothing in it can be told apart from
    /// a secret.
    pub fn redacted(&self) -> String {
        // a URL with a query or a fragment is kept as text, but is still a URL to strip
        let safe = match &self.parsed {
            Some(url) => Some(without_secrets(url)),
            None => Url::parse(&self.text).ok().map(|url| without_secrets(&url)),
        };
        match safe {
            Some(url) => url.as_str().trim_end_matches('/').to_owned(),
            None => format!("<not a URL, {} bytes>", self.text.len()),
        }
    }

    /// What is wrong with it as a base URL, if anything: it must be an `http` or `https` URL
    /// with a host and no query or fragment (else requests would go to a path that is not the
    /// one meant). The Python package checks it where a client is made from a setting, so that
    /// a typo is a configuration error, not a failed first call.
    pub fn problem(&self) -> Option<&'static str> {
        match Url::parse(&self.text) {
            Err(_) => Some("is not a URL"),
            Ok(url) if !matches!(url.scheme(), "http" | "https") => Some("must be an http or https URL"),
            Ok(url) if url.host().is_none() => Some("has no host"),
            Ok(_) if self.parsed.is_none() => Some("must not have a query or a fragment"),
            Ok(_) => None,
        }
    }

    /// The base URL as the generated client underneath is given it (the one behind a client's
    /// `raw()`, whose `Debug` prints it): without user-info, which may be a password. The
    /// requests pspkit builds use the base URL itself.
    pub fn for_raw_client(&self) -> String {
        match &self.parsed {
            Some(url) if !url.username().is_empty() || url.password().is_some() => {
                without_user_info(url).as_str().trim_end_matches('/').to_owned()
            }
            _ => self.text.clone(),
        }
    }
}

impl std::fmt::Debug for BaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("BaseUrl").field(&self.redacted()).finish()
    }
}

/// `url` without what it may carry as a secret: user name, password and query.
pub(crate) fn without_secrets(url: &Url) -> Url {
    let mut safe = without_user_info(url);
    safe.set_query(None);
    safe
}

/// `url` without user name and password.
fn without_user_info(url: &Url) -> Url {
    let mut safe = url.clone();
    let _ = safe.set_username("");
    let _ = safe.set_password(None);
    safe
}

/// Appends `value` to `url` as one path segment, percent-encoded.
pub fn push_segment(url: &mut String, value: &str) {
    url.extend(utf8_percent_encode(value, SEGMENT));
}

/// Adds a header parameter's value (its text, as progenitor writes it), or nothing for `None`.
/// A value that cannot be an HTTP header fails the call before it is sent, naming the parameter
/// (and not its value, which may be a secret).
pub fn header<T: Display>(
    request: RequestBuilder,
    operation: &'static str,
    field: &str,
    wire: &'static str,
    value: Option<&T>,
) -> Result<RequestBuilder, Error> {
    let Some(value) = value else { return Ok(request) };
    match HeaderValue::try_from(value.to_string()) {
        Ok(value) => Ok(request.header(wire, value)),
        Err(_) => Err(Error::InvalidRequest {
            operation,
            field: field.to_owned(),
            rule: "must be a valid HTTP header value (visible ASCII, spaces and tabs)".into(),
        }),
    }
}
