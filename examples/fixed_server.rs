//! The fixed-response server of `just bench`: OnePay's cashout routes answered from bytes taken
//! once from the sandbox, so a benchmark measures the client and not the server.
//!
//! - `GET /onepay/cashouts/{id}`: one cashout (the sandbox's answer for its first cashout);
//! - `GET /onepay/cashouts?page=N`: page N of `items / 100` pages of 100 cashouts, each the
//!   sandbox's first page with its page fields (`current_page`, `from`, `to`, `next_page_url`)
//!   set for N and its cashouts' ids numbered through the list, so a client walks exactly
//!   `items` distinct cashouts. Every page is rendered up front.
//!
//! Every answer, head and body, is rendered before the first connection, and each connection
//! has a thread of its own that blocks on its socket: a request costs one read, one parse of its
//! head (httparse, the parser hyper uses) and one write, and nothing wakes another thread. That
//! is what a client on one connection, waiting for each answer before it asks again, needs from
//! a server that must not be the slowest part of what it measures: the latency of an
//! event-driven server with a pool of workers (two wake-ups between threads per request) held
//! `http.client` to a third of the pages per second it reads from a static-file server.
//!
//! Authentication is not checked: the sandbox does that.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use serde_json::{Value, json};

/// Items per page of the fixed list.
pub const PAGE_SIZE: usize = 100;

/// The most a request head may take; a longer one is answered 431 and the connection closed.
const HEAD_LIMIT: usize = 64 * 1024;

/// A running fixed-response server; dropping it stops accepting connections.
pub struct FixedServer {
    /// `http://127.0.0.1:PORT/onepay`, the OnePay base URL to give a client.
    pub base_url: String,
    /// The id the single-cashout route is for (any id gets the same answer).
    pub cashout_id: String,
    /// Size in bytes of one page's body.
    pub page_bytes: usize,
    address: SocketAddr,
    stopped: Arc<AtomicBool>,
}

impl Drop for FixedServer {
    fn drop(&mut self) {
        self.stopped.store(true, Ordering::Relaxed);
        // the accept loop sees the flag on its next connection: this one
        let _ = TcpStream::connect(self.address);
    }
}

/// Every answer, as the bytes written to the socket (status line, head and body).
struct Answers {
    cashout: Vec<u8>,
    pages: Vec<Vec<u8>>,
    empty: Vec<u8>,
    page_zero: Vec<u8>,
    not_found: Vec<u8>,
}

/// Takes the bodies from an in-process sandbox, then serves them on a free port of 127.0.0.1.
pub async fn start(items: usize) -> Result<FixedServer, Box<dyn std::error::Error>> {
    let sandbox = pspkit_sandbox::start(pspkit_sandbox::Config { seed_size: PAGE_SIZE, ..Default::default() }).await?;
    let base = sandbox.base_url("onepay");
    let auth = format!("Bearer {}", sandbox.credentials().onepay_secret_key);
    let http = reqwest::Client::new();
    let cashout_id = sandbox.sample_id(pspkit_sandbox::Provider::OnePay, "getCashout").unwrap_or_default();
    let fetch = |url: String| {
        let request = http.get(url).header("authorization", &auth);
        async move { request.send().await?.error_for_status()?.bytes().await }
    };
    let cashout = fetch(format!("{base}/cashouts/{cashout_id}")).await?;
    let first: Value = serde_json::from_slice(&fetch(format!("{base}/cashouts?page=1&limit={PAGE_SIZE}")).await?)?;
    let count = items.div_ceil(PAGE_SIZE);
    let page = |n: usize, data: Value| -> Result<Vec<u8>, serde_json::Error> {
        let mut body = first.clone();
        let from = (n - 1) * PAGE_SIZE;
        let next = (n < count).then(|| format!("/onepay/cashouts?page={}", n + 1));
        let filled = data.as_array().map_or(0, Vec::len);
        body["data"] = data;
        body["current_page"] = json!(n);
        body["per_page"] = json!(PAGE_SIZE);
        body["from"] = if filled > 0 { json!(from + 1) } else { Value::Null };
        body["to"] = if filled > 0 { json!(from + filled) } else { Value::Null };
        body["next_page_url"] = json!(next);
        serde_json::to_vec(&body)
    };
    let data = first["data"].as_array().cloned().unwrap_or_default();
    let bodies = (1..=count)
        .map(|n| {
            let filled = PAGE_SIZE.min(items - (n - 1) * PAGE_SIZE);
            page(n, Value::Array(numbered(&data[..filled.min(data.len())], n)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let page_bytes = bodies.first().map_or(0, Vec::len);
    let json_answer = |body: &[u8]| answer("200 OK", "application/json", body);
    let answers = Arc::new(Answers {
        cashout: json_answer(&cashout),
        pages: bodies.iter().map(|body| json_answer(body)).collect(),
        empty: json_answer(&page(count + 1, json!([]))?),
        page_zero: answer("400 Bad Request", "text/plain", b"page is 1-based"),
        not_found: answer("404 Not Found", "text/plain", b"no such route"),
    });
    let listener = TcpListener::bind(("127.0.0.1", 0))?;
    let address = listener.local_addr()?;
    let stopped = Arc::new(AtomicBool::new(false));
    let accepting = stopped.clone();
    std::thread::Builder::new().name("fixed-server".into()).spawn(move || {
        for stream in listener.incoming() {
            if accepting.load(Ordering::Relaxed) {
                return;
            }
            let Ok(stream) = stream else { continue };
            let answers = answers.clone();
            // a connection that fails ends its thread; the server goes on
            let _ = std::thread::Builder::new().name("fixed-connection".into()).spawn(move || serve(stream, &answers));
        }
    })?;
    Ok(FixedServer { base_url: format!("http://{address}/onepay"), cashout_id, page_bytes, address, stopped })
}

/// The first page's items as page `n` holds them: each with an id of its own, of the same
/// length (its trailing digits replaced by its place in the list), so that a walk sees distinct
/// cashouts, as from a provider, and every page has the same size.
fn numbered(items: &[Value], n: usize) -> Vec<Value> {
    let mut items = items.to_vec();
    for (i, item) in items.iter_mut().enumerate() {
        if let Some(id) = item["id"].as_str() {
            let stem = id.trim_end_matches(|c: char| c.is_ascii_digit());
            let width = id.len() - stem.len();
            item["id"] = json!(format!("{stem}{:0width$}", (n - 1) * PAGE_SIZE + i));
        }
    }
    items
}

/// A whole HTTP/1.1 answer: status line, head and body.
fn answer(status: &str, content_type: &str, body: &[u8]) -> Vec<u8> {
    let mut out =
        format!("HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n", body.len())
            .into_bytes();
    out.extend_from_slice(body);
    out
}

/// Answers the requests of one connection, in order, until the client closes it (or sends
/// something that is not a request head).
fn serve(mut stream: TcpStream, answers: &Answers) -> io::Result<()> {
    stream.set_nodelay(true)?;
    let mut buffer = vec![0u8; 8 * 1024];
    let mut filled = 0;
    loop {
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut request = httparse::Request::new(&mut headers);
        match request.parse(&buffer[..filled]) {
            Ok(httparse::Status::Complete(head)) => {
                let path = request.path.unwrap_or("/");
                let close = request
                    .headers
                    .iter()
                    .any(|h| h.name.eq_ignore_ascii_case("connection") && h.value.eq_ignore_ascii_case(b"close"));
                // requests here have no body; a client that sends one anyway has it skipped
                let body = pspkit_examples::content_length(request.headers).unwrap_or(0);
                stream.write_all(route(answers, path))?;
                if close {
                    return Ok(());
                }
                skip(&mut stream, &mut buffer, &mut filled, head, body)?;
            }
            Ok(httparse::Status::Partial) => {
                if filled == buffer.len() {
                    if buffer.len() >= HEAD_LIMIT {
                        let too_long = answer("431 Request Header Fields Too Large", "text/plain", b"head too long");
                        return stream.write_all(&too_long);
                    }
                    buffer.resize(buffer.len() * 2, 0);
                }
                match stream.read(&mut buffer[filled..])? {
                    0 => return Ok(()),
                    n => filled += n,
                }
            }
            Err(e) => {
                let refused = answer("400 Bad Request", "text/plain", e.to_string().as_bytes());
                return stream.write_all(&refused);
            }
        }
    }
}

/// Drops the request just answered (its head, then `body` bytes, some of which may not have
/// arrived yet) from the front of the buffer, keeping what follows it.
fn skip(stream: &mut TcpStream, buffer: &mut [u8], filled: &mut usize, head: usize, body: usize) -> io::Result<()> {
    let mut consumed = head + body;
    while consumed > *filled {
        consumed -= *filled;
        *filled = match stream.read(buffer)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => n,
        };
    }
    buffer.copy_within(consumed..*filled, 0);
    *filled -= consumed;
    Ok(())
}

/// The answer for a request target.
fn route<'a>(answers: &'a Answers, target: &str) -> &'a [u8] {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path == "/onepay/cashouts" {
        let page = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "page")
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .unwrap_or(1);
        return match page {
            0 => &answers.page_zero,
            n => answers.pages.get(n - 1).unwrap_or(&answers.empty),
        };
    }
    if path.strip_prefix("/onepay/cashouts/").is_some_and(|id| !id.is_empty() && !id.contains('/')) {
        return &answers.cashout;
    }
    &answers.not_found
}
