//! Time limits that do not wake the runtime to be set.
//!
//! Every attempt is raced against a tokio timer (and a blocking call from Python against one
//! more, to check for Ctrl-C). When tokio's timer wheel holds nothing earlier than a new timer's
//! deadline, registering the timer wakes the thread parked in the I/O driver (an `eventfd`
//! write, an `epoll_wait` that returns at once, often a thread switch) so that it sleeps with the
//! new limit instead. Between two calls the previous ones' timers are gone and the wheel is
//! empty, so a client making calls one after another paid that wake-up on every call: on
//! loopback it was most of what its timers cost.
//!
//! So each thread keeps one idle timer in its runtime's wheel, set to expire no later than the
//! limits it has seen: a new limit then never comes first and registers without waking anyone.
//! The idle timer has no task to wake when it expires, and while limits keep being set it is
//! pushed back before it expires (lazily: tokio moves it in the wheel when its old deadline
//! comes, without a wake-up of another thread).

use std::cell::RefCell;
use std::future::Future;
use std::time::Duration;

use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep, Timeout};

/// The idle timer of one thread.
struct Anchor {
    /// The runtime whose wheel holds it.
    runtime: Id,
    /// The process that set it: a child made by `fork()` inherits this thread's copy.
    process: u32,
    /// The shortest limit seen on this thread: the anchor is kept at most this far ahead.
    lead: Duration,
    timer: std::pin::Pin<Box<Sleep>>,
}

thread_local! {
    static ANCHOR: RefCell<Option<Anchor>> = const { RefCell::new(None) };
}

/// `future` with `limit` to complete, as `tokio::time::timeout`, but without waking the
/// runtime's parked thread to set the limit (see the module's documentation). Outside a tokio
/// runtime it behaves as `tokio::time::timeout` does.
pub fn time_limit<F: Future>(limit: Duration, future: F) -> Timeout<F> {
    let now = Instant::now();
    match (now.checked_add(limit), Handle::try_current()) {
        (Some(deadline), Ok(runtime)) => {
            anchor_before(now, deadline, limit, runtime.id());
            // the deadline the idle timer was checked against, not one read from the clock again
            tokio::time::timeout_at(deadline, future)
        }
        _ => tokio::time::timeout(limit, future),
    }
}

/// Keeps this thread's idle timer expiring at or before `deadline` (`now + limit`), and, while
/// limits keep being set, never closer than half the shortest of them, so that it does not
/// expire between two calls of a busy client.
fn anchor_before(now: Instant, deadline: Instant, limit: Duration, runtime: Id) {
    let _ = ANCHOR.try_with(|anchor| {
        let Ok(mut anchor) = anchor.try_borrow_mut() else { return };
        match anchor.as_mut() {
            Some(a) if a.runtime == runtime => {
                a.lead = a.lead.min(limit);
                let set = a.timer.deadline();
                if set > deadline {
                    // later than this limit, it would not spare the wake-up; moving it earlier
                    // costs one, once
                    a.timer.as_mut().reset(deadline);
                } else if set.saturating_duration_since(now) < a.lead / 2 {
                    // pushed back to a later deadline: no wake-up, tokio moves it lazily (the
                    // lead is at most this limit, so `now + lead` is at most `deadline`)
                    a.timer.as_mut().reset(now + a.lead);
                }
            }
            // none yet, or one in a runtime this thread no longer runs in
            _ => {
                let process = std::process::id();
                if let Some(old) = anchor.take()
                    && old.process != process
                {
                    // The parent's, in a child made by `fork()`: dropping it would take the lock
                    // of the parent's timer wheel, which a thread that is not here may have held
                    // at the fork (locked forever). Its runtime is the parent's, never freed here.
                    std::mem::forget(old);
                }
                // (dropping one of a runtime that is gone is safe: tokio keeps its wheel alive)
                let mut timer = Box::pin(tokio::time::sleep_until(deadline));
                // a timer joins the wheel when first polled or reset; this one is never polled
                timer.as_mut().reset(deadline);
                *anchor = Some(Anchor { runtime, process, lead: limit, timer });
            }
        }
    });
}
