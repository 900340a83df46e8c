//! `pspkit._native`: the Rust clients behind the `pspkit` Python package.
//!
//! Nothing here knows an operation: `dispatch.rs`, generated from the specs by
//! `pspkit_codegen::python`, turns `(operation, keyword arguments as JSON)` into the typed Rust
//! call and its payload back into JSON, and `AnyClient`, one variant per provider. The rest is the
//! same for every operation, one module per job: `args` (keyword arguments), `reply` (payloads
//! and pages), `credentials` (clients from keyword arguments or the environment), `errors` (the
//! `pspkit.errors` classes), `asyncio` (the shared tokio runtime, blocking calls without the GIL,
//! awaitables), `webhooks`, and `sandbox` (the sandbox served from this process, for
//! `pspkit.testing`); this file holds the `Client` and `Pager` classes and the module.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use pspkit::RetryPolicy;
use pspkit::paginate::PageOptions;

mod args;
mod asyncio;
mod credentials;
mod errors;
mod reply;
mod sandbox;
mod webhooks;

pub use args::{Args, unknown_operation};
pub use reply::{PageStream, Reply};

use args::parse_args;
use asyncio::{Canceller, awaitable, run_blocking, runtime, wait_idle};
use credentials::connect;
use errors::to_py;
use reply::reply_to_py;

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

/// The native module.
#[pymodule]
#[pyo3(name = "_native")]
fn native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Client>()?;
    m.add_class::<Pager>()?;
    m.add_class::<Canceller>()?;
    m.add_function(wrap_pyfunction!(wait_idle, m)?)?;
    webhooks::register(m)?;
    m.add_class::<sandbox::Sandbox>()?;
    m.add_function(wrap_pyfunction!(sandbox::sandbox_credentials, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
