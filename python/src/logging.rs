//! The runtime's `tracing` events (one per attempt of a call) as records of Python's `logging`
//! module, on the `pspkit` logger.
//!
//! Events are emitted where a call runs (a runtime thread, or the caller's own during a sync
//! call), without the GIL, and writing a record means taking it: so an event is only built when
//! the `pspkit` logger would keep it. Its effective level is read (with the GIL, cheaply) each
//! time a call starts and kept in an atomic those threads consult.

use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::subscriber::Interest;
use tracing::{Event, Level, Metadata, Subscriber};

/// The `pspkit` logger's effective level (Python's numbers: 10 debug, 20 info, ...); above
/// every level until a call has read it.
static LEVEL: AtomicU8 = AtomicU8::new(u8::MAX);

fn python_level(level: &Level) -> u8 {
    match *level {
        Level::TRACE | Level::DEBUG => 10,
        Level::INFO => 20,
        Level::WARN => 30,
        Level::ERROR => 40,
    }
}

fn logger(py: Python<'_>) -> PyResult<&Bound<'_, PyAny>> {
    static LOGGER: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    LOGGER
        .get_or_try_init(py, || Ok::<_, PyErr>(py.import("logging")?.call_method1("getLogger", ("pspkit",))?.unbind()))
        .map(|l| l.bind(py))
}

/// Reads the `pspkit` logger's level again (a call is starting; the GIL is held).
pub(crate) fn refresh(py: Python<'_>) {
    let level = logger(py)
        .and_then(|l| l.call_method0("getEffectiveLevel"))
        .and_then(|l| l.extract::<i64>())
        .map(|l| l.clamp(0, 255) as u8)
        .unwrap_or(u8::MAX);
    LEVEL.store(level, Ordering::Relaxed);
}

/// Sends `pspkit` events to Python's `logging`.
struct ToPython;

impl Subscriber for ToPython {
    fn register_callsite(&self, metadata: &'static Metadata<'static>) -> Interest {
        // asked again on every event: the logger's level can change at any time
        if metadata.target().starts_with("pspkit") { Interest::sometimes() } else { Interest::never() }
    }

    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.is_event()
            && metadata.target().starts_with("pspkit")
            && python_level(metadata.level()) >= LEVEL.load(Ordering::Relaxed)
    }

    fn new_span(&self, _: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _: &Id, _: &Record<'_>) {}

    fn record_follows_from(&self, _: &Id, _: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let level = python_level(event.metadata().level());
        let message = fields.message();
        Python::attach(|py| {
            // logging must never fail a call: a broken handler is Python's to report
            if let Ok(logger) = logger(py) {
                let _ = logger.call_method1("log", (level, message));
            }
        });
    }

    fn enter(&self, _: &Id) {}

    fn exit(&self, _: &Id) {}
}

/// The fields of one attempt event.
#[derive(Default)]
struct Fields {
    provider: String,
    operation: String,
    attempt: u64,
    status: u64,
    latency_ms: f64,
    problem: String,
    retry_in_ms: f64,
    other: String,
}

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        match field.name() {
            "provider" => self.provider = value.to_owned(),
            "operation" => self.operation = value.to_owned(),
            "problem" => self.problem = value.to_owned(),
            name => {
                let _ = write!(self.other, " {name}={value}");
            }
        }
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        match field.name() {
            "attempt" => self.attempt = value,
            "status" => self.status = value,
            name => {
                let _ = write!(self.other, " {name}={value}");
            }
        }
    }

    fn record_f64(&mut self, field: &Field, value: f64) {
        match field.name() {
            "latency_ms" => self.latency_ms = value,
            "retry_in_ms" => self.retry_in_ms = value,
            name => {
                let _ = write!(self.other, " {name}={value}");
            }
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() != "message" {
            let _ = write!(self.other, " {}={value:?}", field.name());
        }
    }
}

impl Fields {
    /// `onepay.create_cashout attempt 1: HTTP 503 in 4.1 ms; retrying in 412 ms`
    fn message(&self) -> String {
        let mut text = format!("{}.{} attempt {}: ", self.provider, self.operation, self.attempt);
        if self.status > 0 {
            let _ = write!(text, "HTTP {}", self.status);
        } else {
            text.push_str("no answer");
        }
        let _ = write!(text, " in {:.1} ms", self.latency_ms);
        if !self.problem.is_empty() {
            let _ = write!(text, " ({})", self.problem);
        }
        if self.retry_in_ms >= 0.0 {
            let _ = write!(text, "; retrying in {:.0} ms", self.retry_in_ms);
        }
        text.push_str(&self.other);
        text
    }
}

/// Routes the runtime's events to Python's `logging` for the rest of the process.
pub(crate) fn install() {
    // another subscriber may be set already (an embedding Rust program's): it keeps the events
    let _ = tracing::subscriber::set_global_default(ToPython);
}
