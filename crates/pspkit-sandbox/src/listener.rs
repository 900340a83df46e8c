//! The accept loop: one task per connection, each request given the means to drop its own
//! connection (the `reset` faults).

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;

use crate::sync::lock;

/// After a failed accept (out of file descriptors, a connection reset while queued) the loop
/// waits this long instead of spinning on the same error.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// The most connections served at once; past it, new ones wait in the listen queue. With the
/// slow-client timeout, a client that opens sockets and sends nothing holds each one for that
/// long at most, so it cannot take every file descriptor for good.
const MAX_CONNECTIONS: usize = 1024;

/// Drops the connection a request arrived on: the fault "reset".
#[derive(Clone)]
pub(crate) struct KillSwitch(Arc<Mutex<Option<socket2::Socket>>>);

impl KillSwitch {
    pub(crate) fn fire(&self) {
        if let Some(socket) = lock(&self.0).take() {
            let _ = socket.set_linger(Some(Duration::ZERO));
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

/// Accepts connections until the task running it is aborted. Each connection is served by a task
/// of `connections`, so aborting the loop drops the set and ends every connection with it: a
/// stopped sandbox answers nothing, not even on a client's pooled keep-alive connection.
///
/// A connection whose request head does not arrive within `slow_client` (the whole head, from
/// the moment the server waits for it) is closed.
pub(crate) async fn serve(listener: tokio::net::TcpListener, app: axum::Router, slow_client: Duration) {
    use tower::ServiceExt as _;
    let mut connections = tokio::task::JoinSet::new();
    let slots = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    let mut builder = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new());
    // hyper enforces its header timeout only with a timer; without one a client that never
    // finishes its head holds the connection forever
    builder.http1().timer(hyper_util::rt::TokioTimer::new()).header_read_timeout(slow_client);
    builder.http2().timer(hyper_util::rt::TokioTimer::new());
    let builder = Arc::new(builder);
    loop {
        // finished connections' results, collected so the set holds only live ones
        while connections.try_join_next().is_some() {}
        let Ok(slot) = slots.clone().acquire_owned().await else { return };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(_) => {
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let kill = stream.into_std().and_then(|std| {
            let dup = std.try_clone()?;
            Ok((
                tokio::net::TcpStream::from_std(std)?,
                KillSwitch(Arc::new(Mutex::new(Some(socket2::Socket::from(dup))))),
            ))
        });
        // no descriptor for the duplicate: the connection is closed, the loop goes on
        let Ok((stream, kill)) = kill else { continue };
        let (app, builder) = (app.clone(), builder.clone());
        connections.spawn(async move {
            let _slot = slot;
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(kill.clone());
                app.clone().oneshot(request.map(Body::new))
            });
            let _ = builder.serve_connection(hyper_util::rt::TokioIo::new(stream), service).await;
        });
    }
}
