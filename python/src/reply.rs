//! Payloads and pages on their way to Python: JSON text of the decoded value, or a file's bytes.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use pyo3::prelude::*;
use pyo3::types::PyBytes;
use serde::Serialize;

use pspkit::Error;
use pspkit::paginate::Pages;

/// A payload on its way to Python: JSON, or the bytes of a file download.
pub enum Reply {
    /// JSON text of the decoded (and so validated) payload.
    Json(Vec<u8>),
    /// A downloaded file.
    Bytes(Vec<u8>),
}

impl Reply {
    /// The payload as JSON.
    pub fn json<T: Serialize>(operation: &'static str, payload: &T) -> Result<Self, Error> {
        to_json(operation, payload).map(Reply::Json)
    }

    /// The whole body of a download.
    pub async fn bytes(operation: &'static str, stream: progenitor_client::ByteStream) -> Result<Self, Error> {
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
        Ok(Reply::Bytes(body))
    }
}

/// A decoded payload (or page of items) as JSON text for Python.
pub(crate) fn to_json<T: Serialize>(operation: &'static str, payload: &T) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(payload)
        .map_err(|e| Error::Config(format!("{operation}: cannot encode the payload for Python: {e}")))
}

pub(crate) type BoxedPages = Pin<Box<dyn Stream<Item = Result<Vec<u8>, Error>> + Send>>;

/// The pages of one walk, each as the JSON array of its items.
pub struct PageStream(pub(crate) BoxedPages);

impl PageStream {
    /// Wraps a walk.
    pub fn new<T: Serialize + Send + 'static>(operation: &'static str, pages: Pages<T>) -> Self {
        Self(Box::pin(pages.map(move |page| page.and_then(|p| to_json(operation, &p.items)))))
    }
}

pub(crate) fn reply_to_py(py: Python<'_>, reply: Reply) -> Py<PyAny> {
    match reply {
        Reply::Json(b) => (false, PyBytes::new(py, &b)).into_pyobject(py).map(|t| t.into_any().unbind()),
        Reply::Bytes(b) => (true, PyBytes::new(py, &b)).into_pyobject(py).map(|t| t.into_any().unbind()),
    }
    .expect("a tuple of a bool and bytes converts")
}
