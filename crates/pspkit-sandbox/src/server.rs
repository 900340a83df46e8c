//! The HTTP side: one listener, every provider under its prefix, the spec-driven handler
//! (faults, authentication, validation, then the operation), and the sandbox's own routes.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, get, post};
use futures_util::FutureExt as _;
use serde_json::{Value, json};

use crate::admin;
use crate::auth::{self, Credentials};
use crate::dispatch::dispatch;
use crate::faults::{self, Fault, FaultPlan};
use crate::listener::{KillSwitch, serve};
use crate::requests::RequestLog;
use crate::respond::{Answer, respond};
use crate::spec::{self, Op, Provider};
use crate::store::{self, IdFrom, Role, Store};
use crate::sync::lock;
use crate::validate::{Incoming, Rules};

/// The largest request body read (a FirstPay media upload is the largest the specs describe);
/// a larger one is refused with 413.
pub const MAX_BODY_BYTES: usize = 4 << 20;

/// The most injected faults waiting for requests at once.
pub const MAX_INJECTED: usize = 10_000;

/// How to run a sandbox.
#[derive(Clone, Debug)]
pub struct Config {
    /// TCP port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Seed of the generated data set.
    pub seed: u64,
    /// Objects per seeded kind (default 3,000).
    pub seed_size: usize,
    /// Seed only one provider (`onepay`) or one kind of it (`onepay/cashout`), the rest empty:
    /// a large data set of one list without the memory of all the others.
    pub seed_only: Option<String>,
    /// The credentials the sandbox accepts.
    pub credentials: Credentials,
    /// Faults for the whole run.
    pub faults: FaultPlan,
    /// Where webhooks and postbacks go (`<url>/<provider>`), if anywhere.
    pub webhook_url: Option<String>,
    /// How long a client may take to send a request's head, and then its body (default 30 s):
    /// a connection that trickles bytes, or sends nothing, is closed (or its request answered
    /// 408) instead of being held open for good.
    pub slow_client_timeout: Duration,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            seed_size: 3000,
            seed_only: None,
            credentials: Credentials::default(),
            faults: FaultPlan::default(),
            webhook_url: None,
            slow_client_timeout: Duration::from_secs(30),
        }
    }
}

pub(crate) struct State {
    pub(crate) config: Config,
    pub(crate) ops: BTreeMap<Provider, Vec<Op>>,
    pub(crate) store: Mutex<Store>,
    pub(crate) requests: Mutex<RequestLog>,
    sequence: AtomicU64,
    pub(crate) client_created: Mutex<HashSet<String>>,
    injected: Mutex<VecDeque<Fault>>,
    pub(crate) webhooks_sent: AtomicU64,
    pub(crate) http: reqwest::Client,
}

/// A running sandbox; it stops when dropped.
pub struct Sandbox {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Sandbox {
    /// Stops it and waits until it has: the port is closed and every connection dropped when this
    /// returns (dropping it stops it too, but without waiting).
    pub async fn stop(mut self) {
        self.task.abort();
        // the task's result is its cancellation, awaited so the listener is closed on return
        let _ = (&mut self.task).await;
    }

    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL to give a provider's client (`http://127.0.0.1:<port>/onepay`).
    pub fn base_url(&self, provider: &str) -> String {
        format!("http://{}/{provider}", self.addr)
    }

    /// The credentials it accepts.
    pub fn credentials(&self) -> &Credentials {
        &self.state.config.credentials
    }

    /// What the inspection endpoint shows.
    pub fn inspect(&self) -> Value {
        admin::inspect(&self.state)
    }

    /// Moves client-created objects one status on (and sends their webhooks). The work holds
    /// no borrow of the sandbox: a caller may run it while the sandbox is used elsewhere (a
    /// webhook receiver that inspects it, say).
    pub fn advance(&self) -> impl Future<Output = Value> + Send + use<> {
        admin::advance(self.state.clone())
    }

    /// An id that the get (or cancel) operation `op` of `provider` finds: the first object of its
    /// kind.
    pub fn sample_id(&self, provider: Provider, op: &str) -> Option<String> {
        let (resource, role) = store::resource_of(provider, op)?;
        let store = lock(&self.state.store);
        let first = store.objects.get(&(provider, resource.kind))?.first()?;
        let field = match role {
            Role::Get(IdFrom::Path("external_id")) => "aggregator_external_id",
            _ => resource.id_field,
        };
        match first.get(field)? {
            Value::String(s) => Some(s.clone()),
            other => Some(other.to_string()),
        }
    }

    /// Queues faults for the next provider requests, one each, in order.
    pub fn inject(&self, faults: &[Fault]) {
        self.state.inject(faults);
    }

    /// A running sandbox's one-line-per-provider description (what the binary prints).
    pub fn describe(&self) -> String {
        let c = self.credentials();
        let mut out = format!("pspkit sandbox on {}\n", self.url());
        let line = |p: &str, creds: String| format!("  {p:<12} {}  {creds}\n", self.base_url(p));
        let header = Provider::OnlyOnePays.api_key_header().unwrap_or_default();
        out += &line("onlyonepays", format!("api key ({header}): {}", c.onlyonepays_api_key));
        out += &line(
            "firekassa",
            format!("token: {}  sign token: {}", c.firekassa_token, c.firekassa_sign_token.as_deref().unwrap_or("-")),
        );
        out += &line("firstpay", "FirstPay public key and merchant key (PEM): the sandbox's credentials()".into());
        out += &line(
            "onepay",
            format!("secret key: {}  webhook secret: {}", c.onepay_secret_key, c.onepay_webhook_secret),
        );
        out += &line(
            "onchainpay",
            format!("public key: {}  secret key: {}", c.onchainpay_public_key, c.onchainpay_secret_key),
        );
        out += &format!(
            "  inspect      {}/_sandbox/inspect   advance: POST {}/_sandbox/advance\n",
            self.url(),
            self.url()
        );
        out
    }
}

/// Starts a sandbox on 127.0.0.1.
pub async fn start(config: Config) -> std::io::Result<Sandbox> {
    pspkit::install_crypto_provider();
    let ops: BTreeMap<Provider, Vec<Op>> = Provider::ALL
        .iter()
        .map(|p| spec::operations(*p).map(|list| (*p, list)))
        .collect::<Result<_, String>>()
        .map_err(std::io::Error::other)?;
    // every operation's validators, compiled once: a spec they cannot be built from is a
    // start-up error, not a request that slips through
    let mut rules = HashMap::new();
    for (provider, list) in &ops {
        for op in list {
            let r = Rules::for_operation(provider.spec(), op)
                .map_err(|e| std::io::Error::other(format!("{} {} {}: {e}", provider.name(), op.method, op.path)))?;
            rules.insert((*provider, op.id.clone()), Arc::new(r));
        }
    }
    let mut store = Store::default();
    store::seed(&mut store, &ops, config.seed_size, config.seed, config.seed_only.as_deref());
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.port))).await?;
    let addr = listener.local_addr()?;
    let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().map_err(std::io::Error::other)?;
    let state = Arc::new(State {
        config,
        ops,
        store: Mutex::new(store),
        requests: Mutex::new(RequestLog::default()),
        sequence: AtomicU64::new(0),
        client_created: Mutex::new(HashSet::new()),
        injected: Mutex::new(VecDeque::new()),
        webhooks_sent: AtomicU64::new(0),
        http,
    });
    let app = router(state.clone(), &rules);
    let task = tokio::spawn(serve(listener, app, state.config.slow_client_timeout));
    Ok(Sandbox { addr, state, task })
}

impl State {
    /// Queues `faults` for the next requests, up to [`MAX_INJECTED`] waiting; returns how many
    /// were queued (an endless stream of injections cannot grow the queue without bound).
    fn inject(&self, faults: &[Fault]) -> usize {
        let mut queue = lock(&self.injected);
        let room = MAX_INJECTED.saturating_sub(queue.len());
        queue.extend(faults.iter().take(room).copied());
        faults.len().min(room)
    }
}

fn router(state: Arc<State>, rules: &HashMap<(Provider, String), Arc<Rules>>) -> axum::Router {
    type Shared = axum::extract::State<Arc<State>>;
    let mut app = axum::Router::new()
        .route("/_sandbox/health", get(|| async { "ok" }))
        .route(
            "/_sandbox/inspect",
            get(|axum::extract::State(state): Shared| async move { axum::Json(admin::inspect(&state)) }),
        )
        .route(
            "/_sandbox/faults",
            post(|axum::extract::State(state): Shared, axum::Json(body): axum::Json<Value>| async move {
                let faults: Vec<Fault> = body
                    .get("faults")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|f| f.as_str().and_then(Fault::parse))
                    .collect();
                let queued = state.inject(&faults);
                axum::Json(json!({"queued": queued}))
            }),
        )
        .route(
            "/_sandbox/advance",
            post(|axum::extract::State(state): Shared| async move { axum::Json(admin::advance(state).await) }),
        )
        .with_state(state.clone());
    for (provider, ops) in &state.ops {
        let mut by_path: BTreeMap<String, axum::routing::MethodRouter> = BTreeMap::new();
        for op in ops {
            let filter = match op.method.as_str() {
                "GET" => MethodFilter::GET,
                "POST" => MethodFilter::POST,
                "PUT" => MethodFilter::PUT,
                "DELETE" => MethodFilter::DELETE,
                _ => MethodFilter::PATCH,
            };
            let path = format!("/{}{}", provider.name(), op.path);
            let Some(rules) = rules.get(&(*provider, op.id.clone())).cloned() else { continue };
            let op = Arc::new(op.clone());
            let st = state.clone();
            let handler = move |request: Request| {
                let (op, st, rules) = (op.clone(), st.clone(), rules.clone());
                async move { guarded(st, op, rules, request).await }
            };
            let methods = by_path.remove(&path).unwrap_or_default();
            by_path.insert(path, methods.on(filter, handler));
        }
        for (path, methods) in by_path {
            app = app.route(&path, methods);
        }
    }
    app
}

/// Path parameters of `template` in `path` (both without the prefix).
fn path_params(template: &str, path: &str) -> HashMap<String, String> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter_map(|(t, p)| {
            t.strip_prefix('{')
                .and_then(|t| t.strip_suffix('}'))
                .map(|name| (name.to_owned(), percent_encoding::percent_decode_str(p).decode_utf8_lossy().into_owned()))
        })
        .collect()
}

/// The query string's parameters in order, decoded (`page%5Bnumber%5D=2` -> `page[number]` = `2`).
fn query_params(query: Option<&str>) -> Vec<(String, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect()
}

/// `handle`, with a panic in it answered as the provider's 500: one request's bug costs that
/// request only (the locks it held recover, see `sync`).
async fn guarded(state: Arc<State>, op: Arc<Op>, rules: Arc<Rules>, request: Request) -> Response {
    let kill = request.extensions().get::<KillSwitch>().cloned();
    match AssertUnwindSafe(handle(state.clone(), op.clone(), rules, request)).catch_unwind().await {
        Ok(response) => response,
        Err(_) => {
            record(&state, op.provider, &op.id, 500);
            respond(op.provider, &op, Answer::error(op.provider, 500, "Internal server error"), None, kill)
        }
    }
}

/// The request's body, or the status refusing it: 413 over the limit (by its declared length,
/// before reading, or while reading), 408 when it does not arrive within `limit`, 400 when it
/// cannot be read.
async fn read_body(headers: &HashMap<String, String>, body: axum::body::Body, limit: Duration) -> Result<Bytes, u16> {
    let declared = headers.get("content-length").and_then(|n| n.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(413);
    }
    let read = tokio::time::timeout(limit, axum::body::to_bytes(body, MAX_BODY_BYTES)).await.map_err(|_| 408u16)?;
    read.map_err(|e| {
        // to_bytes reports the limit only through the error's source chain
        let mut source: Option<&(dyn std::error::Error + 'static)> = std::error::Error::source(&e);
        while let Some(s) = source {
            if s.is::<http_body_util::LengthLimitError>() {
                return 413;
            }
            source = s.source();
        }
        400
    })
}

async fn handle(state: Arc<State>, op: Arc<Op>, rules: Arc<Rules>, request: Request) -> Response {
    let provider = op.provider;
    let sequence = state.sequence.fetch_add(1, Ordering::Relaxed) + 1;
    let kill = request.extensions().get::<KillSwitch>().cloned();
    let headers: HashMap<String, String> = request
        .headers()
        .iter()
        .filter_map(|(k, v)| Some((k.as_str().to_ascii_lowercase(), v.to_str().ok()?.to_owned())))
        .collect();
    let uri = request.uri().clone();
    let path_and_query = uri.path_and_query().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let body = match read_body(&headers, request.into_body(), state.config.slow_client_timeout).await {
        Ok(body) => body,
        Err(status) => {
            let message = match status {
                413 => format!("The request body is larger than {MAX_BODY_BYTES} bytes"),
                408 => "The request body did not arrive in time".to_owned(),
                _ => "The request body could not be read".to_owned(),
            };
            let answer = Answer::error(provider, status, &message);
            record(&state, provider, &op.id, answer.status);
            return respond(provider, &op, answer, None, kill);
        }
    };

    let fault = headers
        .get(faults::HEADER)
        .and_then(|f| Fault::parse(f))
        .or_else(|| lock(&state.injected).pop_front())
        .or_else(|| state.config.faults.for_request(sequence));
    if let Some(Fault::Delay(d)) = &fault {
        tokio::time::sleep(*d).await;
    }
    let answer = match &fault {
        Some(Fault::ResetBeforeResponse) => {
            record(&state, provider, &op.id, 0);
            if let Some(k) = &kill {
                k.fire();
            }
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        Some(Fault::Panic) => {
            // held across the panic on purpose: the lock must recover for the next request
            let _store = lock(&state.store);
            panic!("the sandbox was asked to panic ({} fault)", faults::HEADER);
        }
        Some(Fault::RateLimited(secs)) => {
            let mut a = Answer::error(provider, 429, "Too many requests");
            a.headers.push(("retry-after", secs.to_string()));
            a
        }
        Some(Fault::Status(s)) => Answer::error(provider, *s, "Service temporarily unavailable"),
        _ => {
            let mut store_nonce =
                |key: &str, nonce: &str| lock(&state.store).nonces.insert((key.to_owned(), nonce.to_owned()));
            match auth::check(provider, &state.config.credentials, &headers, &path_and_query, &body, &mut store_nonce) {
                Err(refusal) => Answer { failed: true, ..Answer::json(refusal.status, refusal.body) },
                Ok(()) => {
                    let prefix = format!("/{}", provider.name());
                    let path = uri.path().strip_prefix(&prefix).unwrap_or(uri.path());
                    let params = path_params(&op.path, path);
                    let query = query_params(uri.query());
                    let incoming = Incoming { path: &params, query: &query, headers: &headers, body: &body };
                    match rules.check(&incoming) {
                        Err(problems) => Answer::invalid(provider, &problems),
                        Ok(json_body) => {
                            // lists read single values; the first of a repeated key wins
                            let mut single: HashMap<String, String> = HashMap::new();
                            for (k, v) in query {
                                single.entry(k).or_insert(v);
                            }
                            dispatch(&state, &op, &headers, &params, &single, json_body)
                        }
                    }
                }
            }
        }
    };
    record(&state, provider, &op.id, answer.status);
    respond(provider, &op, answer, fault, kill)
}

fn record(state: &State, provider: Provider, op: &str, status: u16) {
    lock(&state.requests).record(provider, op, status);
}
