//! A walk's pages as its Python pager shares them between calls (sync, asyncio, `close`), tied to
//! the process that started it.
//!
//! A walk fetches its next page ahead, as a task of the process's runtime, over its client's
//! connections. After `os.fork()` the child has the walk's memory but none of those threads:
//! waiting there for the page fetched ahead would wait forever. So a walk refuses to go on in
//! another process, with an error that says to start a new one, and the child never touches
//! (nor frees) the parent's half-finished work.

use std::sync::Arc;

use futures_util::{Stream, StreamExt};

use pspkit::Error;

use crate::asyncio::runtime;

/// The pages of one walk (`None` once closed), shared by its pager's calls.
type Shared<S> = Arc<tokio::sync::Mutex<Option<S>>>;

/// One walk, as a pager holds it.
pub(crate) struct Walk<S> {
    pages: Shared<S>,
    /// The process that started it.
    pid: u32,
}

impl<S, T> Walk<S>
where
    S: Stream<Item = Result<T, Error>> + Unpin + Send + 'static,
    T: Send + 'static,
{
    /// A walk over `pages`, started in this process.
    pub(crate) fn new(pages: S) -> Self {
        Self { pages: Arc::new(tokio::sync::Mutex::new(Some(pages))), pid: std::process::id() }
    }

    /// The next page, `None` at the end or once closed, as work to run on the runtime (sync or
    /// asyncio); an error at once in a process other than the one that started it.
    pub(crate) fn next(&self) -> impl Future<Output = Result<Option<T>, Error>> + Send + 'static {
        let pages = self.same_process().map(|()| self.pages.clone());
        async move {
            let pages = pages?;
            let mut pages = pages.lock().await;
            match pages.as_mut() {
                Some(p) => p.next().await.transpose(),
                None => Ok(None),
            }
        }
    }

    /// Stops the walk: the page being fetched ahead is dropped, and later pages are `None`.
    /// Nothing to do in another process (its pages were never fetched there).
    pub(crate) fn close(&self) {
        if self.same_process().is_err() {
            return;
        }
        // a call holding the lock is fetching: it ends with its page, then finds the walk closed
        if let Ok(mut pages) = self.pages.try_lock() {
            *pages = None;
        } else if let Ok(runtime) = runtime() {
            let pages = self.pages.clone();
            runtime.spawn(async move { *pages.lock().await = None });
        }
    }

    fn same_process(&self) -> Result<(), Error> {
        if self.pid == std::process::id() {
            Ok(())
        } else {
            Err(Error::Config(
                "this walk was started in another process (before os.fork()): its pages cannot be fetched here; \
                 start a new walk in this process"
                    .to_owned(),
            ))
        }
    }
}

impl<S> Drop for Walk<S> {
    fn drop(&mut self) {
        if self.pid != std::process::id() {
            // a forked child: freeing the parent's walk would touch its runtime's task and
            // connections, whose threads are not here (and whose locks may be held forever):
            // keep it, as the rest of the parent's memory is kept
            std::mem::forget(self.pages.clone());
        }
    }
}
