//! `just bench`'s load generator: how many requests a second the fixed-response server answers
//! with several connections busy at once, to show that the server is not what limits the clients
//! measured against it. `bench_load <url> [--connections 8] [--seconds 3]` prints
//! `{"url": ..., "connections": ..., "requests_per_s": ...}`; every answer must be a 200 whose
//! body is read whole.
//!
//! The generator shares the machine's cores with the server, so it must cost far less per
//! request than the server does, or it measures itself: as wrk does, each connection is a thread
//! that writes one pre-rendered request and reads the answer (its head parsed by httparse, its
//! body read to the declared length and dropped), with no HTTP client stack in between.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

type Failure = Box<dyn std::error::Error + Send + Sync>;

fn main() -> Result<(), Failure> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: bench_load <url> [--connections N] [--seconds S]")?;
    let (mut connections, mut seconds) = (8usize, 3.0f64);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--connections", Some(n)) => connections = n.parse()?,
            ("--seconds", Some(s)) => seconds = s.parse()?,
            _ => return Err(format!("unknown argument {arg:?}").into()),
        }
    }
    let parsed = reqwest::Url::parse(&url)?;
    let host = parsed.host_str().ok_or("the URL has no host")?.to_owned();
    let port = parsed.port_or_known_default().ok_or("the URL has no port")?;
    let target = match parsed.query() {
        Some(query) => format!("{}?{query}", parsed.path()),
        None => parsed.path().to_owned(),
    };
    let request = Arc::new(format!("GET {target} HTTP/1.1\r\nhost: {host}:{port}\r\n\r\n").into_bytes());
    let done = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let workers = (0..connections)
        .map(|_| {
            let (request, done, stop, host) = (request.clone(), done.clone(), stop.clone(), host.clone());
            std::thread::spawn(move || -> Result<(), Failure> {
                let mut stream = TcpStream::connect((host.as_str(), port))?;
                stream.set_nodelay(true)?;
                let mut buffer = vec![0u8; 64 * 1024];
                while !stop.load(Ordering::Relaxed) {
                    stream.write_all(&request)?;
                    read_answer(&mut stream, &mut buffer)?;
                    done.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            })
        })
        .collect::<Vec<_>>();
    // every connection open and answered once before the timed part
    std::thread::sleep(Duration::from_millis(300));
    let (start_count, started) = (done.load(Ordering::Relaxed), Instant::now());
    std::thread::sleep(Duration::from_secs_f64(seconds));
    let (end_count, elapsed) = (done.load(Ordering::Relaxed), started.elapsed());
    stop.store(true, Ordering::Relaxed);
    for worker in workers {
        worker.join().map_err(|_| "a connection's thread panicked")??;
    }
    let rate = (end_count - start_count) as f64 / elapsed.as_secs_f64();
    println!("{}", serde_json::json!({"url": url, "connections": connections, "requests_per_s": rate}));
    Ok(())
}

/// Reads one whole answer, which must be a 200 with a `content-length`, into `buffer` (grown to
/// fit; the server sends nothing unasked, so nothing of a next answer is read).
fn read_answer(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<(), Failure> {
    let mut filled = 0;
    loop {
        if filled == buffer.len() {
            buffer.resize(buffer.len() * 2, 0);
        }
        match stream.read(&mut buffer[filled..])? {
            0 => return Err("the server closed the connection".into()),
            n => filled += n,
        }
        let mut headers = [httparse::EMPTY_HEADER; 32];
        let mut answer = httparse::Response::new(&mut headers);
        let httparse::Status::Complete(head) = answer.parse(&buffer[..filled])? else { continue };
        if answer.code != Some(200) {
            return Err(format!("HTTP {:?}", answer.code).into());
        }
        let length =
            pspkit_examples::content_length(answer.headers).ok_or("an answer without a readable content-length")?;
        let whole = head + length;
        if buffer.len() < whole {
            buffer.resize(whole, 0);
        }
        while filled < whole {
            match stream.read(&mut buffer[filled..whole])? {
                0 => return Err("the server closed the connection mid-body".into()),
                n => filled += n,
            }
        }
        return Ok(());
    }
}
