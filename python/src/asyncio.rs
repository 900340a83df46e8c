//! The one tokio runtime of the process, blocking calls that release the GIL, and asyncio
//! awaitables completed from the runtime.

use std::time::Duration;

use pyo3::prelude::*;

use pspkit::Error;

use crate::errors::to_py;

/// Calls made through `awaitable` whose runtime side has not finished yet (see `wait_idle`).
pub(crate) static IN_FLIGHT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

pub(crate) struct InFlight;

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
pub(crate) fn awaitable<'py, T, W, C>(py: Python<'py>, work: W, convert: C) -> PyResult<Bound<'py, PyAny>>
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
pub(crate) fn complete(future: &Bound<'_, PyAny>, failed: bool, value: &Bound<'_, PyAny>) -> PyResult<()> {
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
pub(crate) struct Canceller(tokio::task::AbortHandle);

#[pymethods]
impl Canceller {
    fn __call__(&self, future: &Bound<'_, PyAny>) -> PyResult<()> {
        if future.call_method0("cancelled")?.is_truthy()? {
            self.0.abort();
        }
        Ok(())
    }
}

/// How often a blocking call looks for a signal (Ctrl-C) while it waits.
const SIGNAL_CHECK: Duration = Duration::from_millis(50);

/// Why a blocking call ended without its result.
pub(crate) enum Interrupted {
    /// The call's own error.
    Failed(Error),
    /// A signal handler raised (Ctrl-C's `KeyboardInterrupt`): the call was aborted.
    Signal(PyErr),
}

impl From<Error> for Interrupted {
    fn from(error: Error) -> Self {
        Interrupted::Failed(error)
    }
}

/// Runs `work` as a task on the runtime and blocks this thread (the GIL released) until it ends.
/// Polling the call on this thread instead (`block_on(work)`) costs a wake-up between this
/// thread and a worker for every chunk the connection task reads: it doubled the time of a
/// 24 KB page. As a task, the call and its connection run on the same worker.
///
/// Every [`SIGNAL_CHECK`] the thread takes the GIL to run Python's signal handlers: when one
/// raises (Ctrl-C), the task is aborted and the exception returned, so a sync call is
/// interruptible like any Python code.
pub(crate) fn run_blocking<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Interrupted> {
    let runtime = runtime();
    let mut task = runtime.spawn(work);
    loop {
        match runtime.block_on(async { tokio::time::timeout(SIGNAL_CHECK, &mut task).await }) {
            Ok(Ok(result)) => return result.map_err(Interrupted::Failed),
            Ok(Err(e)) => {
                return Err(Interrupted::Failed(Error::Config(format!(
                    "pspkit's call ended abnormally (a bug; please report it): {e}"
                ))));
            }
            Err(_) => {
                if let Err(raised) = Python::attach(|py| py.check_signals()) {
                    task.abort();
                    return Err(Interrupted::Signal(raised));
                }
            }
        }
    }
}

/// The tokio runtime of this process. Its threads get 8 MiB stacks: a call's future (signing,
/// retries, TLS, URL parsing) is deep, more so in debug builds, and tokio's 2 MiB default
/// overflowed there.
///
/// A child made by `os.fork()` has the parent's memory but none of its threads, so the parent's
/// runtime would never run a task there: each process builds its own on first use (the
/// parent's is left untouched, as its threads are not there to stop). Only atomics are used, as
/// a lock held by another thread at the fork would stay locked in the child forever.
pub(crate) fn runtime() -> &'static tokio::runtime::Runtime {
    use std::sync::atomic::{AtomicPtr, Ordering};
    static CURRENT: AtomicPtr<(u32, tokio::runtime::Runtime)> = AtomicPtr::new(std::ptr::null_mut());
    let pid = std::process::id();
    let current = CURRENT.load(Ordering::Acquire);
    if let Some((owner, runtime)) = leaked(current)
        && *owner == pid
    {
        return runtime;
    }
    if !current.is_null() {
        // a forked child: the parent's calls in flight will never finish here
        IN_FLIGHT.store(0, std::sync::atomic::Ordering::SeqCst);
    }
    let built = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("pspkit")
        .thread_stack_size(8 << 20)
        .build()
        .expect("the tokio runtime starts");
    let fresh: &'static mut (u32, tokio::runtime::Runtime) = Box::leak(Box::new((pid, built)));
    match CURRENT.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => &fresh.1,
        // another thread of this process built one first: use that one (this one stays idle)
        Err(other) => leaked(other).map(|(_, r)| r).unwrap_or(&fresh.1),
    }
}

/// The runtime a pointer of [`runtime`]'s `CURRENT` holds.
fn leaked(pointer: *mut (u32, tokio::runtime::Runtime)) -> Option<&'static (u32, tokio::runtime::Runtime)> {
    // SAFETY: every non-null pointer stored there comes from `Box::leak` and is never freed or
    // written through again, so it is valid and shared for the rest of the process.
    unsafe { pointer.as_ref() }
}

/// Waits (without the GIL) until no asyncio call is still finishing on the runtime, at most
/// `timeout` seconds.
/// Registered with `atexit`: a task still finishing an asyncio call would otherwise touch the
/// interpreter while it shuts down.
#[pyfunction]
pub(crate) fn wait_idle(py: Python<'_>, timeout: f64) -> bool {
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
