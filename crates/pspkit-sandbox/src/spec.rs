//! The specs, embedded: every operation the sandbox answers, with the example it falls back to.

use pspkit_extensions::{OperationExtensions, Pagination};
use serde_json::Value;

/// The five providers, each served under its own path prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Provider {
    /// OnlyOnePays Aggregator API.
    OnlyOnePays,
    /// FireKassa API v2.
    FireKassa,
    /// FirstPay.
    FirstPay,
    /// OnePay (Colombia).
    OnePay,
    /// OnChainPay (merchant and partner APIs).
    OnChainPay,
}

impl Provider {
    /// Every provider.
    pub const ALL: [Provider; 5] =
        [Provider::OnlyOnePays, Provider::FireKassa, Provider::FirstPay, Provider::OnePay, Provider::OnChainPay];

    /// Short name, also the URL prefix (`/onepay`).
    pub fn name(self) -> &'static str {
        match self {
            Provider::OnlyOnePays => "onlyonepays",
            Provider::FireKassa => "firekassa",
            Provider::FirstPay => "firstpay",
            Provider::OnePay => "onepay",
            Provider::OnChainPay => "onchainpay",
        }
    }

    /// The provider by short name.
    pub fn from_name(name: &str) -> Option<Provider> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }

    fn spec_text(self) -> &'static str {
        match self {
            Provider::OnlyOnePays => include_str!("../../../specs/onlyonepays.yaml"),
            Provider::FireKassa => include_str!("../../../specs/firekassa.yaml"),
            Provider::FirstPay => include_str!("../../../specs/firstpay.yaml"),
            Provider::OnePay => include_str!("../../../specs/onepay.yaml"),
            Provider::OnChainPay => include_str!("../../../specs/onchainpay.yaml"),
        }
    }

    /// The header of the spec's API-key security scheme, lower case (the first `apiKey` scheme in
    /// a header, as the generated clients read it): the sandbox checks the header the spec names,
    /// so correcting an inferred name is one edit.
    pub fn api_key_header(self) -> Option<String> {
        pspkit_extensions::api_key_header(self.spec()).map(str::to_ascii_lowercase)
    }

    /// The spec document, parsed once.
    pub fn spec(self) -> &'static Value {
        static PARSED: [std::sync::OnceLock<Value>; 5] = [const { std::sync::OnceLock::new() }; 5];
        PARSED[self as usize].get_or_init(|| {
            serde_yaml_ng::from_str(self.spec_text())
                .expect("the embedded specs are valid YAML (checked by the spec tests)")
        })
    }
}

/// One operation as the sandbox serves it.
#[derive(Clone, Debug)]
pub struct Op {
    /// Provider.
    pub provider: Provider,
    /// `operationId`.
    pub id: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template (`/cashouts/{id}`), without the sandbox prefix.
    pub path: String,
    /// Status of the success response.
    pub status: u16,
    /// The success response's example (`None`: no body).
    pub example: Option<Value>,
    /// `x-pagination`, on lists.
    pub pagination: Option<Pagination>,
    /// `x-idempotency.header`.
    pub idempotency_header: Option<String>,
    /// `x-require-one-of`: groups of body fields of which one must be given.
    pub require_one_of: Vec<Vec<String>>,
    /// The content type of the success response.
    pub content_type: Option<String>,
    /// The request body's example, if the spec has one.
    pub request_example: Option<Value>,
    /// The request body's content type.
    pub request_content_type: Option<String>,
}

/// Every operation of a provider's spec, its extensions read through the same typed values the
/// generator uses (an extension they refuse is a start-up error naming the operation).
pub fn operations(provider: Provider) -> Result<Vec<Op>, String> {
    let doc = provider.spec();
    let mut out = Vec::new();
    for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in ["get", "put", "post", "delete", "patch"] {
            let Some(op) = item.get(method) else { continue };
            let (status, response) = op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .find(|(s, _)| s.starts_with('2'))
                .map(|(s, r)| (s.parse().unwrap_or(200), resolve(doc, r)))
                .unwrap_or((200, &Value::Null));
            let media = response.get("content").and_then(Value::as_object).and_then(|c| c.iter().next());
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_owned();
            let ext: OperationExtensions = pspkit_extensions::read(op).map_err(|e| format!("{id}: {e}"))?;
            out.push(Op {
                provider,
                id,
                method: method.to_uppercase(),
                path: path.clone(),
                status,
                example: media.and_then(|(_, m)| m.get("example")).cloned(),
                pagination: ext.pagination,
                idempotency_header: ext.idempotency.map(|i| i.header),
                require_one_of: ext.require_one_of,
                content_type: media.map(|(t, _)| t.clone()),
                request_example: op.pointer("/requestBody/content/application~1json/example").cloned(),
                request_content_type: op
                    .pointer("/requestBody/content")
                    .and_then(Value::as_object)
                    .and_then(|c| c.keys().next().cloned()),
            });
        }
    }
    Ok(out)
}

/// Follows local `$ref`s from `node` to the value they name (the last one found, if a reference
/// is broken).
pub fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    // a bounded walk: a reference cycle in a spec must not hang start-up
    for _ in 0..16 {
        match node.get("$ref").and_then(Value::as_str).and_then(|r| doc.pointer(r.trim_start_matches('#'))) {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

/// The values a string enum field may take, by component name (for seeding statuses).
pub fn enum_values(provider: Provider, component: &str) -> Vec<String> {
    provider
        .spec()
        .pointer(&format!("/components/schemas/{component}/enum"))
        .and_then(Value::as_array)
        .map(|v| v.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default()
}
