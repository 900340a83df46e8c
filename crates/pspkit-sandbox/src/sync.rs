//! Locks that keep working after a handler panicked while holding one. The sandbox's state is
//! plain data: a half-finished update is better than refusing every later request.

use std::sync::{Mutex, MutexGuard, PoisonError};

/// Locks `mutex`, taking over a lock whose holder panicked.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
