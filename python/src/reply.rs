//! Payloads and pages on their way to Python: the decoded Rust value itself (converted to Python
//! objects once the GIL is held, see `models`), or a file's bytes, with the HTTP answer's
//! metadata; pages with what the provider said about the walk.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use pyo3::prelude::*;
use pyo3::types::PyBytes;

use pspkit::Error;
use pspkit::paginate::Pages;

use crate::models::ToPy;

/// A decoded value waiting for the GIL to become Python objects.
pub(crate) type Native = Box<dyn FnOnce(Python<'_>) -> PyResult<Py<PyAny>> + Send>;

fn native<T: ToPy + Send + 'static>(value: T) -> Native {
    Box::new(move |py| value.into_py_owned(py))
}

/// A payload on its way to Python: the decoded value, or the bytes of a file download.
pub enum Payload {
    /// The decoded (and so validated) payload.
    Native(Native),
    /// A downloaded file.
    Bytes(Vec<u8>),
}

/// A call's payload and the answer it came in (its status, headers, request id, attempts and
/// idempotency key).
pub struct Reply {
    payload: Payload,
    answer: pspkit::Response<()>,
}

impl Reply {
    /// The decoded payload, for Python to read.
    pub fn native<T: ToPy + Send + 'static>(response: pspkit::Response<T>) -> Self {
        let (value, answer) = take_value(response);
        Reply { payload: Payload::Native(native(value)), answer }
    }

    /// The whole body of a download.
    pub async fn bytes(
        operation: &'static str,
        response: pspkit::Response<progenitor_client::ByteStream>,
    ) -> Result<Self, Error> {
        let (stream, answer) = take_value(response);
        let mut body = Vec::new();
        let mut stream = stream.into_inner();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Error::Transport {
                provider: "pspkit",
                operation,
                message: format!("the download broke off: {e}"),
            })?;
            body.extend_from_slice(&chunk);
        }
        Ok(Reply { payload: Payload::Bytes(body), answer })
    }
}

/// The value of a response and the response with a unit value (its metadata).
fn take_value<T>(response: pspkit::Response<T>) -> (T, pspkit::Response<()>) {
    let pspkit::Response { value, status, headers, attempts, idempotency_key, body } = response;
    (value, pspkit::Response { value: (), status, headers, attempts, idempotency_key, body })
}

/// One page of a walk: its items and what the provider said about the walk.
pub struct PageReply {
    items: Native,
    info: pspkit::paginate::PageInfo,
    position: u64,
}

pub(crate) type BoxedPages = Pin<Box<dyn Stream<Item = Result<PageReply, Error>> + Send>>;

/// The pages of one walk.
pub struct PageStream(pub(crate) BoxedPages);

impl PageStream {
    /// Wraps a walk.
    pub fn new<T: ToPy + Send + 'static>(pages: Pages<T>) -> Self {
        Self(Box::pin(pages.map(move |page| {
            page.map(|p| PageReply { items: native(p.items), info: p.info, position: p.request.position })
        })))
    }
}

impl Stream for PageStream {
    type Item = Result<PageReply, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Option<Self::Item>> {
        self.0.as_mut().poll_next(cx)
    }
}

/// `(payload, metadata)`, the metadata (status, headers, request id, attempts,
/// idempotency key, body) only when `raw` asks for it (else `None`: converting headers costs).
pub(crate) fn reply_to_py(py: Python<'_>, reply: Reply, raw: bool) -> PyResult<Py<PyAny>> {
    let payload = match reply.payload {
        Payload::Native(value) => value(py)?,
        Payload::Bytes(b) => PyBytes::new(py, &b).into_any().unbind(),
    };
    let meta = if raw {
        let a = reply.answer;
        let request_id = a.request_id().map(str::to_owned);
        let headers: Vec<(String, String)> = a
            .headers
            .iter()
            .map(|(name, value)| (name.as_str().to_owned(), String::from_utf8_lossy(value.as_bytes()).into_owned()))
            .collect();
        let body = PyBytes::new(py, &a.body);
        (a.status, headers, request_id, a.attempts, a.idempotency_key, body).into_pyobject(py)?.into_any()
    } else {
        py.None().into_bound(py)
    };
    Ok((payload, meta).into_pyobject(py)?.into_any().unbind())
}

/// `(items, position, total_pages, total_items, next_cursor)` for Python's page objects.
pub(crate) fn page_to_py(py: Python<'_>, page: PageReply) -> PyResult<Py<PyAny>> {
    let info = page.info;
    Ok(((page.items)(py)?, page.position, info.total_pages, info.total_items, info.next_cursor)
        .into_pyobject(py)?
        .into_any()
        .unbind())
}
