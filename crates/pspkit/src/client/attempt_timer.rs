//! The time limit of one attempt, without waking the runtime to set it.
//!
//! Every attempt is raced against a tokio timer. When tokio's timer wheel is empty, the thread
//! parked in the I/O driver sleeps with no time limit, so registering any timer must wake it
//! (an `eventfd` write, an `epoll_wait` that returns at once, a thread switch) to make it sleep
//! with a limit instead. Between two calls the previous attempt's timer has been cancelled and
//! the wheel is empty, so a client making calls one after another paid that wake-up on every
//! call: on loopback it was most of what the client's timer cost.
//!
//! A wake-up is only needed when the new timer is earlier than what the parked thread already
//! waits for. So each thread keeps one idle timer in its runtime's wheel, set to expire no
//! later than the attempts it races: an attempt's timer then never comes first and registers
//! without waking anyone. The idle timer wakes nobody when it expires (it has no task), and it
//! is pushed back, before it expires, while calls keep coming.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::runtime::{Handle, Id};
use tokio::time::{Instant, Sleep, Timeout};

/// The idle timer of this thread and the runtime whose wheel it is in.
struct Anchor {
    runtime: Id,
    timer: Pin<Box<Sleep>>,
}

thread_local! {
    static ANCHOR: RefCell<Option<Anchor>> = const { RefCell::new(None) };
}

/// `future` with `limit` to complete, as `tokio::time::timeout`, after making sure that setting
/// the limit does not wake the runtime's parked thread.
pub(super) fn limit<F: Future>(limit: Duration, future: F) -> Timeout<F> {
    let deadline = Instant::now().checked_add(limit);
    if let (Some(deadline), Ok(runtime)) = (deadline, Handle::try_current()) {
        anchor_before(deadline, limit, runtime.id());
    }
    tokio::time::timeout(limit, future)
}

/// Keeps this thread's idle timer expiring at or before `deadline`, and far enough ahead
/// (`window / 2` at least) that it does not expire between two calls of a busy client.
fn anchor_before(deadline: Instant, window: Duration, runtime: Id) {
    let _ = ANCHOR.try_with(|anchor| {
        let Ok(mut anchor) = anchor.try_borrow_mut() else { return };
        match anchor.as_mut() {
            Some(a) if a.runtime == runtime => {
                let set = a.timer.deadline();
                // Later than the attempt's, it would not spare the wake-up (and moving it earlier
                // costs one); close to expiring, it is pushed back to the attempt's deadline,
                // which is later, so that no wake-up is needed to move it.
                if set > deadline || set.saturating_duration_since(Instant::now()) < window / 2 {
                    a.timer.as_mut().reset(deadline);
                }
            }
            // None yet, or one in a runtime this thread no longer runs in (dropping that one is
            // safe even once its runtime is gone)
            _ => {
                let mut timer = Box::pin(tokio::time::sleep_until(deadline));
                // A timer joins the wheel when first polled or reset; this one is never polled.
                timer.as_mut().reset(deadline);
                *anchor = Some(Anchor { runtime, timer });
            }
        }
    });
}
