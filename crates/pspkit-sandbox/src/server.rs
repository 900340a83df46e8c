//! The HTTP side: one listener, every provider under its prefix, the spec-driven handler, the
//! admin and inspection endpoints, fault injection and webhook delivery.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, get, post};
use serde_json::{Map, Value, json};

use crate::auth::{self, Credentials};
use crate::faults::{self, Fault, FaultPlan};
use crate::spec::{self, Op, Provider};
use crate::store::{self, IdFrom, RESOURCES, Resource, Role, Store};

/// How to run a sandbox.
#[derive(Clone, Debug)]
pub struct Config {
    /// TCP port on 127.0.0.1 (0: any free port).
    pub port: u16,
    /// Seed of the generated data set.
    pub seed: u64,
    /// Objects per seeded kind (default 3,000).
    pub seed_size: usize,
    /// The credentials the sandbox accepts.
    pub credentials: Credentials,
    /// Faults for the whole run.
    pub faults: FaultPlan,
    /// Where webhooks and postbacks go (`<url>/<provider>`), if anywhere.
    pub webhook_url: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            port: 0,
            seed: 42,
            seed_size: 3000,
            credentials: Credentials::default(),
            faults: FaultPlan::default(),
            webhook_url: None,
        }
    }
}

struct State {
    config: Config,
    ops: BTreeMap<Provider, Vec<Op>>,
    store: Mutex<Store>,
    sequence: AtomicU64,
    client_created: Mutex<HashSet<String>>,
    injected: Mutex<std::collections::VecDeque<Fault>>,
    webhooks_sent: AtomicU64,
    http: reqwest::Client,
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
        inspect(&self.state)
    }

    /// Moves client-created objects one status on (and sends their webhooks).
    pub async fn advance(&self) -> Value {
        advance(self.state.clone()).await
    }

    /// An id that the get (or cancel) operation `op` of `provider` finds: the first object of its
    /// kind.
    pub fn sample_id(&self, provider: Provider, op: &str) -> Option<String> {
        let (resource, role) = store::resource_of(provider, op)?;
        let store = self.state.store.lock().expect("store");
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
        out += &line("onlyonepays", format!("X-API-Key: {}", c.onlyonepays_api_key));
        out += &line(
            "firekassa",
            format!("token: {}  sign token: {}", c.firekassa_token, c.firekassa_sign_token.as_deref().unwrap_or("-")),
        );
        out += &line("firstpay", "publicKey and merchant key: crates/pspkit-sandbox/keys/".into());
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
    let ops: BTreeMap<Provider, Vec<Op>> = Provider::ALL.iter().map(|p| (*p, spec::operations(*p))).collect();
    let mut store = Store::default();
    store::seed(&mut store, &ops, config.seed_size, config.seed);
    let listener = tokio::net::TcpListener::bind(SocketAddr::from(([127, 0, 0, 1], config.port))).await?;
    let addr = listener.local_addr()?;
    let state = Arc::new(State {
        config,
        ops,
        store: Mutex::new(store),
        sequence: AtomicU64::new(0),
        client_created: Mutex::new(HashSet::new()),
        injected: Mutex::new(std::collections::VecDeque::new()),
        webhooks_sent: AtomicU64::new(0),
        http: reqwest::Client::builder().timeout(Duration::from_secs(5)).build().expect("reqwest client"),
    });
    let app = router(state.clone());
    let task = tokio::spawn(serve(listener, app));
    Ok(Sandbox { addr, state, task })
}

impl State {
    fn inject(&self, faults: &[Fault]) {
        self.injected.lock().expect("faults").extend(faults.iter().copied());
    }
}

/// Drops the connection a request arrived on: the fault "reset".
#[derive(Clone)]
struct KillSwitch(Arc<Mutex<Option<socket2::Socket>>>);

impl KillSwitch {
    fn fire(&self) {
        if let Some(socket) = self.0.lock().expect("kill switch").take() {
            let _ = socket.set_linger(Some(Duration::ZERO));
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}

async fn serve(listener: tokio::net::TcpListener, app: axum::Router) {
    use tower::ServiceExt as _;
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        let _ = stream.set_nodelay(true);
        let kill = stream.into_std().and_then(|std| {
            let dup = std.try_clone()?;
            Ok((
                tokio::net::TcpStream::from_std(std)?,
                KillSwitch(Arc::new(Mutex::new(Some(socket2::Socket::from(dup))))),
            ))
        });
        let Ok((stream, kill)) = kill else { continue };
        let app = app.clone();
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(kill.clone());
                app.clone().oneshot(request.map(Body::new))
            });
            let _ = hyper_util::server::conn::auto::Builder::new(hyper_util::rt::TokioExecutor::new())
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                .await;
        });
    }
}

fn router(state: Arc<State>) -> axum::Router {
    type Shared = axum::extract::State<Arc<State>>;
    let mut app = axum::Router::new()
        .route("/_sandbox/health", get(|| async { "ok" }))
        .route(
            "/_sandbox/inspect",
            get(|axum::extract::State(state): Shared| async move { axum::Json(inspect(&state)) }),
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
                state.inject(&faults);
                axum::Json(json!({"queued": faults.len()}))
            }),
        )
        .route(
            "/_sandbox/advance",
            post(|axum::extract::State(state): Shared| async move { axum::Json(advance(state).await) }),
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
            let op = Arc::new(op.clone());
            let st = state.clone();
            let handler = move |request: Request| {
                let op = op.clone();
                let st = st.clone();
                async move { handle(st, op, request).await }
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

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// The provider's error body for a status, as it would send it.
fn error_body(provider: Provider, status: u16, message: &str) -> (u16, Value) {
    let name = match status {
        404 => "NOT_FOUND",
        409 => "CONFLICT",
        429 => "TOO_MANY_REQUESTS",
        s if s >= 500 => "INTERNAL_ERROR",
        _ => "BAD_REQUEST",
    };
    match provider {
        Provider::OnePay => (status, json!({"message": message, "code": status, "code_name": name.to_lowercase()})),
        Provider::OnlyOnePays => (status, json!({"message": message, "code": status})),
        Provider::FireKassa => (status, json!({"error": message})),
        Provider::FirstPay => (status, json!({"error": if status == 404 { "NOT_FOUND" } else { message }})),
        // OnChainPay reports failures inside its envelope; a 5xx keeps its status
        Provider::OnChainPay => (
            if status >= 500 || status == 429 { status } else { 200 },
            json!({"success": false, "error": {"code": status, "name": name, "message": message}, "requestId": format!("sbx-{}", now_secs())}),
        ),
    }
}

/// What the handler decided to answer, before faults shape the bytes.
struct Answer {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
    /// A refusal or failure: never wrapped in a success envelope, whatever its status.
    failed: bool,
}

impl Answer {
    fn json(status: u16, body: Value) -> Self {
        Self { status, body: Some(body), headers: Vec::new(), failed: !(200..300).contains(&status) }
    }
    fn error(provider: Provider, status: u16, message: &str) -> Self {
        let (status, body) = error_body(provider, status, message);
        Self { failed: true, ..Self::json(status, body) }
    }
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

/// The query string's parameters, decoded (`page%5Bnumber%5D=2` -> `page[number]` = `2`).
fn query_params(query: Option<&str>) -> HashMap<String, String> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).into_owned().collect()
}

async fn handle(state: Arc<State>, op: Arc<Op>, request: Request) -> Response {
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
    let body = axum::body::to_bytes(request.into_body(), 4 << 20).await.unwrap_or_default();

    let fault = headers
        .get(faults::HEADER)
        .and_then(|f| Fault::parse(f))
        .or_else(|| state.injected.lock().expect("faults").pop_front())
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
        Some(Fault::RateLimited(secs)) => {
            let mut a = Answer::error(provider, 429, "Too many requests");
            a.headers.push(("retry-after", secs.to_string()));
            a
        }
        Some(Fault::Status(s)) => Answer::error(provider, *s, "Service temporarily unavailable"),
        _ => {
            let mut store_nonce = |key: &str, nonce: &str| {
                state.store.lock().expect("store").nonces.insert((key.to_owned(), nonce.to_owned()))
            };
            match auth::check(provider, &state.config.credentials, &headers, &path_and_query, &body, &mut store_nonce) {
                Err(refusal) => Answer { failed: true, ..Answer::json(refusal.status, refusal.body) },
                Ok(()) => {
                    let prefix = format!("/{}", provider.name());
                    let path = uri.path().strip_prefix(&prefix).unwrap_or(uri.path());
                    let params = path_params(&op.path, path);
                    let query = query_params(uri.query());
                    let json_body: Value = if body.is_empty() {
                        Value::Null
                    } else {
                        serde_json::from_slice(&body).unwrap_or(Value::Null)
                    };
                    dispatch(&state, &op, &headers, &params, &query, json_body)
                }
            }
        }
    };
    record(&state, provider, &op.id, answer.status);
    respond(provider, &op, answer, fault, kill)
}

fn record(state: &State, provider: Provider, op: &str, status: u16) {
    state.store.lock().expect("store").requests.push((provider, op.to_owned(), status));
}

/// The object's fields copied onto a response template where the template has the same field.
fn overlay(template: &Value, object: &Value) -> Value {
    let mut out = template.clone();
    if let (Some(out_map), Some(obj)) = (out.as_object_mut(), object.as_object()) {
        for (k, v) in obj {
            if let Some(slot) = out_map.get_mut(k)
                && same_kind(slot, v)
            {
                *slot = v.clone();
            }
        }
    }
    out
}

/// Whether `b` may replace `a` in a response template without changing the field's JSON type
/// (a null only replaces a null: the template's schema may not allow it).
fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::String(_), Value::String(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::Bool(_), Value::Bool(_))
            | (Value::Null, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null)
    )
}

/// The newest object whose `field` is `id` (a reference reused by a client finds its latest).
fn find<'a>(objects: &'a mut [Value], field: &str, id: &str) -> Option<&'a mut Value> {
    objects.iter_mut().rev().find(|o| match o.get(field) {
        Some(Value::String(s)) => s == id,
        Some(Value::Number(n)) => n.to_string() == id,
        _ => false,
    })
}

fn dispatch(
    state: &State,
    op: &Op,
    headers: &HashMap<String, String>,
    path: &HashMap<String, String>,
    query: &HashMap<String, String>,
    body: Value,
) -> Answer {
    let provider = op.provider;
    let ok = |value: Option<Value>| Answer { status: op.status, body: value, headers: Vec::new(), failed: false };
    let Some((resource, role)) = store::resource_of(provider, &op.id) else {
        // no state behind it: the spec's own example
        return ok(op.example.clone());
    };
    let ops = &state.ops[&provider];
    let mut store = state.store.lock().expect("store");
    match role {
        Role::Create(fixed) => {
            let key = op.idempotency_header.as_ref().and_then(|h| headers.get(&h.to_ascii_lowercase())).cloned();
            if let Some(key) = &key
                && let Some((first_body, first_response)) = store.idempotency.get(key)
            {
                return if *first_body == body {
                    ok(Some(first_response.clone()))
                } else {
                    Answer::error(provider, 409, "The idempotency key was already used with a different request")
                };
            }
            let template = store::template(resource, ops).unwrap_or(json!({}));
            store.next_id += 1;
            let n = store.next_id;
            let mut object = overlay(&template, &body);
            if let Some(map) = object.as_object_mut() {
                let id_template = map.get(resource.id_field).cloned().unwrap_or(json!("x"));
                let id = store::make_id(&id_template, provider, resource.kind, 9_000_000 + n);
                map.insert(resource.id_field.into(), id);
                if let (Some(field), Some(first)) = (resource.status_field, resource.flow.first())
                    && map.contains_key(field)
                {
                    map.insert(field.into(), json!(first));
                }
                if let Some(field) = resource.created_field.filter(|f| map.contains_key(*f)) {
                    map.insert(field.into(), json!(store::make_time((now_secs().saturating_sub(1_767_225_600)) / 60)));
                }
                if let Some((field, value)) = fixed
                    && map.contains_key(field)
                {
                    map.insert(field.into(), json!(value));
                }
            }
            let response = op.example.as_ref().map(|e| overlay(e, &object)).unwrap_or_else(|| object.clone());
            let id = object.get(resource.id_field).map(|v| v.to_string()).unwrap_or_default();
            state.client_created.lock().expect("created").insert(format!(
                "{}:{}:{}",
                provider.name(),
                resource.kind,
                id
            ));
            *store.created.entry((provider, resource.kind)).or_default() += 1;
            store.insert(resource, object);
            if let Some(key) = key {
                store.idempotency.insert(key, (body, response.clone()));
            }
            ok(Some(response))
        }
        Role::Get(_) | Role::Cancel(_) => {
            let from = from_of(role).unwrap_or(IdFrom::Path("id"));
            let given = match from {
                IdFrom::Path(p) => path.get(p).map(|id| (p, id.clone())),
                IdFrom::Body(fields) => fields.iter().find_map(|f| {
                    let v = body.get(*f)?;
                    Some((*f, v.as_str().map(str::to_owned).or_else(|| v.as_u64().map(|n| n.to_string()))?))
                }),
            };
            let Some((name, id)) = given else { return Answer::error(provider, 400, "An id is required") };
            // the stored field the id is looked up in: a field of that name, else the id
            let has_field = |n: &str| {
                store
                    .objects
                    .get(&(provider, resource.kind))
                    .and_then(|o| o.first())
                    .is_some_and(|o| o.get(n).is_some())
            };
            let field = match name {
                "external_id" => "aggregator_external_id",
                n if n != resource.id_field && has_field(n) => n,
                _ => resource.id_field,
            };
            let found = if field == resource.id_field {
                store.by_id(resource, &id)
            } else {
                find(store.objects.entry((provider, resource.kind)).or_default(), field, &id)
            };
            let Some(object) = found else {
                return Answer::error(provider, 404, &format!("{} {id} not found", resource.kind));
            };
            if let (Role::Cancel(status), Some(f)) = (role, resource.status_field) {
                object[f] = json!(status);
            }
            let mut response = op.example.as_ref().map(|e| overlay(e, object)).unwrap_or_else(|| object.clone());
            if let (Some(map), Some(idv)) = (response.as_object_mut(), object.get(resource.id_field))
                && map.contains_key(resource.get_id_field)
            {
                map.insert(resource.get_id_field.into(), idv.clone());
            }
            ok(Some(response))
        }
        Role::List => {
            let params = store::params(query, &body);
            let objects = store.objects.get(&(provider, resource.kind)).map(Vec::as_slice).unwrap_or(&[]);
            ok(Some(store::list_response(resource, op, objects, &params)))
        }
    }
}

fn from_of(role: Role) -> Option<IdFrom> {
    match role {
        Role::Get(from) => Some(from),
        Role::Cancel(_) => Some(IdFrom::Path("id")),
        _ => None,
    }
}

fn respond(provider: Provider, op: &Op, answer: Answer, fault: Option<Fault>, kill: Option<KillSwitch>) -> Response {
    let success = !answer.failed && (200..300).contains(&answer.status);
    let payload = match (provider, success) {
        // OnChainPay wraps every success; a payload-less one is `response: null`
        (Provider::OnChainPay, true) if answer.status != 204 => {
            Some(json!({"success": true, "response": answer.body.unwrap_or(Value::Null)}))
        }
        _ => answer.body,
    };
    let mut bytes: Vec<u8> = match &payload {
        Some(v) => serde_json::to_vec(v).expect("JSON serializes"),
        None => Vec::new(),
    };
    let mut status = answer.status;
    let mut content_type = if payload.is_some() {
        op.content_type.clone().unwrap_or_else(|| "application/json".into())
    } else {
        String::new()
    };
    if !success {
        content_type = "application/json".into();
    }
    // a file download with no example: a small stand-in file, so clients read real bytes
    if success && payload.is_none() && op.content_type.as_deref().is_some_and(|c| !c.contains("json")) {
        content_type = op.content_type.clone().unwrap_or_default();
        bytes = b"%PDF-1.4\n% pspkit sandbox stand-in receipt\n%%EOF\n".to_vec();
    }
    match &fault {
        Some(Fault::TruncatedJson) => bytes.truncate(bytes.len() / 2),
        Some(Fault::HtmlErrorPage) => {
            status = 502;
            content_type = "text/html".into();
            bytes = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
                .to_vec();
        }
        Some(Fault::WrongContentType) => content_type = "text/html; charset=UTF-8".into(),
        _ => {}
    }
    let mut builder = Response::builder().status(status);
    if !content_type.is_empty() {
        builder = builder.header(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&content_type).unwrap_or(HeaderValue::from_static("application/json")),
        );
    }
    for (name, value) in answer.headers {
        builder = builder.header(name, value);
    }
    let body = if let (Some(Fault::ResetMidBody), Some(kill)) = (&fault, kill) {
        builder = builder.header(header::CONTENT_LENGTH, bytes.len());
        let half = Bytes::from(bytes[..bytes.len() / 2].to_vec());
        let stream = futures_util::stream::unfold(0u8, move |step| {
            let half = half.clone();
            let kill = kill.clone();
            async move {
                match step {
                    0 => Some((Ok::<Bytes, std::io::Error>(half), 1)),
                    1 => {
                        tokio::time::sleep(Duration::from_millis(20)).await;
                        kill.fire();
                        Some((Err(std::io::Error::other("connection reset by the sandbox")), 2))
                    }
                    _ => None,
                }
            }
        });
        Body::from_stream(stream)
    } else {
        Body::from(bytes)
    };
    builder.body(body).unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

fn inspect(state: &State) -> Value {
    let store = state.store.lock().expect("store");
    let mut created: Map<String, Value> = Map::new();
    let mut objects: Map<String, Value> = Map::new();
    for ((p, kind), n) in &store.created {
        created.entry(p.name()).or_insert_with(|| json!({}))[*kind] = json!(n);
    }
    for ((p, kind), list) in &store.objects {
        objects.entry(p.name()).or_insert_with(|| json!({}))[*kind] = json!(list.len());
    }
    let mut requests: Map<String, Value> = Map::new();
    for (p, op, _) in &store.requests {
        let entry = requests.entry(p.name()).or_insert_with(|| json!({}));
        let n = entry.get(op).and_then(Value::as_u64).unwrap_or(0);
        entry[op.as_str()] = json!(n + 1);
    }
    json!({
        "created": created,
        "objects": objects,
        "requests": requests,
        "requests_total": store.requests.len(),
        "webhooks_sent": state.webhooks_sent.load(Ordering::Relaxed),
    })
}

/// Moves every client-created object one status on and delivers the webhooks that causes.
async fn advance(state: Arc<State>) -> Value {
    let created = state.client_created.lock().expect("created").clone();
    let mut moved = Vec::new();
    {
        let mut store = state.store.lock().expect("store");
        for resource in RESOURCES.iter() {
            let (Some(field), false) = (resource.status_field, resource.flow.is_empty()) else { continue };
            let Some(list) = store.objects.get_mut(&(resource.provider, resource.kind)) else { continue };
            for object in list.iter_mut() {
                let id = object.get(resource.id_field).map(|v| v.to_string()).unwrap_or_default();
                if !created.contains(&format!("{}:{}:{}", resource.provider.name(), resource.kind, id)) {
                    continue;
                }
                let current = object.get(field).and_then(Value::as_str).unwrap_or("").to_owned();
                let Some(pos) = resource.flow.iter().position(|s| *s == current) else { continue };
                let Some(next) = resource.flow.get(pos + 1) else { continue };
                object[field] = json!(next);
                moved.push((resource, object.clone()));
            }
        }
    }
    let summary: Vec<Value> = moved
        .iter()
        .map(|(r, o)| json!({"provider": r.provider.name(), "kind": r.kind, "id": o.get(r.id_field), "status": o.get(r.status_field.unwrap_or(""))}))
        .collect();
    if let Some(url) = state.config.webhook_url.clone() {
        for (resource, object) in moved {
            if let Some((headers, body)) = webhook(&state.config.credentials, resource, &object) {
                let target = format!("{}/{}", url.trim_end_matches('/'), resource.provider.name());
                let mut request = state.http.post(target).header("content-type", "application/json").body(body);
                for (k, v) in headers {
                    request = request.header(k, v);
                }
                if request.send().await.is_ok() {
                    state.webhooks_sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    json!({"moved": summary})
}

/// The signed webhook (headers, body) a status change causes, for providers that send them.
/// A webhook to deliver: extra headers and the body.
type Delivery = (Vec<(&'static str, String)>, Vec<u8>);

fn webhook(creds: &Credentials, resource: &Resource, object: &Value) -> Option<Delivery> {
    use pspkit::SecretString;
    let status = object.get(resource.status_field?).and_then(Value::as_str).unwrap_or("");
    match resource.provider {
        Provider::OnePay => {
            let body = serde_json::to_vec(&json!({
                resource.kind: object,
                "event": {"type": format!("{}.{status}", resource.kind), "timestamp": now_secs(), "environment": "test"}
            }))
            .ok()?;
            let signature =
                pspkit::webhooks::onepay::sign(&SecretString::from(creds.onepay_webhook_secret.as_str()), &body);
            Some((vec![("x-signature", signature), ("x-webhook-token", "wh_hdr_sandbox".into())], body))
        }
        Provider::OnChainPay => {
            let body = serde_json::to_vec(object).ok()?;
            let signature =
                pspkit::webhooks::onchainpay::sign(&SecretString::from(creds.onchainpay_secret_key.as_str()), &body);
            Some((
                vec![("x-api-public-key", creds.onchainpay_public_key.clone()), ("x-api-signature", signature)],
                body,
            ))
        }
        Provider::FirstPay => {
            let mut postback = object.clone();
            postback.as_object_mut()?.insert("publicKey".into(), json!(creds.firstpay_public_pem));
            let key = pspkit::signing::RsaSigningKey::from_pem(&creds.firstpay_private_pem).ok()?;
            let body = pspkit::webhooks::firstpay::sign(&serde_json::to_vec(&postback).ok()?, &key).ok()?;
            Some((Vec::new(), body))
        }
        _ => None,
    }
}
