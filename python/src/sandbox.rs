//! The sandbox (`pspkit_sandbox`) inside the Python process, for `pspkit.testing`: it serves on
//! the module's one tokio runtime, next to the clients, so Python tests need no binary and no
//! subprocess. A built-in webhook receiver (`pspkit_sandbox::Inbox`) takes what it delivers
//! unless the caller names a webhook URL of its own.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use pspkit_sandbox::{Config, Credentials, Fault, FaultPlan, Inbox};

use crate::asyncio::{Interrupted, run_blocking};
use crate::errors::to_py;

/// One delivery as Python gets it: `(provider, headers, body)`.
type Delivery<'py> = (String, HashMap<String, String>, Bound<'py, PyBytes>);

/// What a running sandbox owns; dropping it stops the listeners.
struct Running {
    sandbox: pspkit_sandbox::Sandbox,
    inbox: Option<Inbox>,
}

/// A sandbox serving on 127.0.0.1 from this process. `close` stops it and waits until the port
/// is closed; dropping the object (garbage collection) stops it without waiting.
#[pyclass(frozen, module = "pspkit._native")]
pub(crate) struct Sandbox {
    url: String,
    inbox_url: Option<String>,
    running: Mutex<Option<Running>>,
}

/// The faults `inject` and the run-wide plan take, or a `ValueError` naming the first unknown one
/// (the admin route drops unknown names silently; a test wants to hear about its typo).
fn parse_faults(faults: &[String]) -> PyResult<Vec<Fault>> {
    faults
        .iter()
        .map(|f| {
            Fault::parse(f).ok_or_else(|| {
                PyValueError::new_err(format!(
                    "unknown fault {f:?}: expected 429[:secs], 500, 502, 503, 504, reset, reset-mid-body, \
                     delay:<ms>, truncate, html, content-type or panic"
                ))
            })
        })
        .collect()
}

/// The credentials as a flat mapping of `Credentials`' field names.
fn credentials_map(c: &Credentials) -> HashMap<&'static str, String> {
    let mut map = HashMap::from([
        ("onlyonepays_api_key", c.onlyonepays_api_key.clone()),
        ("firekassa_token", c.firekassa_token.clone()),
        ("firstpay_merchant_public_pem", c.firstpay_merchant_public_pem.clone()),
        ("firstpay_merchant_private_pem", c.firstpay_merchant_private_pem.clone()),
        ("firstpay_public_pem", c.firstpay_public_pem.clone()),
        ("firstpay_private_pem", c.firstpay_private_pem.clone()),
        ("onepay_secret_key", c.onepay_secret_key.clone()),
        ("onepay_webhook_secret", c.onepay_webhook_secret.clone()),
        ("onchainpay_public_key", c.onchainpay_public_key.clone()),
        ("onchainpay_secret_key", c.onchainpay_secret_key.clone()),
    ]);
    if let Some(sign) = &c.firekassa_sign_token {
        map.insert("firekassa_sign_token", sign.clone());
    }
    map
}

/// The credentials every sandbox accepts (they are fixed: they open the sandbox only).
#[pyfunction]
pub(crate) fn sandbox_credentials() -> HashMap<&'static str, String> {
    credentials_map(&Credentials::default())
}

/// Runs `work` on the runtime and waits for it without the GIL, as a sync call does: Ctrl-C
/// (any signal handler that raises) aborts it within a moment and raises here.
fn block_on<T: Send + 'static>(py: Python<'_>, work: impl Future<Output = T> + Send + 'static) -> PyResult<T> {
    match py.detach(|| run_blocking(async move { Ok(work.await) })) {
        Ok(value) => Ok(value),
        Err(Interrupted::Failed(e)) => Err(to_py(py, e)),
        Err(Interrupted::Signal(raised)) => Err(raised),
    }
}

impl Sandbox {
    fn state(&self) -> MutexGuard<'_, Option<Running>> {
        // a panic while the lock was held leaves the data usable: take it back
        self.running.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `work` on the running sandbox without the GIL, or raises when it was closed. `work`
    /// is short (the lock is held meanwhile): what takes time (`advance`, `close`) runs after.
    fn with<T: Send>(&self, py: Python<'_>, work: impl FnOnce(&Running) -> T + Send) -> PyResult<T> {
        py.detach(|| {
            let state = self.state();
            let running = state
                .as_ref()
                .ok_or_else(|| PyRuntimeError::new_err(format!("the sandbox at {} is closed", self.url)))?;
            Ok(work(running))
        })
    }
}

#[pymethods]
impl Sandbox {
    #[new]
    #[pyo3(signature = (port=0, size=3000, seed=42, webhook_url=None, fault_every=0, faults=Vec::new()))]
    fn new(
        py: Python<'_>,
        port: u16,
        size: usize,
        seed: u64,
        webhook_url: Option<String>,
        fault_every: u64,
        faults: Vec<String>,
    ) -> PyResult<Self> {
        let faults = parse_faults(&faults)?;
        // seeding thousands of objects and compiling every validator takes a moment: without the GIL
        let running = block_on(py, async move {
            let inbox = match &webhook_url {
                Some(_) => None,
                None => Some(Inbox::start().await?),
            };
            let config = Config {
                port,
                seed,
                seed_size: size,
                webhook_url: webhook_url.or_else(|| inbox.as_ref().map(|i| i.url.clone())),
                faults: FaultPlan { every: fault_every, faults },
                ..Config::default()
            };
            let sandbox = pspkit_sandbox::start(config).await?;
            std::io::Result::Ok(Running { sandbox, inbox })
        })??;
        let url = running.sandbox.url();
        let inbox_url = running.inbox.as_ref().map(|i| i.url.clone());
        Ok(Self { url, inbox_url, running: Mutex::new(Some(running)) })
    }

    /// `http://127.0.0.1:<port>`.
    #[getter]
    fn url(&self) -> &str {
        &self.url
    }

    /// The built-in receiver's URL, or `None` when webhooks go to the caller's URL.
    #[getter]
    fn inbox_url(&self) -> Option<&str> {
        self.inbox_url.as_deref()
    }

    /// Whether it still serves.
    #[getter]
    fn running(&self, py: Python<'_>) -> bool {
        py.detach(|| self.state().is_some())
    }

    /// The credentials it accepts, by `Credentials` field name.
    fn credentials(&self, py: Python<'_>) -> PyResult<HashMap<&'static str, String>> {
        self.with(py, |r| credentials_map(r.sandbox.credentials()))
    }

    /// What the binary prints: one line per provider with its base URL and credentials.
    fn describe(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |r| r.sandbox.describe())
    }

    /// Queues faults for the next provider requests, one each; returns how many were queued.
    fn inject(&self, py: Python<'_>, faults: Vec<String>) -> PyResult<usize> {
        let faults = parse_faults(&faults)?;
        self.with(py, |r| r.sandbox.inject(&faults))?;
        Ok(faults.len())
    }

    /// `GET /_sandbox/inspect`, as JSON text.
    fn inspect(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |r| r.sandbox.inspect().to_string())
    }

    /// `POST /_sandbox/advance` (statuses move on, webhooks are delivered before it returns), as
    /// JSON text. Blocks without the GIL, and without holding the sandbox: the receiver of its
    /// webhooks may use it meanwhile.
    fn advance(&self, py: Python<'_>) -> PyResult<String> {
        let advance = self.with(py, |r| r.sandbox.advance())?;
        Ok(block_on(py, advance)?.to_string())
    }

    /// What the built-in receiver got, in arrival order: `(provider, headers, body)`.
    fn webhooks<'py>(&self, py: Python<'py>) -> PyResult<Vec<Delivery<'py>>> {
        let received = self.with(py, |r| r.inbox.as_ref().map(Inbox::received))?;
        let received = received.ok_or_else(|| {
            PyRuntimeError::new_err("this sandbox delivers webhooks to the URL it was given, not to its own receiver")
        })?;
        Ok(received.into_iter().map(|d| (d.provider, d.headers, PyBytes::new(py, &d.body))).collect())
    }

    /// Stops the sandbox and its receiver, and waits until the port is closed. Calling it again
    /// does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let running = py.detach(|| self.state().take());
        if let Some(Running { sandbox, inbox }) = running {
            block_on(py, async move {
                sandbox.stop().await;
                drop(inbox);
            })?;
        }
        Ok(())
    }

    /// Its URL and state; never its credentials.
    fn __repr__(&self, py: Python<'_>) -> String {
        let state = if self.running(py) { "running" } else { "closed" };
        format!("<pspkit._native.Sandbox {} ({state})>", self.url)
    }
}
