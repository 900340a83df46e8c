//! Walking list operations page by page, in each provider's style (`x-pagination`).
//!
//! [`Pages`] is a `Stream` of pages and [`Items`] a `Stream` of their items. While the caller
//! consumes one page, the next is already being fetched (a spawned task), and never more than
//! one: memory stays proportional to a page. The generated request builders of list
//! operations build these from the spec (`.pages()` and `.stream()`).

use std::collections::VecDeque;
use std::future::Future;
use std::num::NonZeroU64;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context as TaskContext, Poll};

use futures_core::Stream;

use crate::error::Error;
use crate::id::Id;
use crate::operation::{Pagination, PaginationStyle, ProviderSpec};

/// Page size when the caller gives none (capped by the provider's maximum).
pub const DEFAULT_PAGE_SIZE: u64 = 100;

/// How to walk a list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// Items per request (default 100, or the provider's maximum when lower).
    pub page_size: Option<u64>,
    /// Stop after this many items.
    pub max_items: Option<u64>,
    /// Start at this page number (page styles) or offset (offset style).
    pub start_at: Option<u64>,
    /// Start at this cursor (keyset style).
    pub start_cursor: Option<String>,
}

impl PageOptions {
    /// Walk from the start with the default page size.
    pub fn new() -> Self {
        Self::default()
    }

    /// Items per request.
    pub fn page_size(mut self, n: u64) -> Self {
        self.page_size = Some(n);
        self
    }

    /// Stop after this many items.
    pub fn max_items(mut self, n: u64) -> Self {
        self.max_items = Some(n);
        self
    }

    /// Start at a page number or offset.
    pub fn start_at(mut self, n: u64) -> Self {
        self.start_at = Some(n);
        self
    }

    /// Start at a cursor.
    pub fn start_cursor(mut self, cursor: impl Into<String>) -> Self {
        self.start_cursor = Some(cursor.into());
        self
    }
}

/// What one request asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageRequest {
    /// Page number (page styles) or offset (offset style).
    pub position: u64,
    /// Cursor (keyset style); `None` for the first page.
    pub cursor: Option<String>,
    /// Page size.
    pub size: u64,
}

/// What a response says about the next page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageInfo {
    /// Number of pages, when the provider says (page-number lists end by it).
    pub total_pages: Option<u64>,
    /// Number of items in the whole list, when the provider says (its count of the moment: items
    /// added or removed during a walk can make it differ from what the walk yields).
    pub total_items: Option<u64>,
    /// Whether a next-page URL was present, when the response has the field (next-url style).
    pub has_next_url: Option<bool>,
    /// The cursor of the next page (keyset style).
    pub next_cursor: Option<String>,
    /// A hash of the page's first and last items ([`fingerprint`]): a page whose hash was seen
    /// before ends the walk with an error, so a provider that does not move through its list
    /// (a page parameter ignored, cursors in a cycle) cannot keep a walk going forever.
    pub fingerprint: u64,
}

/// The [`PageInfo::fingerprint`] of a page: a hash of its first and last items, as JSON, and of
/// how many there are. Two pages of one list share it only when one repeats the other.
pub fn fingerprint<T: serde::Serialize>(items: &[T]) -> u64 {
    use std::hash::Hasher as _;
    /// Feeds what serde_json writes straight into the hasher, with no buffer.
    struct Feed<'a>(&'a mut std::collections::hash_map::DefaultHasher);
    impl std::io::Write for Feed<'_> {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.write(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    hasher.write_usize(items.len());
    for item in [items.first(), items.last()].into_iter().flatten() {
        // an item that does not serialize adds nothing; the others still tell pages apart
        let _ = serde_json::to_writer(Feed(&mut hasher), item);
    }
    hasher.finish()
}

/// One page of a walk.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    /// The request that produced it.
    pub request: PageRequest,
    /// Its items (cut short when `max_items` is reached).
    pub items: Vec<T>,
    /// What it said about the next page.
    pub info: PageInfo,
}

/// Fetches one page; built by the generated code for each list operation.
pub type FetchPage<T> =
    Arc<dyn Fn(PageRequest) -> Pin<Box<dyn Future<Output = Result<(Vec<T>, PageInfo), Error>> + Send>> + Send + Sync>;

/// The request after `page`, or `None` when the walk is over.
pub fn next_request(
    style: PaginationStyle,
    first_page: u64,
    request: &PageRequest,
    len: usize,
    info: &PageInfo,
) -> Option<PageRequest> {
    let short = (len as u64) < request.size;
    if len == 0 {
        return None;
    }
    // past u64's last page or offset there is nothing: the walk ends rather than wraps to the start
    let next_position = request.position.checked_add(1)?;
    let next_page = PageRequest { position: next_position, ..request.clone() };
    match style {
        PaginationStyle::PageNumber => match info.total_pages {
            Some(total) => (next_position.saturating_sub(first_page) < total).then_some(next_page),
            None => (!short).then_some(next_page),
        },
        PaginationStyle::PageUntilShort => (!short).then_some(next_page),
        PaginationStyle::NextUrl => match info.has_next_url {
            Some(more) => more.then_some(next_page),
            None => (!short).then_some(next_page),
        },
        PaginationStyle::Keyset => match &info.next_cursor {
            Some(c) if !c.is_empty() && Some(c) != request.cursor.as_ref() => {
                Some(PageRequest { cursor: Some(c.clone()), ..request.clone() })
            }
            _ => None,
        },
        PaginationStyle::Offset => {
            let position = request.position.checked_add(len as u64)?;
            (!short).then(|| PageRequest { position, ..request.clone() })
        }
    }
}

type InFlight<T> = (PageRequest, tokio::task::JoinHandle<Result<(Vec<T>, PageInfo), Error>>);

/// A `Stream` of the pages of a list, fetching one page ahead.
pub struct Pages<T> {
    fetch: FetchPage<T>,
    pagination: Pagination,
    provider: &'static str,
    operation: &'static str,
    /// The fingerprints of the pages seen so far.
    seen: std::collections::HashSet<u64>,
    next: Option<PageRequest>,
    in_flight: Option<InFlight<T>>,
    remaining: Option<u64>,
    invalid: Option<Error>,
}

impl<T: Send + 'static> Pages<T> {
    /// Starts a walk of `operation` (a list operation of `spec`) with `fetch`.
    pub fn new(
        spec: &'static ProviderSpec,
        operation: &'static str,
        options: PageOptions,
        fetch: FetchPage<T>,
    ) -> Self {
        let pagination = spec.operation(operation).and_then(|op| op.pagination).unwrap_or(Pagination {
            style: PaginationStyle::PageUntilShort,
            first_page: 1,
            max_page_size: None,
        });
        let max = pagination.max_page_size;
        let size = options.page_size.unwrap_or_else(|| max.map_or(DEFAULT_PAGE_SIZE, |m| m.min(DEFAULT_PAGE_SIZE)));
        let invalid = if size == 0 || max.is_some_and(|m| size > m) {
            Some(Error::InvalidRequest {
                operation,
                field: "page_size".into(),
                rule: format!("must be between 1 and {} (got {size})", max.map_or("any".into(), |m| m.to_string())),
            })
        } else {
            None
        };
        let position = options.start_at.unwrap_or(match pagination.style {
            PaginationStyle::Offset => 0,
            _ => pagination.first_page,
        });
        let first = PageRequest { position, cursor: options.start_cursor, size };
        let remaining = options.max_items;
        Self {
            fetch,
            pagination,
            provider: spec.name,
            operation,
            seen: std::collections::HashSet::new(),
            next: if remaining == Some(0) { None } else { Some(first) },
            in_flight: None,
            remaining,
            invalid,
        }
    }

    /// The items of every page, one by one.
    pub fn items(self) -> Items<T> {
        Items { pages: self, buffer: VecDeque::new(), done: false }
    }

    fn start_next(&mut self) {
        if let Some(request) = self.next.take() {
            let handle = tokio::spawn((self.fetch)(request.clone()));
            self.in_flight = Some((request, handle));
        }
    }
}

impl<T: Send + 'static> Stream for Pages<T> {
    type Item = Result<Page<T>, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if let Some(e) = this.invalid.take() {
            this.next = None;
            return Poll::Ready(Some(Err(e)));
        }
        if this.in_flight.is_none() {
            this.start_next();
        }
        let Some((request, handle)) = this.in_flight.as_mut() else { return Poll::Ready(None) };
        let result = match Pin::new(handle).poll(cx) {
            Poll::Pending => return Poll::Pending,
            Poll::Ready(r) => r,
        };
        let request = request.clone();
        this.in_flight = None;
        let (mut items, info) = match result {
            Ok(Ok(page)) => page,
            Ok(Err(e)) => return Poll::Ready(Some(Err(e))),
            Err(join) => {
                return Poll::Ready(Some(Err(Error::Transport {
                    provider: "pspkit",
                    operation: this.operation,
                    message: format!("the page fetch failed: {join}"),
                })));
            }
        };
        let len = items.len();
        if len > 0 && !this.seen.insert(info.fingerprint) {
            if let Some((_, handle)) = this.in_flight.take() {
                handle.abort();
            }
            this.next = None;
            return Poll::Ready(Some(Err(repeated_page(this.provider, this.operation, &request))));
        }
        if let Some(remaining) = this.remaining.as_mut() {
            items.truncate(usize::try_from(*remaining).unwrap_or(usize::MAX));
            *remaining -= items.len() as u64;
        }
        if this.remaining != Some(0) {
            this.next = next_request(this.pagination.style, this.pagination.first_page, &request, len, &info);
            // fetch ahead while the caller works on this page
            this.start_next();
        }
        Poll::Ready(Some(Ok(Page { request, items, info })))
    }
}

/// The error of a page that repeats one seen before in the same walk.
fn repeated_page(provider: &'static str, operation: &'static str, request: &PageRequest) -> Error {
    let at = match &request.cursor {
        Some(_) => "the page after a cursor".to_owned(),
        None => format!("page (or offset) {}", request.position),
    };
    Error::Decode(Box::new(crate::error::DecodeError {
        provider,
        operation,
        status: 200,
        path: ".".into(),
        message: format!(
            "{at} repeats a page already seen in this walk (the same first and last items): the provider \
             is not moving through the list, so the walk stops instead of going round forever"
        ),
        excerpt: String::new(),
        raw_body: String::new(),
        sensitive: &[],
    }))
}

impl<T> Drop for Pages<T> {
    fn drop(&mut self) {
        if let Some((_, handle)) = self.in_flight.take() {
            handle.abort();
        }
    }
}

/// A `Stream` of the items of a list, across pages.
pub struct Items<T> {
    pages: Pages<T>,
    buffer: VecDeque<T>,
    done: bool,
}

// Nothing is ever pinned in place inside: the items sit in a VecDeque, the fetch in a JoinHandle.
impl<T> Unpin for Items<T> {}
impl<T> Unpin for Pages<T> {}

impl<T: Send + 'static> Stream for Items<T> {
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffer.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            if this.done {
                return Poll::Ready(None);
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.done = true,
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(Some(Ok(page))) => this.buffer = page.items.into(),
            }
        }
    }
}

/// A page number, size or offset as the generated parameter type wants it.
pub trait PageParam {
    /// Converts.
    fn from_u64(n: u64) -> Self;
}

impl PageParam for u64 {
    fn from_u64(n: u64) -> Self {
        n
    }
}

impl PageParam for i64 {
    fn from_u64(n: u64) -> Self {
        i64::try_from(n).unwrap_or(i64::MAX)
    }
}

impl PageParam for NonZeroU64 {
    fn from_u64(n: u64) -> Self {
        NonZeroU64::new(n).unwrap_or(NonZeroU64::MIN)
    }
}

impl<P: PageParam> PageParam for Option<P> {
    fn from_u64(n: u64) -> Self {
        Some(P::from_u64(n))
    }
}

/// `PageParam::from_u64`, for generated code.
pub fn param<P: PageParam>(n: u64) -> P {
    P::from_u64(n)
}

/// A cursor as the generated parameter type wants it.
pub trait CursorParam {
    /// Converts.
    fn from_cursor(cursor: Option<String>) -> Self;
}

impl CursorParam for Option<String> {
    fn from_cursor(cursor: Option<String>) -> Self {
        cursor
    }
}

impl CursorParam for Option<Id> {
    fn from_cursor(cursor: Option<String>) -> Self {
        cursor.map(Id)
    }
}

/// `CursorParam::from_cursor`, for generated code.
pub fn cursor<C: CursorParam>(cursor: Option<String>) -> C {
    C::from_cursor(cursor)
}

/// Reads response fields that say what comes next, whatever their generated type.
pub trait PageField {
    /// As a count.
    fn count(&self) -> Option<u64> {
        None
    }
    /// As a cursor.
    fn cursor(&self) -> Option<String> {
        None
    }
}

impl PageField for i64 {
    fn count(&self) -> Option<u64> {
        u64::try_from(*self).ok()
    }
}

impl PageField for u64 {
    fn count(&self) -> Option<u64> {
        Some(*self)
    }
}

impl PageField for String {
    fn count(&self) -> Option<u64> {
        self.trim().parse().ok()
    }
    fn cursor(&self) -> Option<String> {
        Some(self.clone())
    }
}

impl PageField for Id {
    fn cursor(&self) -> Option<String> {
        Some(self.0.clone())
    }
}

impl PageField for serde_json::Value {
    fn count(&self) -> Option<u64> {
        self.as_u64().or_else(|| self.as_str()?.trim().parse().ok())
    }
    fn cursor(&self) -> Option<String> {
        match self {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }
}

impl<F: PageField> PageField for Option<F> {
    fn count(&self) -> Option<u64> {
        self.as_ref()?.count()
    }
    fn cursor(&self) -> Option<String> {
        self.as_ref()?.cursor()
    }
}

/// Whether a next-page field holds a value (`Some` and not empty).
pub fn present<F: PageField>(field: &Option<F>) -> bool {
    field.as_ref().is_some_and(|f| f.cursor().is_none_or(|c| !c.is_empty()))
}

/// The items field of a response, whatever its generated type.
pub trait IntoItems<T> {
    /// The items.
    fn into_items(self) -> Vec<T>;
}

impl<T> IntoItems<T> for Vec<T> {
    fn into_items(self) -> Vec<T> {
        self
    }
}

impl<T> IntoItems<T> for Option<Vec<T>> {
    fn into_items(self) -> Vec<T> {
        self.unwrap_or_default()
    }
}
