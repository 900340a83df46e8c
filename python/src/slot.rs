//! The Python values of a decoded object's fields, each kept once its first read made it.

use std::ptr::null_mut;
use std::sync::atomic::{AtomicPtr, Ordering};

use pyo3::prelude::*;

/// One slot per field of a struct, all empty at first; the values kept are released together
/// when the slots go.
pub(crate) struct Slots(Box<[Slot]>);

impl Slots {
    /// `count` empty slots.
    pub(crate) fn new(count: usize) -> Self {
        Slots((0..count).map(|_| Slot(AtomicPtr::new(null_mut()))).collect())
    }

    /// The slot of the field at `position`.
    pub(crate) fn get(&self, position: usize) -> Option<&Slot> {
        self.0.get(position)
    }
}

impl Drop for Slots {
    fn drop(&mut self) {
        if self.0.iter_mut().all(|slot| slot.0.get_mut().is_null()) {
            return;
        }
        // attaching is free where the GIL is held already, which is where model objects are
        // freed; once for all the slots rather than once per value
        Python::attach(|py| {
            for slot in &mut self.0 {
                let kept = *slot.0.get_mut();
                if !kept.is_null() {
                    // SAFETY: the slot's own strong reference (see `Slot::keep`), released once
                    unsafe { drop(Bound::from_owned_ptr(py, kept)) };
                }
            }
        });
    }
}

/// Empty until a value is kept, then that value for good: one atomic pointer, set by a
/// compare-and-swap. `OnceLock` did the same through its `Once` state machine, which was about a
/// tenth of the instructions of a page's first reads; a slot is also half its size. It owns
/// the value it keeps, which its [`Slots`] release.
pub(crate) struct Slot(AtomicPtr<pyo3::ffi::PyObject>);

impl Slot {
    /// The kept value, if any.
    pub(crate) fn get<'py>(&self, py: Python<'py>) -> Option<Bound<'py, PyAny>> {
        let kept = self.0.load(Ordering::Acquire);
        // SAFETY: a pointer stored here is a strong reference the slot owns until it is dropped
        // (see `keep`), so it is a live object; the GIL is held (`py`).
        unsafe { Bound::from_borrowed_ptr_or_opt(py, kept) }
    }

    /// Keeps `value`, unless another thread kept one first: returns the value kept.
    pub(crate) fn keep<'py>(&self, value: Bound<'py, PyAny>) -> Bound<'py, PyAny> {
        let py = value.py();
        let offered = value.into_ptr();
        match self.0.compare_exchange(null_mut(), offered, Ordering::AcqRel, Ordering::Acquire) {
            // SAFETY: the slot now owns `offered`'s reference and keeps the object alive
            Ok(_) => unsafe { Bound::from_borrowed_ptr(py, offered) },
            Err(kept) => {
                // SAFETY: `offered` is the reference `into_ptr` gave up, released here once;
                // `kept` is the slot's own (see `get`)
                unsafe {
                    drop(Bound::from_owned_ptr(py, offered));
                    Bound::from_borrowed_ptr(py, kept)
                }
            }
        }
    }
}
