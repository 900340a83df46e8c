//! Helpers for pspkit's workspace tests: where the specs are, a loopback mock server that
//! answers with a fixed response, and the generated table of response types.

use std::net::SocketAddr;
use std::path::PathBuf;

/// The five providers, by the file stem of their spec and the suffix of their crate.
pub const PROVIDERS: [&str; 5] = ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"];

/// Path of a provider's spec.
pub fn spec_path(provider: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("specs").join(format!("{provider}.yaml"))
}

/// Decodes a JSON text into `T` exactly as the generated client does (serde_json from bytes).
pub fn decode<T: serde::de::DeserializeOwned>(json: &str) -> Result<(), String> {
    serde_json::from_slice::<T>(json.as_bytes()).map(drop).map_err(|e| e.to_string())
}

include!(concat!(env!("OUT_DIR"), "/examples_table.rs"));

/// Test-only RSA keys (tests/fixtures/keys/README.md).
pub mod keys {
    /// The merchant's private key (signs FirstPay request bodies).
    pub const MERCHANT_PRIVATE_PEM: &str = include_str!("../fixtures/keys/merchant-private.pem");
    /// The merchant's public key (what FirstPay would verify with).
    pub const MERCHANT_PUBLIC_PEM: &str = include_str!("../fixtures/keys/merchant-public.pem");
    /// FirstPay's private key (signs postbacks).
    pub const FIRSTPAY_PRIVATE_PEM: &str = include_str!("../fixtures/keys/firstpay-private.pem");
    /// FirstPay's public key (sent as `publicKey`; verifies postbacks).
    pub const FIRSTPAY_PUBLIC_PEM: &str = include_str!("../fixtures/keys/firstpay-public.pem");
}

/// A request the mock server received.
#[derive(Clone, Debug)]
pub struct SeenRequest {
    /// HTTP method.
    pub method: String,
    /// Path and query.
    pub uri: String,
    /// Body bytes as text.
    pub body: String,
}

/// A server on 127.0.0.1 that answers every request with one fixed status and JSON body, and
/// records what it was sent. Real HTTP over loopback, for decoding tests.
pub struct MockServer {
    /// `http://127.0.0.1:<port>`
    pub base_url: String,
    seen: std::sync::Arc<std::sync::Mutex<Vec<SeenRequest>>>,
}

impl MockServer {
    /// Starts the server on a free port.
    pub async fn start(status: u16, body: &str) -> Self {
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let body = body.to_owned();
        let recorder = seen.clone();
        let app = axum::Router::new().fallback(move |req: axum::extract::Request| {
            let body = body.clone();
            let recorder = recorder.clone();
            async move {
                let method = req.method().to_string();
                let uri = req.uri().to_string();
                let bytes = axum::body::to_bytes(req.into_body(), 1 << 20).await.unwrap_or_default();
                recorder.lock().expect("mock recorder").push(SeenRequest {
                    method,
                    uri,
                    body: String::from_utf8_lossy(&bytes).into_owned(),
                });
                (
                    axum::http::StatusCode::from_u16(status).expect("valid status"),
                    [(axum::http::header::CONTENT_TYPE, "application/json")],
                    body,
                )
            }
        });
        let listener =
            tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], 0))).await.expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { base_url: format!("http://{addr}"), seen }
    }

    /// Requests received so far.
    pub fn requests(&self) -> Vec<SeenRequest> {
        self.seen.lock().expect("mock recorder").clone()
    }
}

/// A reqwest client on rustls with the ring provider (the workspace builds reqwest without a
/// default crypto provider, to keep aws-lc out of the build).
pub fn http_client() -> reqwest::Client {
    pspkit::install_crypto_provider();
    reqwest::Client::builder().build().expect("reqwest client")
}
