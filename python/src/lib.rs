//! `pspkit._native`: the Rust clients behind the `pspkit` Python package.
//!
//! Nothing here knows an operation: `dispatch.rs`, generated from the specs by
//! `pspkit_codegen::python`, turns `(operation, keyword arguments as JSON)` into the typed Rust
//! call, whose decoded payload goes to Python as it is, and `AnyClient`, one variant per provider.
//! The rest is the same for every operation, one module per job: `args` (keyword arguments),
//! `models` (decoded values read by Python field by field), `datetimes` (times as `datetime`
//! objects, made by CPython's constructors), `reply` (payloads and pages),
//! `credentials` (clients from keyword arguments or the environment), `errors` (the
//! `pspkit.errors` classes), `asyncio` (the tokio runtimes, blocking calls without the GIL,
//! awaitables), `webhooks`, and `sandbox` (the sandbox served from this process, for
//! `pspkit.testing`); this file holds the `Client` and `Pager` classes and the module.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;

use pspkit::paginate::PageOptions;
use pspkit::{CallOptions, Error, RetryPolicy};

/// The native module's allocator. Decoding a page makes and frees several hundred small strings
/// and a few large buffers (the body, the items); glibc's allocator spent about a tenth of a
/// page's fetch on them, consolidating its free lists between the two sizes. Python's own objects
/// keep Python's allocator: nothing allocated here is freed by Python, or the other way round.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod args;
mod asyncio;
mod credentials;
mod datetimes;
mod errors;
mod logging;
mod models;
mod normalized;
mod reconcile;
mod reply;
mod sandbox;
mod slot;
mod walk;
mod webhooks;

pub use pspkit_cli::{Args, unknown_operation};
pub use reply::{PageStream, Reply};

use args::{argument_from_python, from_python};
use asyncio::{Canceller, Interrupted, awaitable, run_blocking, run_here, runtime, wait_idle};
use credentials::connect;
use errors::to_py;
use reply::{page_to_py, reply_to_py};

include!(concat!(env!("OUT_DIR"), "/dispatch.rs"));

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

/// The settings one call may change, from Python's keyword arguments, on top of the client's.
fn call_options(py: Python<'_>, client: &AnyClient, operation: &'static str, given: CallArgs) -> PyResult<CallOptions> {
    let mut options = CallOptions::default();
    if let Some(t) = given.timeout {
        options.set_timeout(client.context().policy(), seconds("timeout", t, true)?);
    }
    for (name, value) in given.headers.unwrap_or_default() {
        options.add_header(&name, &value);
    }
    for (name, value) in given.query.unwrap_or_default() {
        options.add_query(&name, &value);
    }
    if let Some(body) = given.body {
        match argument_from_python(body, operation, "extra_body").map_err(|e| to_py(py, e))? {
            serde_json::Value::Object(fields) => options.body_fields = fields,
            _ => return Err(PyValueError::new_err("extra_body must be a mapping of field names to values")),
        }
    }
    Ok(options)
}

/// A retry policy from the client keywords, on top of `base`.
fn policy(
    base: RetryPolicy,
    max_attempts: Option<u32>,
    timeout: Option<f64>,
    deadline: Option<f64>,
) -> PyResult<RetryPolicy> {
    let mut policy = base;
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
    Ok(policy)
}

/// The clients a `Client` holds, and the process they were made in.
struct Connection {
    /// `None` once closed.
    client: Option<AnyClient>,
    /// The same client on a connection pool of its own for blocking calls, which run on the
    /// caller's thread (see `asyncio::run_here`); made on the first one.
    blocking: Option<AnyClient>,
    pid: u32,
}

/// A provider client: `call` (blocking, GIL released), `call_async` (an awaitable) and `pages`.
#[pyclass(frozen, module = "pspkit._native")]
pub(crate) struct Client {
    provider: String,
    base_url: String,
    connection: Mutex<Connection>,
}

impl Client {
    fn holding(provider: String, client: AnyClient, blocking: Option<AnyClient>) -> Self {
        let base_url = client.base_url().to_owned();
        Self {
            provider,
            base_url,
            connection: Mutex::new(Connection { client: Some(client), blocking, pid: std::process::id() }),
        }
    }

    /// The connection for a call: an error once closed, and in a forked child fresh connection
    /// pools (the parent's connections belong to tasks of the parent's runtimes, which do not
    /// run in the child).
    fn current(&self) -> Result<std::sync::MutexGuard<'_, Connection>, Error> {
        let mut connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        let pid = std::process::id();
        let Some(client) = connection.client.as_ref() else {
            return Err(Error::Config(format!("this {} client is closed", self.provider)));
        };
        if connection.pid != pid {
            let fresh = client.reconnected();
            *connection = Connection { client: Some(fresh), blocking: None, pid };
        }
        Ok(connection)
    }

    /// The client for asyncio calls and walks (connections of the shared runtime).
    pub(crate) fn client(&self) -> Result<AnyClient, Error> {
        Ok(self.current()?.client.clone().expect("current() checked it is open"))
    }

    /// The client for blocking calls (connections of the calling threads' runtime).
    fn blocking_client(&self) -> Result<AnyClient, Error> {
        let mut connection = self.current()?;
        let Connection { client, blocking, .. } = &mut *connection;
        let client = client.as_ref().expect("current() checked it is open");
        Ok(blocking.get_or_insert_with(|| client.reconnected()).clone())
    }

    /// What a call needs, with the GIL held: the client, its settings and arguments (an
    /// idempotency key generated here when the operation takes one and the caller gave none, as
    /// an argument or as the provider's header in `extra_headers`, so that an interrupted call
    /// can name it), and the logger's level.
    fn prepare(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyAny>,
        options: CallArgs,
        blocking: bool,
    ) -> PyResult<(AnyClient, serde_json::Value, CallOptions)> {
        crate::logging::refresh(py);
        let client = if blocking { self.blocking_client() } else { self.client() };
        let client = client.map_err(|e| to_py(py, e))?;
        let name = client.context().spec().operation(operation).map_or("unknown_operation", |op| op.name);
        let mut args = from_python(args, name).map_err(|e| to_py(py, e))?;
        if let (Some(arg), serde_json::Value::Object(map)) = (client.idempotency_arg(operation), &mut args)
            && map.get(arg).is_none_or(serde_json::Value::is_null)
        {
            // a key sent as the provider's header in `extra_headers` is the caller's key (given
            // twice under names that differ in case, the runtime refuses it unless they agree)
            let header = client.context().spec().operation(operation).and_then(|op| op.idempotency_header);
            let given = header.and_then(|header| {
                options.headers.iter().flatten().find(|(name, _)| name.eq_ignore_ascii_case(header)).map(|(_, v)| v)
            });
            let key = given.cloned().unwrap_or_else(pspkit::auth::new_idempotency_key);
            map.insert(arg.to_owned(), key.into());
        }
        let options = call_options(py, &client, name, options)?;
        Ok((client, args, options))
    }
}

/// A time given as RFC 3339 text (Python sends `datetime.isoformat()`), or `None`.
fn parse_time(name: &str, t: Option<&str>) -> PyResult<Option<chrono::DateTime<chrono::Utc>>> {
    t.map(|t| {
        chrono::DateTime::parse_from_rfc3339(t)
            .map(|t| t.to_utc())
            .map_err(|e| PyValueError::new_err(format!("{name}: {t:?} is not an RFC 3339 time: {e}")))
    })
    .transpose()
}

/// The per-call keywords of `call`, `call_async` and `pages`.
struct CallArgs<'a, 'py> {
    timeout: Option<f64>,
    headers: Option<Vec<(String, String)>>,
    /// Query parameters the spec does not list.
    query: Option<Vec<(String, String)>>,
    /// Body fields the spec does not list: a dict of JSON values (`_runtime._body` refused
    /// what has no JSON form).
    body: Option<&'a Bound<'py, PyAny>>,
}

/// What an interrupted call (Ctrl-C, or a cancelled asyncio call) may have left at the provider:
/// an `OutcomeUnknownError` (with the idempotency key, to repeat the call safely) when the call
/// may have changed something there, else `None` (a read: nothing is lost by stopping).
fn lost_outcome(
    py: Python<'_>,
    client: &AnyClient,
    operation: &str,
    args: &serde_json::Value,
    how: &str,
) -> Option<PyErr> {
    let spec = client.context().spec();
    let op = spec.operation(operation).filter(|op| op.retry != pspkit::RetryClass::Safe)?;
    let idempotency_key =
        client.idempotency_arg(operation).and_then(|arg| args.get(arg)).and_then(|v| v.as_str()).map(str::to_owned);
    let lost = Error::OutcomeUnknown {
        provider: spec.name,
        operation: op.name,
        reason: format!("{how} while the request may have been in flight"),
        idempotency_key,
    };
    Some(to_py(py, lost))
}

/// Ctrl-C during a call: `KeyboardInterrupt`, caused (`__cause__`) by the lost outcome when
/// there may be one.
fn interrupted(py: Python<'_>, client: &AnyClient, operation: &str, args: &serde_json::Value, signal: PyErr) -> PyErr {
    if let Some(lost) = lost_outcome(py, client, operation, args, "interrupted (KeyboardInterrupt)") {
        signal.set_cause(py, Some(lost));
    }
    signal
}

impl Drop for Client {
    fn drop(&mut self) {
        let connection = self.connection.get_mut().unwrap_or_else(|e| e.into_inner());
        if connection.blocking.take().is_some() && connection.pid == std::process::id() {
            asyncio::close_idle_connections();
        }
    }
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
        let policy = policy(RetryPolicy::default(), max_attempts, timeout, deadline)?;
        let client = connect(provider, &credentials, base_url).map_err(|e| to_py(py, e))?.with_policy(policy);
        Ok(Self::holding(provider.to_owned(), client, None))
    }

    /// The same client (same credentials and connection pools) with other settings.
    #[pyo3(signature = (base_url=None, max_attempts=None, timeout=None, deadline=None))]
    fn with_options(
        &self,
        py: Python<'_>,
        base_url: Option<String>,
        max_attempts: Option<u32>,
        timeout: Option<f64>,
        deadline: Option<f64>,
    ) -> PyResult<Self> {
        let (client, blocking) = {
            let connection = self.current().map_err(|e| to_py(py, e))?;
            (connection.client.clone().expect("current() checked it is open"), connection.blocking.clone())
        };
        let policy = policy(client.context().policy(), max_attempts, timeout, deadline)?;
        if let Some(url) = &base_url {
            credentials::check_base_url(url).map_err(|e| to_py(py, e))?;
        }
        let derive = |client: AnyClient| {
            let client = match &base_url {
                Some(url) => client.with_base_url(url.trim_end_matches('/')),
                None => client,
            };
            client.with_policy(policy)
        };
        Ok(Self::holding(self.provider.clone(), derive(client), blocking.map(derive)))
    }

    /// Lets go of the client: its connections close once no call and no client made by
    /// `with_options` uses them any more. Later calls fail.
    fn close(&self) {
        let mut connection = self.connection.lock().unwrap_or_else(|e| e.into_inner());
        connection.client = None;
        if connection.blocking.take().is_some() {
            drop(connection);
            asyncio::close_idle_connections();
        }
    }

    /// Whether `close` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.connection.lock().unwrap_or_else(|e| e.into_inner()).client.is_none()
    }

    /// Calls `operation`; returns `(payload, metadata)` (metadata only when `raw`).
    /// Runs on this thread without the GIL (on the shared runtime when made from Python code that
    /// runs during another call on this thread); Ctrl-C interrupts it.
    #[pyo3(signature = (operation, args, timeout=None, headers=None, raw=false, query=None, body=None))]
    #[allow(clippy::too_many_arguments)] // one argument per Python keyword
    fn call(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyAny>,
        timeout: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        raw: bool,
        query: Option<Vec<(String, String)>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let nested = asyncio::inside_a_call();
        let given = CallArgs { timeout, headers, query, body };
        let (client, args, options) = self.prepare(py, operation, args, given, !nested)?;
        let task_args = args.clone();
        let result = py.detach(|| {
            if nested {
                let (task_client, owned) = (client.clone(), operation.to_owned());
                run_blocking(async move { task_client.call(&owned, task_args, options).await })
            } else {
                run_here(client.call(operation, task_args, options))
            }
        });
        match result {
            Ok(reply) => reply_to_py(py, reply, raw),
            Err(Interrupted::Failed(e)) => Err(to_py(py, e)),
            Err(Interrupted::Signal(signal)) => Err(interrupted(py, &client, operation, &args, signal)),
        }
    }

    /// The same as an awaitable, on the shared tokio runtime, with what cancelling it may leave
    /// at the provider: `(awaitable, lost)`, `lost` the `OutcomeUnknownError` (idempotency key
    /// included) to chain to the `CancelledError` of a cancelled write, `None` for a read.
    #[pyo3(signature = (operation, args, timeout=None, headers=None, raw=false, query=None, body=None))]
    #[allow(clippy::too_many_arguments)] // one argument per Python keyword
    fn call_async<'py>(
        &self,
        py: Python<'py>,
        operation: String,
        args: Bound<'_, PyAny>,
        timeout: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        raw: bool,
        query: Option<Vec<(String, String)>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<(Bound<'py, PyAny>, Option<Py<PyAny>>)> {
        let given = CallArgs { timeout, headers, query, body };
        let (client, args, options) = self.prepare(py, &operation, &args, given, false)?;
        let lost =
            lost_outcome(py, &client, &operation, &args, "cancelled (asyncio)").map(|e| e.into_value(py).into_any());
        let future = awaitable(py, async move { client.call(&operation, args, options).await }, move |py, reply| {
            reply_to_py(py, reply, raw)
        })?;
        Ok((future, lost))
    }

    /// The pages of list operation `operation`.
    #[pyo3(signature = (operation, args, page_size=None, max_items=None, timeout=None, headers=None, query=None, body=None))]
    #[allow(clippy::too_many_arguments)] // one argument per Python keyword
    fn pages(
        &self,
        py: Python<'_>,
        operation: &str,
        args: &Bound<'_, PyAny>,
        page_size: Option<u64>,
        max_items: Option<u64>,
        timeout: Option<f64>,
        headers: Option<Vec<(String, String)>>,
        query: Option<Vec<(String, String)>>,
        body: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Pager> {
        let given = CallArgs { timeout, headers, query, body };
        let (client, args, call_options) = self.prepare(py, operation, args, given, false)?;
        let mut options = PageOptions::new();
        if let Some(n) = page_size {
            options = options.page_size(n);
        }
        if let Some(n) = max_items {
            options = options.max_items(n);
        }
        // Pages start fetching on the runtime: enter it while building the walk
        let _guard = runtime().map_err(|e| to_py(py, e))?.enter();
        let stream = client.pages(operation, args, options, call_options).map_err(|e| to_py(py, e))?;
        Ok(Pager(walk::Walk::new(stream)))
    }

    /// The client's normalized payments created in `[since, until)` (RFC 3339 text, `None` for an
    /// open end), page by page.
    #[pyo3(signature = (since=None, until=None))]
    fn payment_pages(
        &self,
        py: Python<'_>,
        since: Option<&str>,
        until: Option<&str>,
    ) -> PyResult<normalized::PaymentPager> {
        let client = self.client().map_err(|e| to_py(py, e))?;
        let range = normalized::range(parse_time("since", since)?, parse_time("until", until)?);
        // the walk's first page is requested on the runtime, when Python asks for it
        let _guard = asyncio::runtime().map_err(|e| to_py(py, e))?.enter();
        Ok(normalized::PaymentPager::new(client.payment_pages(range)))
    }

    #[getter]
    fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The base URL without the user-info or query it may carry, for a `repr`.
    #[getter]
    fn shown_base_url(&self) -> String {
        pspkit::request::BaseUrl::new(&self.base_url).redacted()
    }

    fn __repr__(&self) -> String {
        format!("<pspkit {} client for {}>", self.provider, self.shown_base_url())
    }
}

/// One walk over a list: `next_page` (blocking, GIL released) or `next_page_async`; each returns
/// `(items, position, total_pages, total_items, next_cursor)`, or `None` at the end or once closed.
#[pyclass(frozen, module = "pspkit._native")]
struct Pager(walk::Walk<PageStream>);

#[pymethods]
impl Pager {
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let next = self.0.next();
        match py.detach(|| run_blocking(next)) {
            Ok(None) => Ok(None),
            Ok(Some(page)) => page_to_py(py, page).map(Some),
            Err(Interrupted::Failed(e)) => Err(to_py(py, e)),
            // a page is a read: nothing is lost by stopping
            Err(Interrupted::Signal(signal)) => Err(signal),
        }
    }

    fn next_page_async<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        awaitable(py, self.0.next(), |py, page| match page {
            None => Ok(py.None()),
            Some(page) => page_to_py(py, page),
        })
    }

    /// Stops the walk: the page being fetched ahead is dropped, and later pages are `None`.
    fn close(&self) {
        self.0.close();
    }
}

/// Runs the `pspkit` command with `argv` (the program name first) and returns its exit code:
/// the same code as the `pspkit` binary, for the package's console script. The GIL is released
/// while it runs.
///
/// The command runs on a thread of its own while this one runs Python's signal handlers every
/// moment: under Python, Ctrl-C only sets a flag that the handlers turn into
/// `KeyboardInterrupt`, and the command, waiting on the network, would never look at it. The
/// interrupt is raised here at once; the command's thread is left to end with the process (as
/// the binary's whole process ends on Ctrl-C).
#[pyfunction]
fn cli_main(py: Python<'_>, argv: Vec<String>) -> PyResult<u8> {
    let (sender, receiver) = std::sync::mpsc::sync_channel(1);
    std::thread::Builder::new()
        .name("pspkit-cli".to_owned())
        .spawn(move || {
            let _ = sender.send(pspkit_cli::run(argv));
        })
        .map_err(|e| pyo3::exceptions::PyOSError::new_err(format!("cannot start the pspkit command: {e}")))?;
    py.detach(move || {
        loop {
            match receiver.recv_timeout(asyncio::SIGNAL_CHECK) {
                Ok(code) => return Ok(code),
                Err(std::sync::mpsc::RecvTimeoutError::Timeout) => Python::attach(|py| py.check_signals())?,
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(pyo3::exceptions::PyRuntimeError::new_err(
                        "the pspkit command ended abnormally (a bug; please report it)",
                    ));
                }
            }
        }
    })
}

/// Whether a field of this name may hold a secret or card data (its value is masked in a
/// model's `repr`): the rule of `pspkit::secret::is_secret_field`.
#[pyfunction]
fn is_secret_field(name: &str) -> bool {
    pspkit::secret::is_secret_field(name)
}

/// A JSON number's text as Python reads an untyped field's number (`int`, or `Decimal` for a
/// fraction, an exponent or more digits than an `int` is read from): the getters' rule, handed to
/// `json.loads` (`parse_int`, `parse_float`) where Python decodes JSON itself, so that both read
/// numbers alike.
#[pyfunction]
fn exact_number(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    models::exact_number(py, text)
}

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<Pager>()?;
    m.add_class::<normalized::PaymentPager>()?;
    m.add_function(wrap_pyfunction!(reconcile::reconcile, m)?)?;
    m.add_function(wrap_pyfunction!(cli_main, m)?)?;
    m.add_function(wrap_pyfunction!(is_secret_field, m)?)?;
    m.add_function(wrap_pyfunction!(exact_number, m)?)?;
    m.add_class::<models::ModelBase>()?;
    m.add_class::<Canceller>()?;
    m.add_class::<asyncio::Drain>()?;
    m.add_class::<models::Field>()?;
    m.add_function(wrap_pyfunction!(wait_idle, m)?)?;
    webhooks::register(m)?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_function(wrap_pyfunction!(sandbox::sandbox_credentials, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    logging::install();
    Ok(())
}
