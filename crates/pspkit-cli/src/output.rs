//! What an operation answers, as the CLI prints it: JSON (one document, or one line per item
//! with `--all`), or the raw bytes of a download.

use std::pin::Pin;

use futures_util::{Stream, StreamExt};
use pspkit::Error;
use pspkit::paginate::Pages;
use serde::Serialize;

/// The answer of one call.
#[derive(Debug)]
pub enum Output {
    /// A JSON document.
    Json(String),
    /// The body of a download.
    Bytes(Vec<u8>),
}

impl Output {
    /// The payload as JSON (money as its exact digits).
    pub fn json<T: Serialize>(payload: &T) -> Result<Self, Error> {
        serde_json::to_string_pretty(payload)
            .map(Output::Json)
            .map_err(|e| Error::Config(format!("the answer cannot be written as JSON: {e}")))
    }

    /// The whole body of a download.
    pub async fn bytes(stream: progenitor_client::ByteStream) -> Result<Self, Error> {
        let mut body = Vec::new();
        let mut stream = stream.into_inner();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| Error::Transport {
                provider: "pspkit",
                operation: "download",
                message: format!("the download broke off: {e}"),
            })?;
            body.extend_from_slice(&chunk);
        }
        Ok(Output::Bytes(body))
    }
}

/// Every page of a list, each as its items' JSON lines.
pub struct JsonPages(Pin<Box<dyn Stream<Item = Result<Vec<String>, Error>> + Send>>);

impl JsonPages {
    /// The pages of a walk, each item written as one line of JSON.
    pub fn new<T: Serialize + Send + 'static>(pages: Pages<T>) -> Self {
        Self(Box::pin(pages.map(|page| {
            let page = page?;
            page.items
                .iter()
                .map(serde_json::to_string)
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| Error::Config(format!("an item cannot be written as JSON: {e}")))
        })))
    }

    /// The next page's lines, or `None` after the last.
    pub async fn next(&mut self) -> Option<Result<Vec<String>, Error>> {
        self.0.next().await
    }
}
