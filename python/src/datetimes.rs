//! Times and dates handed to Python as `datetime` and `date` objects made by CPython's own
//! constructors (its datetime C API), from the numbers the Rust value holds.
//!
//! A page of a hundred cashouts reads a hundred timestamps: written out as ISO text and read back
//! by `datetime.fromisoformat`, each cost a string, a call through Python and a parse; the C
//! constructor takes the seven numbers and the `tzinfo` directly.
//!
//! pyo3 does not offer that API to a module built for the stable ABI (the `abi3` feature: one
//! wheel for every Python from 3.9), so its table is declared here, for both builds: [`Api`] is
//! the leading part of `PyDateTime_CAPI` (CPython's `datetime.h`), whose members have kept their
//! order since Python 3.7 (new ones are added after them), and the table is found as every
//! extension finds it, through the `datetime.datetime_CAPI` capsule.

use std::ffi::c_int;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::ffi::{PyObject, PyTypeObject};
use pyo3::prelude::*;

/// The leading members of CPython's `PyDateTime_CAPI`, in its order: the ones used here and
/// those before them (named with a `_`), as the table is read, never made, here.
#[repr(C)]
struct Api {
    date_type: *mut PyTypeObject,
    datetime_type: *mut PyTypeObject,
    _time_type: *mut PyTypeObject,
    delta_type: *mut PyTypeObject,
    _tzinfo_type: *mut PyTypeObject,
    timezone_utc: *mut PyObject,
    date_from_date: unsafe extern "C" fn(c_int, c_int, c_int, *mut PyTypeObject) -> *mut PyObject,
    #[allow(clippy::type_complexity)]
    datetime_from_date_and_time: unsafe extern "C" fn(
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        c_int,
        *mut PyObject,
        *mut PyTypeObject,
    ) -> *mut PyObject,
    _time_from_time:
        unsafe extern "C" fn(c_int, c_int, c_int, c_int, *mut PyObject, *mut PyTypeObject) -> *mut PyObject,
    delta_from_delta: unsafe extern "C" fn(c_int, c_int, c_int, c_int, *mut PyTypeObject) -> *mut PyObject,
    timezone_from_timezone: unsafe extern "C" fn(*mut PyObject, *mut PyObject) -> *mut PyObject,
}

/// The table, found on first use. It lives in the `_datetime` module, which is never unloaded.
fn api(py: Python<'_>) -> PyResult<&'static Api> {
    static TABLE: AtomicPtr<Api> = AtomicPtr::new(std::ptr::null_mut());
    let mut table = TABLE.load(Ordering::Acquire);
    if table.is_null() {
        // SAFETY: the GIL is held (`py`); the name is a NUL-terminated string. The call imports
        // `datetime` and returns the capsule's pointer, or NULL with an exception set.
        table = unsafe { pyo3::ffi::PyCapsule_Import(c"datetime.datetime_CAPI".as_ptr(), 0) }.cast::<Api>();
        if table.is_null() {
            return Err(PyErr::fetch(py));
        }
        TABLE.store(table, Ordering::Release);
    }
    // SAFETY: a non-null pointer from the capsule, to a table that outlives the process's use of
    // it; only its leading members, declared in `Api` in CPython's order, are read.
    Ok(unsafe { &*table })
}

/// A new reference returned by one of the table's constructors, or the exception it set.
fn owned(py: Python<'_>, made: *mut PyObject) -> PyResult<Py<PyAny>> {
    // SAFETY: the constructors return a new reference, or NULL with an exception set.
    Ok(unsafe { Bound::from_owned_ptr_or_err(py, made)? }.unbind())
}

/// `datetime.timezone` of `seconds` east of UTC: `timezone.utc` itself for 0 (as
/// `fromisoformat` gives it), otherwise a fixed offset.
fn timezone(py: Python<'_>, api: &Api, seconds: i32) -> PyResult<Py<PyAny>> {
    if seconds == 0 {
        // SAFETY: the table's UTC singleton, a live object; borrowed, so its count is raised.
        return Ok(unsafe { Bound::from_borrowed_ptr(py, api.timezone_utc) }.unbind());
    }
    let (days, seconds) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // SAFETY: plain integers and the table's own `timedelta` type; a new reference or NULL.
    let delta = owned(py, unsafe { (api.delta_from_delta)(days, seconds, 0, 1, api.delta_type) })?;
    // SAFETY: a live `timedelta` and no name (NULL is allowed); a new reference or NULL.
    owned(py, unsafe { (api.timezone_from_timezone)(delta.as_ptr(), std::ptr::null_mut()) })
}

/// An aware `datetime` with the date, time and offset of `t` (the provider's own offset, the
/// year within 1..=9999); a leap second is read as the last microsecond of the second before.
pub fn datetime(py: Python<'_>, t: &chrono::DateTime<chrono::FixedOffset>) -> PyResult<Py<PyAny>> {
    use chrono::{Datelike, Timelike};
    let api = api(py)?;
    let tz = timezone(py, api, t.offset().local_minus_utc())?;
    // the wall-clock fields at the provider's offset, computed once (each accessor of `t` would
    // apply the offset again)
    let local = t.naive_local();
    let micros = (local.nanosecond() / 1_000).min(999_999);
    // the fields are small (a month, a second...) and the year was checked by the caller
    let int = |n: u32| n as c_int;
    // SAFETY: numbers, a live `tzinfo` and the table's own `datetime` type; the constructor checks
    // the ranges and returns a new reference, or NULL with an exception set.
    owned(py, unsafe {
        (api.datetime_from_date_and_time)(
            local.year(),
            int(local.month()),
            int(local.day()),
            int(local.hour()),
            int(local.minute()),
            int(local.second()),
            int(micros),
            tz.as_ptr(),
            api.datetime_type,
        )
    })
}

/// A `date` of `d` (the year within 1..=9999, else the constructor's `ValueError`).
pub fn date(py: Python<'_>, d: &chrono::NaiveDate) -> PyResult<Py<PyAny>> {
    use chrono::Datelike;
    let api = api(py)?;
    // SAFETY: numbers and the table's own `date` type; a new reference, or NULL with an
    // exception set (a year outside 1..=9999).
    owned(py, unsafe { (api.date_from_date)(d.year(), d.month() as c_int, d.day() as c_int, api.date_type) })
}
