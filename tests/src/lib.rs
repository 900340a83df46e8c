//! Helpers for pspkit's workspace tests: where the specs are, a scripted loopback server
//! (answers and faults), test keys, the generated table of response types, and the fuzzer.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The five providers, by the file stem of their spec and the suffix of their crate.
pub const PROVIDERS: [&str; 5] = ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"];

/// Path of a provider's spec.
pub fn spec_path(provider: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("specs").join(format!("{provider}.yaml"))
}

/// A FireKassa payout of 100.00 to the card `4111111111111111` (its `account`), order `order-1`.
pub fn card_payout() -> pspkit_firekassa::types::CreateWithdrawalRequest {
    pspkit_firekassa::types::CreateWithdrawalRequest::builder()
        .account("4111111111111111")
        .amount("100.00".parse::<pspkit::Decimal>().expect("a decimal"))
        .order_id("order-1")
        .build()
        .expect("body")
}

/// Decodes a JSON text into `T` exactly as the generated client does (serde_json from bytes).
pub fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<(), String> {
    serde_json::from_slice::<T>(json.as_bytes()).map(drop).map_err(|e| e.to_string())
}

include!(concat!(env!("OUT_DIR"), "/examples_table.rs"));

pub mod conformance;
pub mod fuzz;

/// One generated response decoder: an operation's success type behind
/// `pspkit::decode_answer`, with its provider's spec facts.
#[derive(Clone, Copy, Debug)]
pub struct Decoder {
    /// The provider (spec file stem).
    pub provider: &'static str,
    /// The operation's generated method name.
    pub operation: &'static str,
    /// Whether a 2xx answer carries JSON (not nothing, not a file).
    pub success: bool,
    /// Whether an error answer has a JSON schema.
    pub error: bool,
    /// Decodes one answer (status, headers, body) as the client would, dropping the payload.
    pub decode: fn(u16, &http::HeaderMap, &[u8]) -> Result<(), pspkit::Error>,
}

/// A provider's spec facts, as its generated client carries them.
pub fn provider_spec(provider: &str) -> &'static pspkit::ProviderSpec {
    match provider {
        "onlyonepays" => &pspkit_onlyonepays::SPEC,
        "firekassa" => &pspkit_firekassa::SPEC,
        "firstpay" => &pspkit_firstpay::SPEC,
        "onepay" => &pspkit_onepay::SPEC,
        "onchainpay" => &pspkit_onchainpay::SPEC,
        other => panic!("no provider {other:?}"),
    }
}

/// Test-only RSA keys (tests/fixtures/keys/README.md).
pub mod keys {
    /// The merchant's private key (signs FirstPay request bodies).
    pub const MERCHANT_PRIVATE_PEM: &str = include_str!("../../crates/pspkit-sandbox/keys/merchant-private.pem");
    /// The merchant's public key (what FirstPay would verify with).
    pub const MERCHANT_PUBLIC_PEM: &str = include_str!("../../crates/pspkit-sandbox/keys/merchant-public.pem");
    /// FirstPay's private key (signs postbacks).
    pub const FIRSTPAY_PRIVATE_PEM: &str = include_str!("../../crates/pspkit-sandbox/keys/firstpay-private.pem");
    /// FirstPay's public key (sent as `publicKey`; verifies postbacks).
    pub const FIRSTPAY_PUBLIC_PEM: &str = include_str!("../../crates/pspkit-sandbox/keys/firstpay-public.pem");
}

/// What a [`ScriptedServer`] does with one incoming request.
#[derive(Clone, Debug)]
pub enum Step {
    /// Answer with a status, extra headers and a body.
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers.
        headers: Vec<(&'static str, String)>,
        /// Body.
        body: String,
    },
    /// Read the whole request, then reset the connection (TCP RST) without answering: the
    /// request reached the server, the client learns nothing.
    ResetAfterRequest,
    /// As `ResetAfterRequest`, then stop listening: every later connection is refused, as when
    /// the provider's host goes down while processing the request.
    ResetAndGoAway,
    /// Send the status line, headers and half the body, then reset.
    ResetMidBody {
        /// HTTP status.
        status: u16,
        /// The full body that was promised (Content-Length), of which half is sent.
        body: String,
    },
    /// Wait, then do the next step's thing.
    Delay(std::time::Duration, Box<Step>),
}

impl Step {
    /// `Respond` with a JSON body and no extra headers.
    pub fn json(status: u16, body: impl ToString) -> Self {
        Step::Respond { status, headers: Vec::new(), body: body.to_string() }
    }
}

/// A request as a [`ScriptedServer`] saw it.
#[derive(Clone, Debug)]
pub struct Received {
    /// Method.
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    /// Headers, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body bytes.
    pub body: Vec<u8>,
}

impl Received {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// A raw HTTP/1.1 server on loopback that plays a script of answers and faults (resets, half
/// bodies, delays), one step per request, repeating the last step. Every answer closes the
/// connection, so each attempt of a client is a new connection and a new step.
pub struct ScriptedServer {
    /// `http://127.0.0.1:<port>`
    pub base_url: String,
    received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

impl ScriptedServer {
    /// Starts the server with its script on a free port.
    pub async fn start(script: Vec<Step>) -> Self {
        Self::start_on(0, script).await
    }

    /// Starts the server with its script on a given port.
    pub async fn start_on(port: u16, script: Vec<Step>) -> Self {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], port))).await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            let mut index = 0usize;
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let step = script.get(index).or(script.last()).cloned().expect("a non-empty script");
                index += 1;
                // read the head, then Content-Length bytes of body
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break i + 4;
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break usize::MAX,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                };
                if head_end == usize::MAX {
                    continue;
                }
                let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
                let mut lines = head.split("\r\n");
                let mut first = lines.next().unwrap_or("").split(' ');
                let method = first.next().unwrap_or("").to_owned();
                let target = first.next().unwrap_or("").to_owned();
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let length: usize =
                    headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
                let mut body = buf[head_end..].to_vec();
                while body.len() < length {
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => body.extend_from_slice(&chunk[..n]),
                    }
                }
                log.lock().expect("log").push(Received { method, target, headers, body });
                let mut step = step;
                while let Step::Delay(d, next) = step {
                    tokio::time::sleep(d).await;
                    step = *next;
                }
                match step {
                    Step::Respond { status, headers, body } => {
                        let mut out =
                            format!("HTTP/1.1 {status} X\r\ncontent-length: {}\r\nconnection: close\r\n", body.len());
                        if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("content-type")) {
                            out.push_str("content-type: application/json\r\n");
                        }
                        for (n, v) in headers {
                            out.push_str(&format!("{n}: {v}\r\n"));
                        }
                        out.push_str("\r\n");
                        out.push_str(&body);
                        let _ = stream.write_all(out.as_bytes()).await;
                        let _ = stream.shutdown().await;
                    }
                    Step::ResetAfterRequest => reset(stream),
                    Step::ResetAndGoAway => {
                        reset(stream);
                        return;
                    }
                    Step::ResetMidBody { status, body } => {
                        let head = format!(
                            "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(&body.as_bytes()[..body.len() / 2]).await;
                        let _ = stream.flush().await;
                        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        reset(stream);
                    }
                    Step::Delay(..) => unreachable!("delays are unwrapped above"),
                }
            }
        });
        Self { base_url: format!("http://{addr}"), received }
    }

    /// Requests received so far.
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }
}

/// Closes with a TCP RST instead of a FIN.
fn reset(stream: tokio::net::TcpStream) {
    let std = stream.into_std().expect("std stream");
    let socket = socket2::Socket::from(std);
    let _ = socket.set_linger(Some(std::time::Duration::ZERO));
    drop(socket);
}

/// A forged OnePay webhook body of at most `size` bytes, the shape an attacker would send to make
/// verification expensive: one object with as many keys as fit, all distinct (`repeat_key =
/// false`) or all the same (`true`). Used by the webhook tests and `just bench`.
pub fn forged_onepay_body(size: usize, repeat_key: bool) -> Vec<u8> {
    let mut body = String::with_capacity(size);
    body.push_str(r#"{"event":{"type":"payment.approved","timestamp":0},"payment":{"#);
    let mut i = 0u64;
    loop {
        let key = if repeat_key { "k".to_owned() } else { format!("k{i}") };
        let field = format!(r#"{}"{key}":{i}"#, if i == 0 { "" } else { "," });
        if body.len() + field.len() + 2 > size {
            break;
        }
        body.push_str(&field);
        i += 1;
    }
    body.push_str("}}");
    body.into_bytes()
}
