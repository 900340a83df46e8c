//! The OpenAPI extensions (`x-*`) of pspkit's provider specs as typed values, read the same way
//! by the generator (`pspkit-codegen`) and the sandbox (`pspkit-sandbox`).
//!
//! Each extension is read once, here, into a serde type that refuses what it does not know:
//! an unknown `x-retry` value, an unknown key inside `x-pagination`, or an `x-*` key the project
//! does not define is a spec problem naming the extension, never a silent default. The same
//! types produce the extensions' JSON Schema ([`json_schema`], written to
//! `specs/extensions.schema.json`), which `tests/spec_check.py` validates every spec against and
//! editors can use for completion.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// How much to trust a fact: where it was learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    /// The provider's own documentation.
    Doc,
    /// An official SDK of the provider.
    Sdk,
    /// Recorded traffic.
    Recorded,
    /// A community integration.
    Community,
    /// pspkit's inference: the first thing to correct when a better source appears.
    Inferred,
}

impl Source {
    /// The value as written in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Doc => "doc",
            Source::Sdk => "sdk",
            Source::Recorded => "recorded",
            Source::Community => "community",
            Source::Inferred => "inferred",
        }
    }
}

/// Whether a failed call may be sent again (`x-retry`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Retry {
    /// No side effects: retried on 408, 429, 5xx and connection errors.
    Safe,
    /// Side effects the provider deduplicates by the `x-idempotency` header: retried like
    /// `safe`, with the same key on every attempt.
    Idempotent,
    /// Side effects the provider does not deduplicate: retried only when the request provably
    /// never left.
    Unsafe,
}

impl Retry {
    /// The value as written in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            Retry::Safe => "safe",
            Retry::Idempotent => "idempotent",
            Retry::Unsafe => "unsafe",
        }
    }
}

/// `x-idempotency`: the request header the provider deduplicates a write by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Idempotency {
    /// The header name, also declared as an optional header parameter of the operation.
    pub header: String,
}

/// How a list is walked (`x-pagination.style`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum PaginationStyle {
    /// Numbered pages and a total page count in the response.
    PageNumber,
    /// Numbered pages until one is shorter than the page size.
    PageUntilShort,
    /// A cursor from each response's next-cursor field.
    Keyset,
    /// Numbered pages until the response's next-page URL is null.
    NextUrl,
    /// An offset and a limit, until a page is shorter than the limit.
    Offset,
}

impl PaginationStyle {
    /// The value as written in the spec.
    pub fn as_str(self) -> &'static str {
        match self {
            PaginationStyle::PageNumber => "page-number",
            PaginationStyle::PageUntilShort => "page-until-short",
            PaginationStyle::Keyset => "keyset",
            PaginationStyle::NextUrl => "next-url",
            PaginationStyle::Offset => "offset",
        }
    }

    /// The request keys and response keys of `x-pagination` this style needs.
    pub fn needs(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            PaginationStyle::PageNumber => (&["page", "page-size"], &["items", "total-pages"]),
            PaginationStyle::PageUntilShort => (&["page", "page-size"], &["items"]),
            PaginationStyle::Keyset => (&["cursor", "page-size"], &["items", "next-cursor"]),
            PaginationStyle::NextUrl => (&["page", "page-size"], &["items", "next-url"]),
            PaginationStyle::Offset => (&["offset", "limit"], &["items"]),
        }
    }

    /// Whether pages are numbered (and `first-page` says from what).
    pub fn numbered(self) -> bool {
        matches!(self, PaginationStyle::PageNumber | PaginationStyle::PageUntilShort | PaginationStyle::NextUrl)
    }
}

/// Where the paging parameters of a list request go (`x-pagination.in`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ParamPlace {
    /// Query parameters.
    Query,
    /// Fields of the JSON request body.
    Body,
}

/// `x-pagination`: how to walk a list operation. Which keys a style needs is
/// [`PaginationStyle::needs`]; the names are the spec's wire names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Pagination {
    /// How the list is walked.
    pub style: PaginationStyle,
    /// Where the request parameters go.
    #[serde(rename = "in")]
    pub place: ParamPlace,
    /// Request parameter: the page number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
    /// The number of the first page (0 or 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_page: Option<u64>,
    /// Request parameter: the page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_size: Option<String>,
    /// The provider's documented maximum page size.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_page_size: Option<u64>,
    /// Response field holding the items; `.` when the response is the array itself.
    pub items: String,
    /// Response field with the number of pages (needed by page-number lists, which end by it;
    /// metadata of a page in the other styles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_pages: Option<String>,
    /// Response field with the number of items in the whole list, when the provider sends one:
    /// metadata of a page, never used to end a walk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_items: Option<String>,
    /// Request parameter taking the cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Response field with the next cursor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    /// Response field that is null on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_url: Option<String>,
    /// Request parameter: the offset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<String>,
    /// Request parameter: the limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
}

impl Pagination {
    /// The value of one key by its spec name (`page-size`, `next-cursor`, ...).
    pub fn key(&self, key: &str) -> Option<&str> {
        match key {
            "page" => self.page.as_deref(),
            "page-size" => self.page_size.as_deref(),
            "items" => Some(&self.items),
            "total-pages" => self.total_pages.as_deref(),
            "total-items" => self.total_items.as_deref(),
            "cursor" => self.cursor.as_deref(),
            "next-cursor" => self.next_cursor.as_deref(),
            "next-url" => self.next_url.as_deref(),
            "offset" => self.offset.as_deref(),
            "limit" => self.limit.as_deref(),
            _ => None,
        }
    }

    /// The request parameters giving the position and the size of a page.
    pub fn position_and_size(&self) -> (Option<&str>, Option<&str>) {
        match self.style {
            PaginationStyle::Offset => (self.offset.as_deref(), self.limit.as_deref()),
            PaginationStyle::Keyset => (None, self.page_size.as_deref()),
            _ => (self.page.as_deref(), self.page_size.as_deref()),
        }
    }
}

/// One JSON pointer, or a list of them of which the first that matches wins.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Pointers {
    /// One pointer.
    One(#[schemars(regex(pattern = r"^/"))] String),
    /// Several, first match wins.
    Many(#[schemars(inner(regex(pattern = r"^/")))] Vec<String>),
}

impl Pointers {
    /// The pointers in order.
    pub fn as_slice(&self) -> &[String] {
        match self {
            Pointers::One(p) => std::slice::from_ref(p),
            Pointers::Many(ps) => ps,
        }
    }
}

/// `x-error`: where a provider's error body keeps its parts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ErrorPointers {
    /// The provider's error code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<Pointers>,
    /// The provider's message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<Pointers>,
    /// Per-field errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fields: Option<Pointers>,
    /// The provider's request id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Pointers>,
}

/// `x-envelope`: every response on the wire is wrapped, e.g. `{"success": true, "response": ...}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Envelope {
    /// The boolean field saying whether the call succeeded.
    pub success: String,
    /// The field holding the payload.
    pub data: String,
    /// The field holding the error.
    pub error: String,
}

/// `x-signing`: how requests are signed beyond the security schemes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "scheme", deny_unknown_fields)]
pub enum Signing {
    /// OnChainPay: hex HMAC-SHA256 of the body, which carries a fresh nonce.
    #[serde(rename = "onchainpay-hmac-sha256", rename_all = "kebab-case")]
    OnChainPayHmacSha256 {
        /// The body field carrying the nonce.
        nonce_field: String,
    },
    /// FireKassa: hex HMAC-SHA512 of path, query and body in a header.
    #[serde(rename = "firekassa-hmac-sha512")]
    FireKassaHmacSha512 {
        /// The header carrying the signature.
        header: String,
    },
    /// FirstPay: the public key and an RSA-SHA256 signature inside every JSON body.
    #[serde(rename = "firstpay-rsa-sha256", rename_all = "kebab-case")]
    FirstPayRsaSha256 {
        /// The body field carrying FirstPay's public key.
        public_key_field: String,
        /// The body field carrying the signature.
        signature_field: String,
    },
}

impl Signing {
    /// The scheme's name as written in the spec.
    pub fn scheme(&self) -> &'static str {
        match self {
            Signing::OnChainPayHmacSha256 { .. } => "onchainpay-hmac-sha256",
            Signing::FireKassaHmacSha512 { .. } => "firekassa-hmac-sha512",
            Signing::FirstPayRsaSha256 { .. } => "firstpay-rsa-sha256",
        }
    }
}

/// `x-credentials`: what a client of the provider is built from, declared once for every
/// surface (the Rust `Keys` and `from_env`, the Python client's keyword arguments and their
/// `PSPKIT_<PROVIDER>_<NAME>` variables).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Credentials {
    /// The API lives on the merchant's own host: a client needs a base URL, the spec's server
    /// is only a placeholder.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub merchant_host: bool,
    /// The keys, in the order constructors take them.
    #[schemars(length(min = 1))]
    pub keys: Vec<CredentialKey>,
}

/// One key of [`Credentials`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CredentialKey {
    /// `snake_case` name: the Rust field, the Python keyword and the `PSPKIT_<PROVIDER>_<NAME>`
    /// variable.
    #[schemars(regex(pattern = r"^[a-z][a-z0-9_]*$"))]
    pub name: String,
    /// What it is and where the merchant finds it.
    pub description: String,
    /// A client works without it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optional: bool,
    /// Not a secret (a public key): shown in `Debug`, kept as plain text.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub public: bool,
}

/// A normalized payment status, as `x-normalize` maps raw statuses to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NormalStatus {
    /// Not final yet.
    Pending,
    /// The money moved.
    Succeeded,
    /// The money did not move and will not.
    Failed,
    /// Stopped before the money moved.
    Canceled,
    /// The money moved and was given back.
    Refunded,
    /// Known to be ambiguous: said explicitly rather than left out.
    Unknown,
}

impl NormalStatus {
    /// The value as written in the spec (the runtime's `Status` variant, lowercased).
    pub fn as_str(self) -> &'static str {
        match self {
            NormalStatus::Pending => "pending",
            NormalStatus::Succeeded => "succeeded",
            NormalStatus::Failed => "failed",
            NormalStatus::Canceled => "canceled",
            NormalStatus::Refunded => "refunded",
            NormalStatus::Unknown => "unknown",
        }
    }
}

/// Which way money moves, seen from the merchant (`x-normalize.direction`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum NormalDirection {
    /// Paid to the merchant.
    In,
    /// Paid out by the merchant.
    Out,
}

/// `x-normalize.direction`: one direction for the whole list, or read from a field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum DirectionRule {
    /// Every item of the list moves money this way.
    Fixed(NormalDirection),
    /// Read from a field of the item.
    ByField(DirectionByField),
}

/// A direction read from a field of the item (`x-normalize.direction` as an object).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DirectionByField {
    /// The item's field (wire name).
    pub field: String,
    /// Raw value to direction; every value the field's enum lists must be here.
    pub map: BTreeMap<String, NormalDirection>,
    /// What a value the map does not list (or an absent field) means.
    pub default: NormalDirection,
}

/// The unit an amount is given in (`x-normalize.amount.unit`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AmountUnit {
    /// Major units (pesos): taken as sent.
    Major,
    /// Minor units (centavos): divided by the currency's ISO 4217 exponent.
    Minor,
}

/// `x-normalize.amount`: which field is the amount and in which unit, with where the unit is
/// known from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountRule {
    /// The item's field (wire name).
    pub field: String,
    /// Its unit.
    pub unit: AmountUnit,
    /// Where the unit is known from.
    #[serde(rename = "x-source")]
    pub source: Source,
}

/// `x-normalize.currency`: a field (numeric ISO codes become letters), a default for when it is
/// absent, or one fixed currency for the whole list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CurrencyRule {
    /// The item's field (wire name); absent when the list has one fixed currency.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// The currency when the field is absent or `null` (or always, without a field).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<String>,
    /// Where the default is known from.
    #[serde(rename = "x-source", default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// `x-normalize.status`: which field is the status and what each raw value means.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusRule {
    /// The item's field (wire name).
    pub field: String,
    /// Raw status to normalized status; a raw value not listed becomes `unknown`. When the
    /// field is an enum, every value it lists must be mapped.
    pub map: BTreeMap<String, NormalStatus>,
    /// Where the meaning of the statuses is known from.
    #[serde(rename = "x-source")]
    pub source: Source,
}

/// How a range bound is written in a request (`x-normalize.range.format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RangeFormat {
    /// An RFC 3339 date-time.
    DateTime,
    /// Unix time in milliseconds.
    UnixMs,
    /// Unix time in seconds.
    UnixS,
}

/// `x-normalize.range`: the request parameters (or body fields) that narrow a list to a
/// creation-time window. The client still checks each record's creation time, so a bound the
/// provider treats as inclusive, or ignores, never lets a record outside the range through.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RangeRule {
    /// The parameter taking the start of the window (wire name).
    pub since: String,
    /// The parameter taking its end (wire name).
    pub until: String,
    /// How both are written.
    pub format: RangeFormat,
    /// Where the parameters' meaning is known from.
    #[serde(rename = "x-source")]
    pub source: Source,
}

/// `x-normalize`: how the items of a list operation map to the one normalized payment record
/// (`pspkit::normalized::Payment`). Every field is named by its wire name in the item schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Normalize {
    /// Which way the money of each item moves.
    pub direction: DirectionRule,
    /// The provider's id of the item.
    pub id: String,
    /// The merchant's own reference (its order id), when the provider reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// The amount.
    pub amount: AmountRule,
    /// The currency.
    pub currency: CurrencyRule,
    /// The status.
    pub status: StatusRule,
    /// The fee the provider charged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fee: Option<String>,
    /// When the item was created.
    pub created: String,
    /// When the item last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<String>,
    /// The request parameters that narrow the list to a time window, when it has them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<RangeRule>,
    /// Where the mapping as a whole is known from (its weakest fact).
    #[serde(rename = "x-source")]
    pub source: Source,
}

/// The extensions of the document's top level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentExtensions {
    /// The name of the generated typed client, e.g. `OnePay`.
    #[serde(rename = "x-client-name")]
    #[schemars(regex(pattern = r"^[A-Z][A-Za-z0-9]*$"))]
    pub client_name: String,
    /// Where an error body keeps its parts.
    #[serde(rename = "x-error", default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorPointers>,
    /// The response envelope, when every response is wrapped.
    #[serde(rename = "x-envelope", default, skip_serializing_if = "Option::is_none")]
    pub envelope: Option<Envelope>,
    /// Request signing beyond the security schemes.
    #[serde(rename = "x-signing", default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<Signing>,
    /// What a client is built from.
    #[serde(rename = "x-credentials")]
    pub credentials: Credentials,
}

/// The extensions of one operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OperationExtensions {
    /// Where the operation is known from.
    #[serde(rename = "x-source")]
    pub source: Source,
    /// Where the method and path are known from, when weaker than `x-source`.
    #[serde(rename = "x-path-source", default, skip_serializing_if = "Option::is_none")]
    pub path_source: Option<Source>,
    /// Whether a failed call may be sent again.
    #[serde(rename = "x-retry")]
    pub retry: Retry,
    /// The header the provider deduplicates this write by.
    #[serde(rename = "x-idempotency", default, skip_serializing_if = "Option::is_none")]
    pub idempotency: Option<Idempotency>,
    /// How to walk the list this operation returns.
    #[serde(rename = "x-pagination", default, skip_serializing_if = "Option::is_none")]
    pub pagination: Option<Pagination>,
    /// Groups of request body fields of which at least one must be given.
    #[serde(rename = "x-require-one-of", default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(inner(length(min = 2)))]
    pub require_one_of: Vec<Vec<String>>,
    /// How this list's items map to normalized payments.
    #[serde(rename = "x-normalize", default, skip_serializing_if = "Option::is_none")]
    pub normalize: Option<Normalize>,
    /// Why the generator leaves this operation out (its shape cannot be generated).
    #[serde(rename = "x-codegen-skip", default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1))]
    pub codegen_skip: Option<String>,
}

/// Reads the `x-*` keys of `object` (a document or an operation) into `T`, which refuses
/// unknown keys and values. The message names the extension and what was wrong.
pub fn read<T: serde::de::DeserializeOwned>(object: &Value) -> Result<T, String> {
    let extensions: serde_json::Map<String, Value> = object
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(k, _)| k.starts_with("x-"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    serde_path_to_error::deserialize(Value::Object(extensions)).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner().to_string();
        if path == "." { inner } else { format!("`{path}`: {inner}") }
    })
}

/// The header of the document's API-key security scheme (the first `apiKey` scheme sent in a
/// header), as the spec writes it. Not an extension, but read by the same two readers: the
/// generated clients send it and the sandbox checks it, so an inferred name is corrected once.
pub fn api_key_header(doc: &Value) -> Option<&str> {
    doc.pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(_, s)| {
            s.get("type").and_then(Value::as_str) == Some("apiKey")
                && s.get("in").and_then(Value::as_str) == Some("header")
        })
        .and_then(|(_, s)| s.get("name").and_then(Value::as_str))
}

/// The JSON Schema of every extension: `document` and `operation` (the `x-*` keys of each),
/// `source` for `x-source` on schemas, properties and parameters, and `sensitive` for
/// `x-sensitive` on a text property (only `true` means anything; the lint checks where it sits).
pub fn json_schema() -> Value {
    let generator = schemars::r#gen::SchemaSettings::draft07().into_generator();
    let mut generator = generator;
    let document = generator.subschema_for::<DocumentExtensions>();
    let operation = generator.subschema_for::<OperationExtensions>();
    let source = generator.subschema_for::<Source>();
    let definitions: BTreeMap<String, Value> = generator
        .take_definitions()
        .into_iter()
        .map(|(k, v)| (k, serde_json::to_value(v).expect("a schema serializes")))
        .collect();
    serde_json::json!({
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "pspkit OpenAPI extensions",
        "description": "The x-* keys of a pspkit provider spec (see specs/README.md). Generated by `pspkit-spec extensions-schema`; do not edit.",
        "type": "object",
        "properties": {
            "document": document,
            "operation": operation,
            "source": source,
            "sensitive": {
                "description": "The property or parameter may hold a secret or card data: a property's Rust type redacts it in Debug, Python's repr masks it, and error messages do not quote a body naming it; a parameter is redacted in its request builder's Debug.",
                "const": true,
            },
        },
        "definitions": definitions,
    })
}
