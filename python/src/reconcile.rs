//! `pspkit.reconcile`: a ledger (JSON lines, as `pspkit.reconcile` writes the caller's rows)
//! against the normalized payments of some clients, with the engine the `pspkit reconcile`
//! command runs (`pspkit_reconcile`).

use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use pspkit::Error;
use pspkit::normalized::{PaymentPages, Range};
use pspkit_reconcile::{Entry, Ledger, LedgerFormat, LedgerRow, Reconciler};

use crate::asyncio::{Interrupted, run_blocking};
use crate::errors::to_py;
use crate::models::ToPy;
use crate::normalized::payment_to_py;

/// `(line, provider, reference, amount, currency, status, direction, created)`.
fn row_to_py(py: Python<'_>, r: &LedgerRow) -> PyResult<Py<PyAny>> {
    let items: [Py<PyAny>; 8] = [
        r.line.to_py(py)?,
        r.provider.to_py(py)?,
        r.reference.to_py(py)?,
        pspkit::DecimalString(r.amount).to_py(py)?,
        r.currency.to_py(py)?,
        r.status.map(|s| s.as_str().to_owned()).to_py(py)?,
        r.direction.map(|d| d.as_str().to_owned()).to_py(py)?,
        match r.created {
            Some(t) => pspkit::Timestamp::from(t).to_py(py)?,
            None => py.None(),
        },
    ];
    Ok(PyTuple::new(py, items)?.into_any().unbind())
}

/// `(kind, provider, reference, ledger row or None, payment or None)`.
fn entry_to_py(py: Python<'_>, e: &Entry) -> PyResult<Py<PyAny>> {
    let items: [Py<PyAny>; 5] = [
        e.kind.as_str().to_owned().to_py(py)?,
        e.provider.to_py(py)?,
        e.reference.to_py(py)?,
        match &e.ledger {
            Some(r) => row_to_py(py, r)?,
            None => py.None(),
        },
        match &e.payment {
            Some(p) => payment_to_py(py, p)?,
            None => py.None(),
        },
    ];
    Ok(PyTuple::new(py, items)?.into_any().unbind())
}

async fn classify(mut reconciler: Reconciler, walks: Vec<PaymentPages>) -> Result<Vec<Entry>, Error> {
    use futures_util::StreamExt;
    // matched records are kept too: a Python caller gets every entry back
    let mut entries = Vec::new();
    for mut pages in walks {
        while let Some(page) = pages.next().await {
            for payment in page? {
                entries.push(reconciler.add(&payment));
            }
        }
    }
    entries.extend(reconciler.finish());
    Ok(entries)
}

/// Reconciles `ledger` (JSON lines) with the payments `clients` report in `[since, until)`
/// (RFC 3339 text or `None`), for `providers`. Returns every entry as a tuple. A malformed
/// ledger row raises `ValueError(line, column, message)`.
#[pyfunction]
#[pyo3(signature = (ledger, clients, providers, since=None, until=None))]
pub(crate) fn reconcile(
    py: Python<'_>,
    ledger: &[u8],
    clients: Vec<Bound<'_, crate::Client>>,
    providers: Vec<String>,
    since: Option<&str>,
    until: Option<&str>,
) -> PyResult<Py<PyList>> {
    let ledger = Ledger::read(ledger, LedgerFormat::Jsonl)
        .map_err(|e| PyValueError::new_err((e.line, e.column, e.message.clone())))?;
    let range = Range { since: crate::parse_time("since", since)?, until: crate::parse_time("until", until)? };
    let reconciler = Reconciler::new(ledger, &providers).with_range(range);
    let walks = {
        let _guard = crate::asyncio::runtime().map_err(|e| to_py(py, e))?.enter();
        clients
            .iter()
            .map(|c| c.get().client().map(|c| c.payment_pages(range)))
            .collect::<Result<Vec<_>, Error>>()
            .map_err(|e| to_py(py, e))?
    };
    let entries = match py.detach(|| run_blocking(classify(reconciler, walks))) {
        Ok(entries) => entries,
        Err(Interrupted::Failed(e)) => return Err(to_py(py, e)),
        Err(Interrupted::Signal(signal)) => return Err(signal),
    };
    let list = PyList::empty(py);
    for e in &entries {
        list.append(entry_to_py(py, e)?)?;
    }
    Ok(list.unbind())
}
