//! Normalized payments for `pspkit.normalized`: a client's payments of a range, page by page,
//! each handed to Python as a tuple of ready values (`Decimal`, aware `datetime`) that
//! `pspkit.normalized.Payment` is built from.

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::PyTuple;

use pspkit::normalized::{Payment, PaymentPages, Range};

use crate::asyncio::{Interrupted, run_blocking};
use crate::errors::to_py;
use crate::models::ToPy;
use crate::walk::Walk;

/// One payment as `(provider, provider_id, reference, direction, amount, currency, status,
/// raw_status, fee, created, updated)`, in `Payment`'s field order.
pub(crate) fn payment_to_py(py: Python<'_>, p: &Payment) -> PyResult<Py<PyAny>> {
    let time = |t: Option<DateTime<Utc>>| -> PyResult<Py<PyAny>> {
        match t {
            Some(t) => pspkit::Timestamp::from(t).to_py(py),
            None => Ok(py.None()),
        }
    };
    let amount = pspkit::DecimalString(p.amount).to_py(py)?;
    let fee = match p.fee {
        Some(f) => pspkit::DecimalString(f).to_py(py)?,
        None => py.None(),
    };
    let items: [Py<PyAny>; 11] = [
        p.provider.to_py(py)?,
        p.provider_id.to_py(py)?,
        p.reference.to_py(py)?,
        p.direction.as_str().into_pyobject(py)?.into_any().unbind(),
        amount,
        p.currency.to_py(py)?,
        p.status.as_str().into_pyobject(py)?.into_any().unbind(),
        p.raw_status.to_py(py)?,
        fee,
        time(p.created)?,
        time(p.updated)?,
    ];
    Ok(PyTuple::new(py, items)?.into_any().unbind())
}

/// The range `since` and `until` give (aware datetimes, or `None` for an open end).
pub(crate) fn range(since: Option<DateTime<Utc>>, until: Option<DateTime<Utc>>) -> Range {
    Range { since, until }
}

/// A walk over a client's normalized payments: `next_page()` gives a list of payment tuples,
/// then `None`.
#[pyclass(frozen, module = "pspkit._native")]
pub(crate) struct PaymentPager(Walk<PaymentPages>);

impl PaymentPager {
    pub(crate) fn new(pages: PaymentPages) -> Self {
        Self(Walk::new(pages))
    }
}

#[pymethods]
impl PaymentPager {
    /// The next page's payments (tuples), or `None` after the last.
    fn next_page(&self, py: Python<'_>) -> PyResult<Option<Vec<Py<PyAny>>>> {
        let next = self.0.next();
        match py.detach(|| run_blocking(next)) {
            Ok(None) => Ok(None),
            Ok(Some(page)) => page.iter().map(|p| payment_to_py(py, p)).collect::<PyResult<Vec<_>>>().map(Some),
            Err(Interrupted::Failed(e)) => Err(to_py(py, e)),
            // a walk is a read: nothing is lost by stopping
            Err(Interrupted::Signal(signal)) => Err(signal),
        }
    }

    /// Stops the walk.
    fn close(&self) {
        self.0.close();
    }
}
