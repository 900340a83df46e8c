//! The process's two tokio runtimes (a shared one for asyncio calls and walks, one driven by the
//! caller's thread for sync calls), blocking calls that release the GIL, and asyncio awaitables
//! completed from the shared runtime.

use std::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};
use std::time::Duration;

use pyo3::intern;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

use pspkit::Error;

use crate::errors::to_py;

/// Calls made through `awaitable` whose runtime side has not finished yet (see `wait_idle`).
pub(crate) static IN_FLIGHT: AtomicUsize = AtomicUsize::new(0);

pub(crate) struct InFlight;

impl InFlight {
    fn start() -> Self {
        IN_FLIGHT.fetch_add(1, Ordering::SeqCst);
        InFlight
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        IN_FLIGHT.fetch_sub(1, Ordering::SeqCst);
    }
}

/// An asyncio future completed by `work` on the shared runtime. The runtime thread that finishes
/// the work never takes the GIL: it queues the result with the event loop's [`Completions`],
/// and the loop's own thread turns it into Python objects and sets the future's result (see
/// there). Cancelling the asyncio future aborts the work.
pub(crate) fn awaitable<'py, T, W, C>(py: Python<'py>, work: W, convert: C) -> PyResult<Bound<'py, PyAny>>
where
    T: Send + 'static,
    W: std::future::Future<Output = Result<T, Error>> + Send + 'static,
    C: FnOnce(Python<'_>, T) -> PyResult<Py<PyAny>> + Send + 'static,
{
    let event_loop = py.import(intern!(py, "asyncio"))?.call_method0(intern!(py, "get_running_loop"))?;
    let future = event_loop.call_method0(intern!(py, "create_future"))?;
    let completions = Completions::of(&event_loop)?;
    let future_ref = future.clone().unbind();
    let runtime = runtime().map_err(|e| to_py(py, e))?;
    let guard = InFlight::start();
    let task = runtime.spawn(async move {
        let result = work.await;
        completions.push(Finished {
            future: future_ref,
            make: Box::new(move |py| result.map_err(|e| to_py(py, e)).and_then(|v| convert(py, v))),
        });
        drop(guard);
    });
    future.call_method1(intern!(py, "add_done_callback"), (Canceller(task.abort_handle()),))?;
    Ok(future)
}

/// A call finished on the runtime, waiting for its event loop's thread: the asyncio future, and
/// what makes its result (or exception) once the GIL is held.
struct Finished {
    future: Py<PyAny>,
    make: crate::reply::Native,
}

/// The calls of one event loop that finished on the runtime and wait for the loop's thread.
///
/// Handing each result over from a runtime thread (taking the GIL there, then
/// `call_soon_threadsafe`) makes that thread wait for the GIL the loop's thread holds while it
/// runs Python, once per call: with many calls in flight most of a call's time went there.
/// Instead a finished call is queued here without the GIL, and only the first call queued after
/// the loop last looked writes one byte to a socket the loop watches (`add_reader`); the loop's
/// thread then sets the results of everything queued so far in one go.
pub(crate) struct Completions {
    queue: std::sync::Mutex<Vec<Finished>>,
    wake: std::os::unix::net::UnixStream,
}

impl Completions {
    /// The completions of `event_loop`, made and registered with it (`add_reader`) on its first
    /// call; kept in a weak-keyed dictionary, so they go when the loop goes.
    fn of(event_loop: &Bound<'_, PyAny>) -> PyResult<std::sync::Arc<Completions>> {
        static LOOPS: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let py = event_loop.py();
        let loops = LOOPS
            .get_or_try_init(py, || py.import("weakref")?.getattr("WeakKeyDictionary")?.call0().map(Bound::unbind))?
            .bind(py);
        if let Ok(found) = loops.call_method1(intern!(py, "get"), (event_loop,))?.cast::<Drain>() {
            return Ok(found.get().completions.clone());
        }
        let (watched, wake) = std::os::unix::net::UnixStream::pair()
            .and_then(|(a, b)| {
                a.set_nonblocking(true)?;
                b.set_nonblocking(true)?;
                Ok((a, b))
            })
            .map_err(|e| {
                pyo3::exceptions::PyOSError::new_err(format!("cannot make the asyncio wake-up socket: {e}"))
            })?;
        let completions = std::sync::Arc::new(Completions { queue: std::sync::Mutex::new(Vec::new()), wake });
        let drain = Bound::new(py, Drain { completions: completions.clone(), watched })?;
        let fd = std::os::fd::AsRawFd::as_raw_fd(&drain.get().watched);
        event_loop.call_method1(intern!(py, "add_reader"), (fd, &drain))?;
        loops.set_item(event_loop, drain)?;
        Ok(completions)
    }

    /// Queues a finished call (no GIL needed); wakes the loop if nothing was queued yet.
    fn push(&self, finished: Finished) {
        let mut queue = self.queue.lock().unwrap_or_else(|e| e.into_inner());
        let first = queue.is_empty();
        queue.push(finished);
        drop(queue);
        if first {
            // the socket is non-blocking: were it full, a wake-up is pending already
            let _ = std::io::Write::write(&mut &self.wake, &[1]);
        }
    }
}

/// The loop's reader callback: empties the wake-up socket, then sets the result of every call
/// queued (a call queued after the socket was emptied wakes the loop again).
#[pyclass(frozen, module = "pspkit._native")]
pub(crate) struct Drain {
    completions: std::sync::Arc<Completions>,
    /// The end of the wake-up socket the loop watches.
    watched: std::os::unix::net::UnixStream,
}

#[pymethods]
impl Drain {
    fn __call__(&self, py: Python<'_>) -> PyResult<()> {
        let mut bytes = [0u8; 64];
        while matches!(std::io::Read::read(&mut &self.watched, &mut bytes), Ok(n) if n > 0) {}
        let finished = std::mem::take(&mut *self.completions.queue.lock().unwrap_or_else(|e| e.into_inner()));
        for Finished { future, make } in finished {
            let future = future.bind(py);
            // one future that cannot be set must not keep the others waiting
            if let Err(error) = settle(future, make) {
                error.write_unraisable(py, Some(future));
            }
        }
        Ok(())
    }
}

/// Sets `future`'s result (or exception) to what `make` gives, unless it is done already
/// (cancelled meanwhile: its work was aborted, or had just finished).
fn settle(future: &Bound<'_, PyAny>, make: crate::reply::Native) -> PyResult<()> {
    let py = future.py();
    if future.call_method0(intern!(py, "done"))?.is_truthy()? {
        return Ok(());
    }
    match make(py) {
        Ok(value) => future.call_method1(intern!(py, "set_result"), (value,))?,
        Err(error) => future.call_method1(intern!(py, "set_exception"), (error.into_value(py),))?,
    };
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
pub(crate) const SIGNAL_CHECK: Duration = Duration::from_millis(50);

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

/// Runs `work` as a task on the shared runtime and blocks this thread (the GIL released) until it
/// ends: for work on that runtime's connections (a walk's pages). Polling it on this thread
/// instead (`block_on(work)`) costs a wake-up between this thread and a worker for every chunk
/// the connection task reads: it doubled the time of a 24 KB page. As a task, the call and its
/// connection run on the same worker, and the result comes back through a channel (no timer of
/// the runtime to register per call).
///
/// Every [`SIGNAL_CHECK`] the thread takes the GIL to run Python's signal handlers: when one
/// raises (Ctrl-C), the task is aborted and the exception returned, so a sync call is
/// interruptible like any Python code.
pub(crate) fn run_blocking<T: Send + 'static>(
    work: impl std::future::Future<Output = Result<T, Error>> + Send + 'static,
) -> Result<T, Interrupted> {
    use std::sync::mpsc::{RecvTimeoutError, sync_channel};
    let (sender, receiver) = sync_channel(1);
    let task = runtime()?.spawn(async move {
        let _ = sender.send(work.await);
    });
    let wait = move || loop {
        match receiver.recv_timeout(SIGNAL_CHECK) {
            Ok(result) => return result.map_err(Interrupted::Failed),
            Err(RecvTimeoutError::Disconnected) => {
                return Err(Interrupted::Failed(Error::Config(
                    "pspkit's call ended abnormally (a bug; please report it)".to_owned(),
                )));
            }
            Err(RecvTimeoutError::Timeout) => {
                if let Err(raised) = Python::attach(|py| py.check_signals()) {
                    task.abort();
                    return Err(Interrupted::Signal(raised));
                }
            }
        }
    };
    // Python code run by the runtime's own worker (a log handler that makes a call) waits here
    // on that worker: its other tasks, this call's among them, are handed to a new thread first,
    // or they would wait behind this one forever.
    let on_a_worker = tokio::runtime::Handle::try_current()
        .is_ok_and(|current| current.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if on_a_worker { tokio::task::block_in_place(wait) } else { wait() }
}

/// Runs `work` on this thread (the GIL released) and returns its result: the blocking call of
/// a sync client. The thread drives the call and its connection itself, reading the socket as
/// soon as the answer arrives, as a blocking HTTP library would; a call sent to a runtime's
/// worker ([`run_blocking`]) costs two wake-ups between threads (the request handed over, the
/// answer handed back), about a fifth of a small call's time on loopback. The connections it
/// uses must belong to [`caller_runtime`] alone (a client of its own, see `Client`), as their
/// tasks run only while some thread is in a blocking call.
///
/// Before sending, the runtime reads what happened on its sockets since the last call: a server
/// that closed an idle connection in between must be seen to have closed it, or the request
/// would go out on a dead connection and a write would end as a lost outcome ([`catch_up`] takes
/// the closed connections out of the pool).
///
/// Every [`SIGNAL_CHECK`] the thread takes the GIL to run Python's signal handlers: when one
/// raises (Ctrl-C), the call is dropped (its request abandoned) and the exception returned.
pub(crate) fn run_here<T>(work: impl std::future::Future<Output = Result<T, Error>>) -> Result<T, Interrupted> {
    caller_runtime()?.block_on(async {
        catch_up().await;
        let mut work = std::pin::pin!(work);
        loop {
            match pspkit::time_limit(SIGNAL_CHECK, work.as_mut()).await {
                Ok(result) => return result.map_err(Interrupted::Failed),
                Err(_) => {
                    if let Err(raised) = Python::attach(|py| py.check_signals()) {
                        return Err(Interrupted::Signal(raised));
                    }
                }
            }
        }
    })
}

/// Whether this thread is inside a blocking call already: Python code run while that call waits
/// (a signal handler, a log handler) is making another. That one cannot drive the caller's
/// runtime again and goes to the shared one instead ([`run_blocking`]).
pub(crate) fn inside_a_call() -> bool {
    tokio::runtime::Handle::try_current().is_ok()
}

/// Lets the blocking calls' runtime run what is pending on it, after a client's connection pool
/// was let go: the connections' tasks see it gone and close their sockets (else they would wait
/// for the next blocking call of the process). Skipped on a thread already inside a runtime,
/// which is a blocking call's (Python code run while it waits, a log handler or a signal
/// handler): that thread runs them itself.
pub(crate) fn close_idle_connections() {
    // without a runtime there are no connections to close
    if !inside_a_call()
        && let Ok(runtime) = caller_runtime()
    {
        runtime.block_on(catch_up());
    }
}

/// On [`caller_runtime`], which runs only while some thread is inside it: lets it read what
/// happened on its sockets meanwhile (the first yield: the runtime polls them before resuming a
/// yielded task) and run the tasks that woke (the second), so a connection closed by the server,
/// or whose pool was let go, is done with before this returns.
async fn catch_up() {
    tokio::task::yield_now().await;
    tokio::task::yield_now().await;
}

/// The tokio runtime of this process, for asyncio calls and walks (whose next page is fetched
/// while Python uses this one). One worker thread: the one consumer is the Python side, held to
/// one thread at a time by the interpreter lock, and a single worker both reads the sockets and
/// runs the tasks they wake, where a second one adds a wake-up between workers to most pages.
/// Walking 100,000 cashouts on loopback went from about 250,000 to 280,000-330,000 items/s with
/// one worker instead of two on 2 cores (64 asyncio calls in flight: the same). Its thread gets
/// an 8 MiB stack: a call's future (signing, retries, TLS, URL parsing) is deep, more so in
/// debug builds, and tokio's 2 MiB default overflowed there.
///
/// An error when it cannot start (no thread or no epoll left in the process).
pub(crate) fn runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static CURRENT: AtomicPtr<(u32, tokio::runtime::Runtime)> = AtomicPtr::new(std::ptr::null_mut());
    per_process(
        &CURRENT,
        || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .enable_all()
                .thread_name("pspkit")
                .thread_stack_size(8 << 20)
                .build()
        },
        // the parent's asyncio calls in flight will never finish here
        || IN_FLIGHT.store(0, Ordering::SeqCst),
    )
}

/// The runtime of blocking calls, run on the calling thread (see [`run_here`]). It has no
/// threads of its own: whichever thread is inside a blocking call drives it, and a call made
/// while another thread drives it is driven by that thread until one of them finishes.
fn caller_runtime() -> Result<&'static tokio::runtime::Runtime, Error> {
    static CURRENT: AtomicPtr<(u32, tokio::runtime::Runtime)> = AtomicPtr::new(std::ptr::null_mut());
    per_process(&CURRENT, || tokio::runtime::Builder::new_current_thread().enable_all().build(), || ())
}

/// The runtime `slot` holds for this process, built on first use (`after_fork` runs first when
/// the one there was the parent's).
///
/// A child made by `os.fork()` has the parent's memory but none of its threads, so the parent's
/// runtime would never run a task there: each process builds its own on first use (the
/// parent's is left untouched, as its threads are not there to stop). Only atomics are used, as
/// a lock held by another thread at the fork would stay locked in the child forever.
fn per_process(
    slot: &'static AtomicPtr<(u32, tokio::runtime::Runtime)>,
    build: fn() -> std::io::Result<tokio::runtime::Runtime>,
    after_fork: fn(),
) -> Result<&'static tokio::runtime::Runtime, Error> {
    let pid = std::process::id();
    let current = slot.load(Ordering::Acquire);
    if let Some((owner, runtime)) = leaked(current)
        && *owner == pid
    {
        return Ok(runtime);
    }
    if !current.is_null() {
        after_fork();
    }
    let built = build().map_err(|e| Error::Config(format!("pspkit cannot start its async runtime: {e}")))?;
    let fresh: &'static mut (u32, tokio::runtime::Runtime) = Box::leak(Box::new((pid, built)));
    match slot.compare_exchange(current, fresh, Ordering::AcqRel, Ordering::Acquire) {
        Ok(_) => Ok(&fresh.1),
        // another thread of this process built one first: use that one (this one stays idle)
        Err(other) => Ok(leaked(other).map(|(_, r)| r).unwrap_or(&fresh.1)),
    }
}

/// The runtime a pointer of [`per_process`]'s slot holds.
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
        while IN_FLIGHT.load(Ordering::SeqCst) > 0 {
            if std::time::Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(1));
        }
        true
    })
}
