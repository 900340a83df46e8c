//! A webhook receiver for tests: give its URL to the sandbox (`Config::webhook_url`) or to a
//! provider, and read back exactly what arrived, raw bytes and headers, to verify signatures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;

/// One webhook as it arrived.
#[derive(Clone, Debug)]
pub struct Delivery {
    /// The provider, from the last path segment (`<url>/<provider>`).
    pub provider: String,
    /// Headers, names lower-cased.
    pub headers: HashMap<String, String>,
    /// The body, byte for byte.
    pub body: Bytes,
}

impl Delivery {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// A receiver on 127.0.0.1 that answers 200 to `POST <url>/<provider>` and keeps each delivery,
/// up to [`Inbox::MAX_KEPT`] of them and [`Inbox::MAX_KEPT_BYTES`] of bodies (then it answers 507
/// and keeps nothing more): anything on the machine may post to it.
pub struct Inbox {
    /// The URL to configure as the webhook URL.
    pub url: String,
    received: Arc<Mutex<Kept>>,
    task: tokio::task::JoinHandle<()>,
}

/// The deliveries kept, and their bodies' total size.
#[derive(Default)]
struct Kept {
    deliveries: Vec<Delivery>,
    bytes: usize,
}

impl Drop for Inbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Inbox {
    /// The most deliveries kept.
    pub const MAX_KEPT: usize = 10_000;
    /// The most bytes of bodies kept (64 MiB).
    pub const MAX_KEPT_BYTES: usize = 64 << 20;

    /// Starts the receiver on a free port.
    pub async fn start() -> std::io::Result<Self> {
        let received: Arc<Mutex<Kept>> = Arc::default();
        let log = received.clone();
        let app = axum::Router::new().route(
            "/hooks/{provider}",
            axum::routing::post(
                move |axum::extract::Path(provider): axum::extract::Path<String>,
                      headers: axum::http::HeaderMap,
                      body: Bytes| {
                    let log = log.clone();
                    async move {
                        let headers = headers
                            .iter()
                            .filter_map(|(k, v)| Some((k.as_str().to_owned(), v.to_str().ok()?.to_owned())))
                            .collect();
                        let mut kept = crate::sync::lock(&log);
                        let bytes = kept.bytes.saturating_add(body.len());
                        if kept.deliveries.len() >= Inbox::MAX_KEPT || bytes > Inbox::MAX_KEPT_BYTES {
                            return (axum::http::StatusCode::INSUFFICIENT_STORAGE, "the inbox is full");
                        }
                        kept.bytes = bytes;
                        kept.deliveries.push(Delivery { provider, headers, body });
                        (axum::http::StatusCode::OK, "ok")
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}/hooks", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(Self { url, received, task })
    }

    /// Everything received so far, in arrival order.
    pub fn received(&self) -> Vec<Delivery> {
        crate::sync::lock(&self.received).deliveries.clone()
    }
}
