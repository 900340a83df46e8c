//! Fault injection: per request with the `x-pspkit-fault` header, or per run (every Nth request).

use std::time::Duration;

/// The request header that asks for a fault.
pub const HEADER: &str = "x-pspkit-fault";

/// One fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// 429 with `Retry-After` seconds.
    RateLimited(u64),
    /// An error status (500, 502, 503) with the provider's error body.
    Status(u16),
    /// The connection is dropped after the request is read, before any response.
    ResetBeforeResponse,
    /// The response starts, half the body is sent, then the connection is dropped.
    ResetMidBody,
    /// The response is delayed.
    Delay(Duration),
    /// The body is cut in half (valid HTTP, invalid JSON).
    TruncatedJson,
    /// A 502 HTML error page, as a proxy in front of the provider would send.
    HtmlErrorPage,
    /// The usual body with a `text/html` content type.
    WrongContentType,
    /// The handler panics while it holds the sandbox's state: the request gets a 500 in the
    /// provider's error shape and every later request is served as usual.
    Panic,
}

impl Fault {
    /// Parses `429`, `429:2`, `500`, `502`, `503`, `reset`, `reset-mid-body`, `delay:250`,
    /// `truncate`, `html`, `content-type`, `panic`. Anything else is `None`: an unknown name, an
    /// argument that is not a whole number (`delay:-5`, `429:nan`), or an argument to a fault
    /// that takes none (`500:junk`), so that a typo in a test is heard, not served as a default.
    pub fn parse(text: &str) -> Option<Fault> {
        let (name, arg) = text.trim().split_once(':').map_or((text.trim(), None), |(n, a)| (n, Some(a)));
        let number = match arg {
            None => None,
            Some(a) => Some(a.trim().parse::<u64>().ok()?),
        };
        let takes_number = matches!(name, "429" | "delay");
        if number.is_some() && !takes_number {
            return None;
        }
        Some(match name {
            "429" => Fault::RateLimited(number.unwrap_or(1)),
            "500" | "502" | "503" | "504" => Fault::Status(name.parse().ok()?),
            "reset" => Fault::ResetBeforeResponse,
            "reset-mid-body" => Fault::ResetMidBody,
            "delay" => Fault::Delay(Duration::from_millis(number.unwrap_or(1000))),
            "truncate" => Fault::TruncatedJson,
            "html" => Fault::HtmlErrorPage,
            "content-type" => Fault::WrongContentType,
            "panic" => Fault::Panic,
            _ => return None,
        })
    }
}

/// Faults for a whole run: every `every`-th provider request gets the next fault of the list.
#[derive(Clone, Debug, Default)]
pub struct FaultPlan {
    /// Inject on every n-th request (0: never).
    pub every: u64,
    /// The faults, in turn.
    pub faults: Vec<Fault>,
}

impl FaultPlan {
    /// The fault for the request with this sequence number (from 1).
    pub fn for_request(&self, n: u64) -> Option<Fault> {
        if self.every == 0 || self.faults.is_empty() || !n.is_multiple_of(self.every) {
            return None;
        }
        Some(self.faults[((n / self.every - 1) % self.faults.len() as u64) as usize])
    }
}
