//! `pspkit._native`: the Rust clients behind the `pspkit` Python package.
//!
//! Nothing here knows an operation: `dispatch.rs`, generated from the specs by
//! `pspkit_codegen::python`, turns `(operation, keyword arguments as JSON)` into the typed Rust
//! call and its payload back into JSON. This file carries what is the same for every operation:
//! one shared tokio runtime, sync calls that release the GIL, asyncio awaitables, pages, errors as
//! the `pspkit.errors` classes, credentials, and webhook checks.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyDict};
use serde::Serialize;

use pspkit::paginate::{PageOptions, Pages};
use pspkit::{Error, RetryPolicy, SecretString};

mod webhooks;

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

/// The keyword arguments of one call, taken one by one into their Rust types.
pub struct Args {
    operation: &'static str,
    map: serde_json::Map<String, serde_json::Value>,
}

impl Args {
    /// The arguments of `operation`: a JSON object.
    pub fn new(operation: &'static str, args: serde_json::Value) -> Result<Self, Error> {
        match args {
            serde_json::Value::Object(map) => Ok(Self { operation, map }),
            serde_json::Value::Null => Ok(Self { operation, map: serde_json::Map::new() }),
            _ => Err(invalid(operation, "arguments", "must be keyword arguments")),
        }
    }

    /// Argument `name` as a `T` (absent is `null`, i.e. `None`); a mismatch names the field
    /// and the rule, before anything is sent.
    pub fn take<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        let value = self.map.remove(name).unwrap_or(serde_json::Value::Null);
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { name.to_owned() } else { format!("{name}.{path}") };
            invalid(self.operation, &field, &e.into_inner().to_string())
        })
    }

    /// Fails on an argument the operation does not have.
    pub fn finish(self) -> Result<(), Error> {
        match self.map.keys().next() {
            Some(extra) => Err(invalid(self.operation, extra, "is not an argument of this operation")),
            None => Ok(()),
        }
    }
}

fn invalid(operation: &'static str, field: &str, rule: &str) -> Error {
    Error::InvalidRequest { operation, field: field.to_owned(), rule: rule.to_owned() }
}

/// An operation name the generated dispatch does not know.
pub fn unknown_operation(name: &str) -> Error {
    Error::Config(format!("unknown operation {name:?}"))
}

/// A payload on its way to Python: JSON, or the bytes of a file download.
pub enum Reply {
    /// JSON text of the decoded (and so validated) payload.
    Json(Vec<u8>),
    /// A downloaded file.
    Bytes(Vec<u8>),
}

impl Reply {
    /// The payload as JSON.
    pub fn json<T: Serialize>(operation: &'static str, payload: &T) -> Result<Self, Error> {
        to_json(operation, payload).map(Reply::Json)
    }

    /// The whole body of a download.
    pub async fn bytes(operation: &'static str, stream: progenitor_client::ByteStream) -> Result<Self, Error> {
        let mut body = Vec::new();
        let mut stream = stream.into_inner();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Error::Transport {
                provider: "pspkit",
                operation,
                message: format!("the download broke off: {e}"),
            })?;
            body.extend_from_slice(&chunk);
        }
        Ok(Reply::Bytes(body))
    }
}

/// A decoded payload (or page of items) as JSON text for Python.
fn to_json<T: Serialize>(operation: &'static str, payload: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(payload)
        .map_err(|e| Error::Config(format!("{operation}: cannot encode the payload for Python: {e}")))
}

type BoxedPages = Pin<Box<dyn Stream<Item = Result<Vec<u8>, Error>> + Send>>;

/// The pages of one walk, each as the JSON array of its items.
pub struct PageStream(BoxedPages);

impl PageStream {
    /// Wraps a walk.
    pub fn new<T: Serialize + Send + 'static>(operation: &'static str, pages: Pages<T>) -> Self {
        Self(Box::pin(pages.map(move |page| page.and_then(|p| to_json(operation, &p.items)))))
    }
}

macro_rules! providers {
    ($($module:ident => $client:ty),* $(,)?) => {
        /// A client of any provider.
        #[derive(Clone)]
        #[allow(non_camel_case_types)]
        enum AnyClient { $($module($client)),* }

        impl AnyClient {
            async fn call(&self, operation: &str, args: serde_json::Value) -> Result<Reply, Error> {
                match self { $(AnyClient::$module(c) => $module::call(c, operation, args).await),* }
            }

            fn pages(&self, operation: &str, args: serde_json::Value, options: PageOptions) -> Result<PageStream, Error> {
                match self { $(AnyClient::$module(c) => $module::pages(c, operation, args, options)),* }
            }

            fn base_url(&self) -> &str {
                match self { $(AnyClient::$module(c) => c.base_url()),* }
            }

            fn with_policy(&self, policy: RetryPolicy) -> Self {
                match self { $(AnyClient::$module(c) => AnyClient::$module(c.with_policy(policy))),* }
            }

            fn with_base_url(&self, url: &str) -> Self {
                match self { $(AnyClient::$module(c) => AnyClient::$module(c.with_base_url(url))),* }
            }
        }
    };
}

providers! {
    onlyonepays => pspkit_onlyonepays::OnlyOnePays,
    firekassa => pspkit_firekassa::FireKassa,
    firstpay => pspkit_firstpay::FirstPay,
    onepay => pspkit_onepay::OnePay,
    onchainpay => pspkit_onchainpay::OnChainPay,
}

/// A credential from the arguments, else from `PSPKIT_<PROVIDER>_<NAME>`.
fn credential(given: &HashMap<String, Option<String>>, provider: &str, name: &str) -> Option<String> {
    given
        .get(name)
        .cloned()
        .flatten()
        .or_else(|| std::env::var(format!("PSPKIT_{}_{}", provider.to_uppercase(), name.to_uppercase())).ok())
        .filter(|v| !v.trim().is_empty())
}

fn required(given: &HashMap<String, Option<String>>, provider: &str, name: &str) -> Result<String, Error> {
    credential(given, provider, name).ok_or_else(|| {
        Error::Config(format!(
            "{provider}: `{name}` is missing: pass {name}=... or set PSPKIT_{}_{}",
            provider.to_uppercase(),
            name.to_uppercase()
        ))
    })
}

/// The client of `provider` for these credentials (each provider crate's own constructor).
fn connect(
    provider: &str,
    given: &HashMap<String, Option<String>>,
    base_url: Option<String>,
) -> Result<AnyClient, Error> {
    let base_url =
        base_url.or_else(|| credential(given, provider, "base_url")).map(|u| u.trim_end_matches('/').to_owned());
    let merchant_host = || {
        base_url.clone().ok_or_else(|| {
            Error::Config(format!(
                "{provider}: `base_url` is missing (the merchant's own host): pass base_url=... or set PSPKIT_{}_BASE_URL",
                provider.to_uppercase()
            ))
        })
    };
    let req = |name: &str| required(given, provider, name);
    let client = match provider {
        "onlyonepays" => AnyClient::onlyonepays(pspkit_onlyonepays::OnlyOnePays::new(req("api_key")?)?),
        "firekassa" => AnyClient::firekassa(pspkit_firekassa::FireKassa::new(
            &merchant_host()?,
            req("token")?,
            credential(given, provider, "sign_token").as_deref(),
        )?),
        "firstpay" => AnyClient::firstpay(pspkit_firstpay::FirstPay::new(
            &merchant_host()?,
            &req("public_key")?,
            &req("private_key")?,
        )?),
        "onepay" => AnyClient::onepay(pspkit_onepay::OnePay::new(req("secret_key")?)?),
        "onchainpay" => AnyClient::onchainpay(pspkit_onchainpay::OnChainPay::new(
            &req("public_key")?,
            SecretString::from(req("secret_key")?),
        )?),
        other => return Err(Error::Config(format!("unknown provider {other:?}"))),
    };
    Ok(match base_url {
        Some(url) => client.with_base_url(&url),
        None => client,
    })
}

/// A number of seconds from Python as a `Duration`, refused with the argument's name when it is
/// negative (or zero, when `positive`), not a number, or too large (1e300 is the caller's mistake
/// to report, not a panic).
fn seconds(name: &str, value: f64, positive: bool) -> PyResult<Duration> {
    let kind = if positive { "positive" } else { "non-negative" };
    match Duration::try_from_secs_f64(value) {
        Ok(d) if !positive || value > 0.0 => Ok(d),
        _ => Err(PyValueError::new_err(format!("{name} must be a {kind} number of seconds below 2**64, not {value}"))),
    }
}

/// `pspkit.errors.<class>(text, **details)` for a pspkit error.
fn to_py(py: Python<'_>, error: Error) -> PyErr {
    match build_error(py, &error) {
        Ok(err) => err,
        Err(fallback) => fallback,
    }
}

fn build_error(py: Python<'_>, error: &Error) -> PyResult<PyErr> {
    let details = PyDict::new(py);
    let api = |details: &Bound<'_, PyDict>, a: &pspkit::error::ApiError| -> PyResult<()> {
        details.set_item("provider", a.provider)?;
        details.set_item("operation", a.operation)?;
        details.set_item("status", a.status)?;
        details.set_item("code", a.code.as_deref())?;
        details.set_item("message", a.message.as_deref())?;
        details.set_item("request_id", a.request_id.as_deref())?;
        details.set_item("idempotency_key", a.idempotency_key.as_deref())?;
        details.set_item("body", &a.raw_body)?;
        details.set_item("attempts", a.attempts)?;
        let fields: Vec<(String, String)> =
            a.field_errors.iter().map(|f| (f.field.clone(), f.message.clone())).collect();
        details.set_item("field_errors", fields)?;
        Ok(())
    };
    let class = match error {
        Error::Api(a) => {
            api(&details, a)?;
            "ApiError"
        }
        Error::RateLimited { retry_after, api: a } => {
            api(&details, a)?;
            details.set_item("retry_after", retry_after.map(|d| d.as_secs_f64()))?;
            "RateLimitError"
        }
        Error::Unauthorized(a) => {
            api(&details, a)?;
            "AuthenticationError"
        }
        Error::NotFound(a) => {
            api(&details, a)?;
            "NotFoundError"
        }
        Error::Transport { provider, operation, .. } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            "TransportError"
        }
        Error::Timeout { provider, operation, after, attempts } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            details.set_item("after", after.as_secs_f64())?;
            details.set_item("attempts", *attempts)?;
            "TimeoutError"
        }
        Error::OutcomeUnknown { provider, operation, reason, idempotency_key } => {
            details.set_item("provider", *provider)?;
            details.set_item("operation", *operation)?;
            details.set_item("reason", reason)?;
            details.set_item("idempotency_key", idempotency_key.as_deref())?;
            "OutcomeUnknownError"
        }
        Error::Decode(d) => {
            details.set_item("provider", d.provider)?;
            details.set_item("operation", d.operation)?;
            details.set_item("status", d.status)?;
            details.set_item("path", &d.path)?;
            details.set_item("excerpt", &d.excerpt)?;
            details.set_item("body", &d.raw_body)?;
            "DecodeError"
        }
        Error::InvalidRequest { operation, field, rule } => {
            details.set_item("operation", *operation)?;
            details.set_item("field", field)?;
            details.set_item("rule", rule)?;
            "ValidationError"
        }
        Error::Config(_) => "ConfigurationError",
        _ => "PspError",
    };
    let errors = py.import("pspkit.errors")?;
    let instance = errors.getattr(class)?.call((error.to_string(),), Some(&details))?;
    Ok(PyErr::from_value(instance))
}

fn reply_to_py(py: Python<'_>, reply: Reply) -> Py<PyAny> {
    match reply {
        Reply::Json(b) => (false, PyBytes::new(py, &b)).into_pyobject(py).map(|t| t.into_any().unbind()),
        Reply::Bytes(b) => (true, PyBytes::new(py, &b)).into_pyobject(py).map(|t| t.into_any().unbind()),
    }
    .expect("a tuple of a bool and bytes converts")
}

fn parse_args(args: &[u8]) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(args).map_err(|e| Error::Config(format!("arguments are not JSON: {e}")))
}

/// A provider client: `call` (blocking, GIL released), `call_async` (an awaitable) and `pages`.
#[pyclass(frozen, module = "pspkit._native")]
struct Client {
    provider: String,
    inner: AnyClient,
}

#[pymethods]
impl Client {
    #[new]
    #[pyo3(signature = (provider, credentials, base_url=None, max_attempts=None, timeout=None, deadline=None))]
    fn new(
        provider: &str,
        credentials: HashMap<String, Option<String>>,
        base_url: Option<String>,
        max_attempts: Option<u32>,
        timeout: Option<f64>,
        deadline: Option<f64>,
        py: Python<'_>,
    ) -> PyResult<Self> {
        let mut policy = RetryPolicy::default();
        if let Some(n) = max_attempts {
            if n == 0 {
                return Err(PyValueError::new_err("max_attempts must be at least 1"));
            }
            policy.max_attempts = n;
        }
        if let Some(t) = timeout {
            policy.attempt_timeout = seconds("timeout", t, true)?;
        }
        if let Some(d) = deadline {
            policy.deadline = seconds("deadline", d, true)?;
        }
        let inner = connect(provider, &credentials, base_url).map_err(|e| to_py(py, e))?.with_policy(policy);
        Ok(Self { provider: provider.to_owned(), inner })
    }

    /// Calls `operation`; returns `(is_bytes, payload)`. Blocks without the GIL.
    fn call(&self, py: Python<'_>, operation: &str, args: &[u8]) -> PyResult<Py<PyAny>> {
        let client = self.inner.clone();
        let operation = operation.to_owned();
        let result = py.detach(|| {
            let args = parse_args(args)?;
            run_blocking(async move { client.call(&operation, args).await })
        });
        match result {
            Ok(reply) => Ok(reply_to_py(py, reply)),
            Err(e) => Err(to_py(py, e)),
        }
    }

    /// The same as an awaitable, on the shared tokio runtime.
    fn call_async<'py>(&self, py: Python<'py>, operation: String, args: Vec<u8>) -> PyResult<Bound<'py, PyAny>> {
        let client = self.inner.clone();
        awaitable(
            py,
            async move {
                let args = parse_args(&args)?;
                client.call(&operation, args).await
            },
            |py, reply| Ok(reply_to_py(py, reply)),
        )
    }

    /// The pages of list operation `operation`.
    #[pyo3(signature = (operation, args, page_size=None, max_items=None))]
    fn pages(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &[u8],
        page_size: Option<u64>,
        max_items: Option<u64>,
    ) -> PyResult<Pager> {
        let mut options = PageOptions::new();
        if let Some(n) = page_size {
            options = options.page_size(n);
        }
        if let Some(n) = max_items {
            options = options.max_items(n);
        }
        // Pages start fetching on the runtime: enter it while building the walk
        let _guard = runtime().enter();
        let stream =
            parse_args(args).and_then(|args| self.inner.pages(operation, args, options)).map_err(|e| to_py(py, e))?;
        Ok(Pager { stream: Arc::new(tokio::sync::Mutex::new(stream)) })
    }

    #[getter]
    fn base_url(&self) -> &str {
        self.inner.base_url()
    }

    fn __repr__(&self) -> String {
        format!("<pspkit {} client for {}>", self.provider, self.inner.base_url())
    }
}

/// One walk over a list: `next_page` (blocking, GIL released) or `next_page_async`; each returns
/// the JSON array of a page's items, or `None` at the end.
#[pyclass(frozen, module = "pspkit._native")]
struct Pager {
    stream: Arc<tokio::sync::Mutex<PageStream>>,
}

#[pymethods]
impl Pager {
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<Py<PyBytes>>> {
        let stream = self.stream.clone();
        let page = py.detach(|| run_blocking(async move { stream.lock().await.0.next().await.transpose() }));
        match page {
            Ok(None) => Ok(None),
            Ok(Some(b)) => Ok(Some(PyBytes::new(py, &b).unbind())),
            Err(e) => Err(to_py(py, e)),
        }
    }

    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let stream = self.stream.clone();
        awaitable(py, async move { stream.lock().await.0.next().await.transpose() }, |py, page| {
            Ok(match page {
                None => py.None(),
                Some(b) => PyBytes::new(py, &b).into_any().unbind(),
            })
        })
    }
}

/// Calls made through `awaitable` whose runtime side has not finished yet (see `wait_idle`).
static IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

struct InFlight;

impl InFlight {
    fn start() -> Self {
        IN_FLIGHT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
    }
}

/// An asyncio future completed by `work` on the shared runtime: the result is handed to the
/// event loop with `call_soon_threadsafe`, every Python object is released before the task
/// ends (so `wait_idle` can tell when no runtime thread will touch the interpreter again), and
/// cancelling the asyncio future aborts the work.
fn awaitable<'py, T, W, C>(py: Python<'py>, work: W, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    W: std::future::Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let event_loop = py.import("asyncio")?.call_method0("get_running_loop")?;
    let future = event_loop.call_method0("create_future")?;
    let complete = wrap_pyfunction!(complete, py)?.into_any().unbind();
    let (loop_ref, future_ref) = (event_loop.unbind(), future.clone().unbind());
    let guard = InFlight::start();
    let task = runtime().spawn(async move {
        let result = work.await;
        Python::attach(|py| {
            let (failed, value) = match result.map_err(|e| to_py(py, e)).and_then(|v| convert(py, v)) {
                Ok(value) => (false, value),
                Err(error) => (true, error.into_value(py).into_any()),
            };
            // the loop may be closed already (the caller gave up): nothing to deliver then
            let _ = loop_ref.call_method1(py, "call_soon_threadsafe", (complete, future_ref, failed, value));
            drop(loop_ref);
        });
        drop(guard);
    });
    future.call_method1("add_done_callback", (Canceller(task.abort_handle()),))?;
    Ok(future)
}

/// Sets an asyncio future's result or exception, unless it is done (cancelled) already.
#[pyfunction]
fn complete(future: &Bound<'_, PyAny>, failed: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
    if future.call_method0("done")?.is_truthy()? {
        return Ok(());
    }
    if failed {
        future.call_method1("set_exception", (value,))?;
    } else {
        future.call_method1("set_result", (value,))?;
    }
    Ok(())
}

/// The done-callback that aborts a call's work when its asyncio future is cancelled.
#[pyclass(frozen, module = "pspkit._native")]
struct Canceller(tokio::task::AbortHandle);

#[pymethods]
impl Canceller {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.0.abort();
        }
        Ok(())
    }
}

/// The one tokio runtime of the process. Its threads get 8 MiB stacks: a call's future
/// (signing, retries, TLS, URL parsing) is deep, more so in debug builds, and tokio's 2 MiB
/// default overflowed there.
/// Runs `work` as a task on the runtime and blocks this thread (the GIL released) until it ends.
/// Polling the call on this thread instead (`block_on(work)`) costs a wake-up between this
/// thread and a worker for every chunk the connection task reads: it doubled the time of a
/// 24 KB page. As a task, the call and its connection run on the same worker.
fn run_blocking<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Error> {
    let task = runtime().spawn(work);
    runtime().block_on(task).unwrap_or_else(|e| {
        Err(Error::Config(format!("pspkit's call ended abnormally (a bug; please report it): {e}")))
    })
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RUNTIME: std::sync::OnceLock<tokio::runtime::Runtime> = std::sync::OnceLock::new();
    RUNTIME.get_or_init(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .thread_name("pspkit")
            .thread_stack_size(8 << 20)
            .build()
            .expect("the tokio runtime starts")
    })
}

/// Waits (without the GIL) until no asyncio call is still finishing on the runtime, at most
/// `timeout` seconds.
/// Registered with `atexit`: a task still finishing an asyncio call would otherwise touch the
/// interpreter while it shuts down.
#[pyfunction]
fn wait_idle(py: Python<'_>, timeout: f64) -> bool {
    let until =
        std::time::Instant::now() + Duration::try_from_secs_f64(timeout.clamp(0.0, 60.0)).unwrap_or(Duration::ZERO);
    py.detach(|| {
        while IN_FLIGHT.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            if std::time::Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    })
}

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<Pager>()?;
    m.add_class::<Canceller>()?;
    m.add_function(wrap_pyfunction!(wait_idle, m)?)?;
    webhooks::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
