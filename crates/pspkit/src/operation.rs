//! What the spec says about each operation, as the runtime needs it. The code generator emits
//! one [`ProviderSpec`] per provider from the spec's extensions (`x-retry`, `x-idempotency`,
//! `x-pagination`, `x-envelope`, `x-error`), so a maintainer changes behaviour by editing the
//! spec.

/// How an operation may be retried (`x-retry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RetryClass {
    /// No side effects: retried on 408, 429, 5xx and connection failures.
    Safe,
    /// Side effects the provider deduplicates by an idempotency key: retried like `Safe`, with
    /// the same key on every attempt.
    Idempotent,
    /// Side effects the provider does not deduplicate: retried only when the request provably
    /// never left (the connection was refused or the host did not resolve).
    Unsafe,
}

/// The pagination style of a list operation (`x-pagination`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PaginationStyle {
    /// Page numbers with a total page count (OnlyOnePays).
    PageNumber,
    /// Page numbers without a total; a short page is the last (FireKassa).
    PageUntilShort,
    /// A cursor the response hands back (FirstPay `fromId` -> `nextId`).
    Keyset,
    /// Page numbers until the response's next-page URL is null (OnePay).
    NextUrl,
    /// `limit`/`offset` (OnChainPay).
    Offset,
}

/// `x-pagination` of a list operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pagination {
    /// The style.
    pub style: PaginationStyle,
    /// Number of the first page (page-number styles).
    pub first_page: u64,
    /// The provider's documented maximum page size, if any.
    pub max_page_size: Option<u64>,
}

/// One operation of a provider spec.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OperationSpec {
    /// The generated method name (snake_case operationId), as progenitor reports it.
    pub name: &'static str,
    /// HTTP method, upper case.
    pub method: &'static str,
    /// Path template.
    pub path: &'static str,
    /// `x-retry`.
    pub retry: RetryClass,
    /// `x-idempotency.header`: the request header the provider deduplicates by.
    pub idempotency_header: Option<&'static str>,
    /// `x-pagination`, on list operations.
    pub pagination: Option<Pagination>,
}

/// The provider's response envelope (`x-envelope`), e.g. OnChainPay's
/// `{"success": true, "response": ...}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Envelope {
    /// Field holding the boolean outcome.
    pub success: &'static str,
    /// Field holding the payload on success.
    pub data: &'static str,
    /// Field holding the error on failure.
    pub error: &'static str,
}

/// Where a provider puts the parts of its error body (`x-error`): JSON pointers into the body,
/// the first that matches wins.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrorFields {
    /// The provider's error code (`/code_name`).
    pub code: &'static [&'static str],
    /// The human-readable message (`/message`).
    pub message: &'static [&'static str],
    /// Per-field validation errors (`/errors`).
    pub fields: &'static [&'static str],
    /// A request id to quote to the provider's support (`/requestId`).
    pub request_id: &'static [&'static str],
}

/// Everything the runtime knows about one provider, generated from its spec.
#[derive(Debug)]
pub struct ProviderSpec {
    /// Short name (`onepay`), used in errors, logs and environment variables.
    pub name: &'static str,
    /// `info.title`.
    pub title: &'static str,
    /// The first server URL of the spec, with variables at their defaults.
    pub default_base_url: &'static str,
    /// `x-envelope`, if responses are wrapped.
    pub envelope: Option<Envelope>,
    /// `x-error`.
    pub error_fields: ErrorFields,
    /// The header of the spec's `apiKey` security scheme, if it has one in a header.
    pub api_key_header: Option<&'static str>,
    /// Every generated operation.
    pub operations: &'static [OperationSpec],
    /// The wire names of the fields the spec marks `x-sensitive` (they may hold a secret or card
    /// data): an error message does not quote a body that names one.
    pub sensitive_fields: &'static [&'static str],
}

impl ProviderSpec {
    /// The operation with this generated method name.
    pub fn operation(&self, name: &str) -> Option<&'static OperationSpec> {
        self.operations.iter().find(|op| op.name == name)
    }
}
