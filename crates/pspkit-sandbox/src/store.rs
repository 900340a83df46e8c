//! The sandbox's state: resources created through the API or seeded at start, idempotency keys,
//! and seen nonces, plus the spec-driven list engine that pages them in each
//! provider's style.

use std::collections::{BTreeMap, HashMap, HashSet};

use pspkit_extensions::PaginationStyle;
use serde_json::{Map, Value, json};

use crate::spec::{Op, Provider};

/// Where a get operation finds the id of the object it returns.
#[derive(Clone, Copy, Debug)]
pub enum IdFrom {
    /// A path parameter.
    Path(&'static str),
    /// Request body fields, first present wins.
    Body(&'static [&'static str]),
}

/// How a range filter compares.
#[derive(Clone, Copy, Debug)]
pub enum Cmp {
    /// field >= param
    AtLeast,
    /// field <= param
    AtMost,
}

/// A kind of object the sandbox keeps, and the operations that create, read and list it.
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    /// Provider.
    pub provider: Provider,
    /// Kind (`cashout`), as shown by the inspection endpoint.
    pub kind: &'static str,
    /// Create operations, with a fixed field value they imply (FirstPay `type`).
    pub creates: &'static [(&'static str, Option<(&'static str, &'static str)>)],
    /// Get operations, and where their id comes from.
    pub gets: &'static [(&'static str, IdFrom)],
    /// List operations.
    pub lists: &'static [&'static str],
    /// The id field of stored objects.
    pub id_field: &'static str,
    /// The id field of get responses (OnChainPay's order detail calls the system id `id`).
    pub get_id_field: &'static str,
    /// The status field.
    pub status_field: Option<&'static str>,
    /// Status progression, first = state after create.
    pub flow: &'static [&'static str],
    /// The spec's enum of all statuses (seeded objects take any of them, not only the flow).
    pub status_enum: Option<&'static str>,
    /// The amount field (seeded with varied amounts).
    pub amount_field: Option<&'static str>,
    /// The creation time field.
    pub created_field: Option<&'static str>,
    /// Range filters of list requests: (parameter, field, comparison).
    pub ranges: &'static [(&'static str, &'static str, Cmp)],
    /// Filters with other names than the field: (parameter, field).
    pub aliases: &'static [(&'static str, &'static str)],
    /// Operation that moves an object to a final status, and that status (FireKassa cancel).
    pub cancel: Option<(&'static str, &'static str)>,
    /// Whether the seeded data set includes this kind.
    pub seeded: bool,
}

/// The defaults of the table below: ids in `id`, seeded, no status flow, no filters.
const BASE: Resource = Resource {
    provider: Provider::OnePay,
    kind: "",
    creates: &[],
    gets: &[],
    lists: &[],
    id_field: "id",
    get_id_field: "id",
    status_field: None,
    flow: &[],
    status_enum: None,
    amount_field: None,
    created_field: None,
    ranges: &[],
    aliases: &[],
    cancel: None,
    seeded: true,
};

/// Every resource the sandbox keeps state for.
pub static RESOURCES: &[Resource] = &[
    Resource {
        provider: Provider::OnePay,
        kind: "cashout",
        creates: &[("createCashout", None)],
        gets: &[("getCashout", IdFrom::Path("id"))],
        lists: &["listCashouts"],
        status_field: Some("status"),
        flow: &["pending", "processing", "processed"],
        status_enum: Some("CashoutStatus"),
        amount_field: Some("amount"),
        created_field: Some("created_at"),
        ..BASE
    },
    Resource {
        provider: Provider::OnePay,
        kind: "charge",
        creates: &[("createCharge", None)],
        gets: &[("getCharge", IdFrom::Path("id"))],
        lists: &["listCharges"],
        status_field: Some("status"),
        flow: &["created", "processing", "paid"],
        status_enum: Some("ChargeStatus"),
        amount_field: Some("amount"),
        created_field: Some("created_at"),
        cancel: Some(("cancelCharge", "failed")),
        ..BASE
    },
    Resource {
        provider: Provider::OnePay,
        kind: "customer",
        creates: &[("createCustomer", None)],
        gets: &[("getCustomer", IdFrom::Path("id"))],
        lists: &["listCustomers"],
        created_field: Some("created_at"),
        ..BASE
    },
    Resource {
        provider: Provider::OnePay,
        kind: "account",
        creates: &[("createAccount", None)],
        gets: &[("getAccount", IdFrom::Path("id"))],
        lists: &["listAccounts"],
        status_field: Some("status"),
        flow: &["PENDING", "ACTIVE"],
        ..BASE
    },
    Resource {
        provider: Provider::OnChainPay,
        kind: "order",
        creates: &[("createOrder", None)],
        gets: &[("getOrder", IdFrom::Body(&["orderId"]))],
        lists: &["listOrders"],
        id_field: "orderId",
        status_field: Some("status"),
        flow: &["init", "pending", "processed"],
        status_enum: Some("OrderStatus"),
        amount_field: Some("amount"),
        created_field: Some("createdAt"),
        ..BASE
    },
    Resource {
        provider: Provider::OnChainPay,
        kind: "withdrawal",
        creates: &[("createWithdrawal", None), ("createWithdrawalAsync", None)],
        gets: &[("getWithdrawal", IdFrom::Body(&["withdrawalId"]))],
        status_field: Some("status"),
        flow: &["pending", "processed"],
        amount_field: Some("amount"),
        created_field: Some("createdAt"),
        ..BASE
    },
    Resource {
        provider: Provider::OnChainPay,
        kind: "invoice",
        creates: &[("createInvoice", None)],
        gets: &[("getInvoice", IdFrom::Body(&["invoiceId", "id"]))],
        lists: &["listInvoices"],
        status_field: Some("status"),
        flow: &["CREATED", "PENDING", "PROCESSED"],
        status_enum: Some("InvoiceStatus"),
        amount_field: Some("amount"),
        created_field: Some("createdAt"),
        ..BASE
    },
    Resource {
        provider: Provider::OnChainPay,
        kind: "auto-swap",
        creates: &[("createAutoSwap", None)],
        gets: &[("getAutoSwap", IdFrom::Body(&["id"]))],
        status_field: Some("status"),
        flow: &["PENDING", "WITHDRAWING", "PROCESSED"],
        created_field: Some("createdAt"),
        ..BASE
    },
    Resource {
        provider: Provider::FirstPay,
        kind: "payment",
        creates: &[("createPayIn", Some(("type", "PAY_IN"))), ("createPayOut", Some(("type", "PAY_OUT")))],
        gets: &[("getPaymentStatus", IdFrom::Body(&["paymentId", "merchantPaymentId"]))],
        lists: &["listPayments"],
        status_field: Some("status"),
        flow: &["PENDING", "SUCCESS"],
        status_enum: Some("PaymentStatus"),
        amount_field: Some("amount"),
        created_field: Some("createdAt"),
        ranges: &[("createdAtFrom", "createdAt", Cmp::AtLeast), ("createdAtTo", "createdAt", Cmp::AtMost)],
        ..BASE
    },
    Resource {
        provider: Provider::FireKassa,
        kind: "transaction",
        creates: &[
            ("createDepositTransaction", Some(("action", "deposit"))),
            ("createDepositTransactionLegacy", Some(("action", "deposit"))),
            ("createWithdrawalTransaction", Some(("action", "withdrawal"))),
            ("createWithdrawalTransactionLegacy", Some(("action", "withdrawal"))),
            ("createInvoice", Some(("type", "invoice"))),
        ],
        gets: &[("getTransaction", IdFrom::Path("id")), ("getInvoice", IdFrom::Path("id"))],
        lists: &["getTransactions", "getInvoices"],
        status_field: Some("status"),
        flow: &["process", "paid"],
        status_enum: Some("TransactionStatus"),
        amount_field: Some("amount"),
        created_field: Some("created_at"),
        ranges: &[
            ("filter[create_at][start]", "created_at", Cmp::AtLeast),
            ("filter[create_at][end]", "created_at", Cmp::AtMost),
            ("filter[created_at][min]", "created_at", Cmp::AtLeast),
            ("filter[amount][min]", "amount", Cmp::AtLeast),
            ("filter[amount][max]", "amount", Cmp::AtMost),
        ],
        cancel: Some(("cancelTransaction", "cancel")),
        ..BASE
    },
    Resource {
        provider: Provider::OnlyOnePays,
        kind: "operation",
        creates: &[],
        gets: &[("getOperationById", IdFrom::Path("id")), ("getOperationByExternalId", IdFrom::Path("external_id"))],
        lists: &["searchOperations", "getOperationsByIds"],
        status_field: Some("status"),
        flow: &["in_progress", "success"],
        amount_field: Some("amount_local"),
        created_field: Some("date_created"),
        ranges: &[
            ("date_from", "date_created", Cmp::AtLeast),
            ("date_to", "date_created", Cmp::AtMost),
            ("amount_min", "amount_local", Cmp::AtLeast),
            ("amount_max", "amount_local", Cmp::AtMost),
        ],
        aliases: &[("type", "operation_type")],
        ..BASE
    },
];

/// A webhook the sandbox owes someone.
#[derive(Clone, Debug)]
pub struct Outbox {
    /// Provider.
    pub provider: Provider,
    /// Kind.
    pub kind: &'static str,
    /// The object after the change.
    pub object: Value,
}

/// Everything the sandbox remembers.
#[derive(Default)]
pub struct Store {
    /// Objects per (provider, kind), in creation order (seeded first).
    pub objects: BTreeMap<(Provider, &'static str), Vec<Value>>,
    /// How many objects clients created, per (provider, kind).
    pub created: BTreeMap<(Provider, &'static str), u64>,
    /// OnePay idempotency: key -> (request body, response).
    pub idempotency: HashMap<String, (Value, Value)>,
    /// OnChainPay nonces seen, per public key (the most recent ones).
    pub nonces: RecentNonces,
    /// Counter for ids.
    pub next_id: u64,
    /// Position of each object by its id, per (provider, kind): gets stay fast on large data sets.
    pub ids: HashMap<(Provider, &'static str), HashMap<String, usize>>,
    /// What clients' creates hold, in bytes of JSON (the object, and for a keyed create the
    /// request and response kept for the key): bounded by [`Store::CREATED_BYTES_LIMIT`].
    pub created_bytes: usize,
}

impl Store {
    /// The most that clients' creates may hold (256 MiB): past it a create is answered 507, so a
    /// client creating in a loop with large bodies cannot take the machine's memory.
    pub const CREATED_BYTES_LIMIT: usize = 256 << 20;
}

/// The OnChainPay nonces seen most recently: every signed request adds one, reads included, so
/// the set is bounded and forgets the oldest first. A nonce older than the last
/// [`RecentNonces::CAPACITY`] is accepted again, a leniency no test of a client can notice.
#[derive(Default)]
pub struct RecentNonces {
    seen: HashSet<(String, String)>,
    order: std::collections::VecDeque<(String, String)>,
}

impl RecentNonces {
    /// How many nonces are remembered.
    pub const CAPACITY: usize = 100_000;

    /// Records a nonce of a public key; `false` if it was already seen (a replay).
    pub fn insert(&mut self, entry: (String, String)) -> bool {
        if !self.seen.insert(entry.clone()) {
            return false;
        }
        self.order.push_back(entry);
        if self.order.len() > Self::CAPACITY
            && let Some(oldest) = self.order.pop_front()
        {
            self.seen.remove(&oldest);
        }
        true
    }
}

/// An id as text, whatever its JSON type.
pub fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl Store {
    /// Keeps an object (last, so newest) and indexes its id.
    pub fn insert(&mut self, resource: &Resource, object: Value) {
        let key = (resource.provider, resource.kind);
        let list = self.objects.entry(key).or_default();
        if let Some(id) = object.get(resource.id_field).and_then(id_text) {
            self.ids.entry(key).or_default().insert(id, list.len());
        }
        list.push(object);
    }

    /// The object of `resource` with this id.
    pub fn by_id(&mut self, resource: &Resource, id: &str) -> Option<&mut Value> {
        let key = (resource.provider, resource.kind);
        let index = *self.ids.get(&key)?.get(id)?;
        self.objects.get_mut(&key)?.get_mut(index)
    }
}

/// The resource an operation belongs to, and the role it plays.
pub fn resource_of(provider: Provider, op: &str) -> Option<(&'static Resource, Role)> {
    RESOURCES.iter().filter(|r| r.provider == provider).find_map(|r| {
        if let Some((_, fixed)) = r.creates.iter().find(|(c, _)| *c == op) {
            return Some((r, Role::Create(*fixed)));
        }
        if let Some((_, from)) = r.gets.iter().find(|(g, _)| *g == op) {
            return Some((r, Role::Get(*from)));
        }
        if r.lists.contains(&op) {
            return Some((r, Role::List));
        }
        match r.cancel {
            Some((c, status)) if c == op => Some((r, Role::Cancel(status))),
            _ => None,
        }
    })
}

/// What an operation does to its resource.
#[derive(Clone, Copy, Debug)]
pub enum Role {
    /// Creates an object (with a field value the operation implies).
    Create(Option<(&'static str, &'static str)>),
    /// Reads one.
    Get(IdFrom),
    /// Lists them.
    List,
    /// Moves one to a final status.
    Cancel(&'static str),
}

/// A small deterministic generator for the seeded data set.
pub struct Rng(u64);

impl Rng {
    /// Seeded.
    pub fn new(seed: u64) -> Self {
        Self(seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407))
    }

    /// Next value.
    pub fn next_u64(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545F4914F6CDD1D)
    }

    /// In `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next_u64() % n }
    }
}

/// An id of the same JSON type as the template's.
pub fn make_id(template: &Value, provider: Provider, kind: &str, n: u64) -> Value {
    match template {
        Value::Number(_) => json!(1_000_000 + n),
        Value::String(s) if s.chars().all(|c| c.is_ascii_digit()) && !s.is_empty() => {
            json!(format!("{}", 500_000_000 + n))
        }
        _ => json!(format!("{}-{kind}-{n:07}", &provider.name()[..3])),
    }
}

/// A decimal amount of the same JSON type as the template's (string with its decimals, or number).
pub fn make_amount(template: &Value, cents: u64) -> Value {
    match template {
        Value::String(s) => {
            let decimals = s.split('.').nth(1).map_or(0, str::len);
            let text = match decimals {
                0 => format!("{}", cents / 100),
                d => format!("{}.{:0<width$}", cents / 100, format!("{:02}", cents % 100), width = d),
            };
            json!(text)
        }
        Value::Number(n) if n.is_u64() || n.is_i64() => json!(cents / 100 * 100),
        _ => Value::Number(serde_json::Number::from_f64((cents as f64) / 100.0).unwrap_or_else(|| 0.into())),
    }
}

/// RFC 3339 time `minutes` after 2026-01-01T00:00:00Z.
pub fn make_time(minutes: u64) -> String {
    let start = chrono::DateTime::from_timestamp(1_767_225_600, 0).expect("a valid instant");
    (start + chrono::Duration::minutes(minutes as i64)).format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The template object of a resource: the first item of its list example, else its get or
/// create example.
pub fn template(resource: &Resource, ops: &[Op]) -> Option<Value> {
    let by_id = |id: &str| ops.iter().find(|o| o.id == id);
    for list in resource.lists {
        let Some(op) = by_id(list) else { continue };
        let items = op.pagination.as_ref().map_or(".", |p| p.items.as_str());
        let example = op.example.as_ref()?;
        let array = if items == "." { Some(example) } else { example.get(items) };
        if let Some(first) = array.and_then(Value::as_array).and_then(|a| a.first()) {
            return Some(first.clone());
        }
    }
    // no list: the get example, else the create example
    let fallback = resource.gets.iter().map(|(op, _)| *op).chain(resource.creates.iter().map(|(op, _)| *op));
    fallback.into_iter().find_map(|op| by_id(op).and_then(|o| o.example.clone()))
}

/// Builds the seeded data set: `size` objects of every seeded kind (or only of `only`: a
/// provider, `onepay`, or one of its kinds, `onepay/cashout`), the same for the same seed.
pub fn seed(
    store: &mut Store,
    ops_by_provider: &BTreeMap<Provider, Vec<Op>>,
    size: usize,
    seed: u64,
    only: Option<&str>,
) {
    let chosen = |r: &Resource| match only {
        None => true,
        Some(only) => {
            let (provider, kind) = only.split_once('/').unwrap_or((only, ""));
            r.provider.name() == provider && (kind.is_empty() || r.kind == kind)
        }
    };
    for resource in RESOURCES.iter().filter(|r| r.seeded && chosen(r)) {
        let ops = &ops_by_provider[&resource.provider];
        let Some(template) = template(resource, ops) else { continue };
        let mut statuses: Vec<String> = resource.flow.iter().map(|s| (*s).to_owned()).collect();
        if let Some(name) = resource.status_enum {
            // also the statuses the spec lists beyond the flow (failed, expired, ...)
            for v in crate::spec::enum_values(resource.provider, name) {
                if !statuses.contains(&v) {
                    statuses.push(v);
                }
            }
        }
        let mut rng = Rng::new(seed ^ (resource.kind.len() as u64) << 8 ^ resource.provider as u64);
        for i in 0..size as u64 {
            let mut obj = template.clone();
            let Some(map) = obj.as_object_mut() else { continue };
            let id_template = map.get(resource.id_field).cloned().unwrap_or(Value::Null);
            map.insert(resource.id_field.into(), make_id(&id_template, resource.provider, resource.kind, i));
            if let Some(field) = resource.status_field.filter(|f| map.contains_key(*f))
                && !statuses.is_empty()
            {
                map.insert(field.into(), json!(statuses[rng.below(statuses.len() as u64) as usize]));
            }
            if let Some(field) = resource.amount_field.filter(|f| map.contains_key(*f)) {
                let cents = 1_000 + rng.below(2_000_000);
                let t = map[field].clone();
                map.insert(field.into(), make_amount(&t, cents));
            }
            if let Some(field) = resource.created_field.filter(|f| map.contains_key(*f)) {
                // spread over the first ~300 days of 2026, in creation order
                map.insert(field.into(), json!(make_time(i * 431_000 / size.max(1) as u64)));
            }
            for (field, values) in [
                ("operation_type", &["payin", "payout"][..]),
                ("type", &["PAY_IN", "PAY_OUT"][..]),
                ("action", &["deposit", "withdrawal"][..]),
            ] {
                if map.get(field).and_then(Value::as_str).is_some_and(|v| values.contains(&v)) {
                    map.insert(field.into(), json!(values[(i % 2) as usize]));
                }
            }
            // merchant references are unique per object, as a merchant's own ids would be
            for field in ["aggregator_external_id", "merchantPaymentId", "clientOrderId", "order_id", "external_id"] {
                // a `null` example (OnePay's optional `external_id`) gets one too: the records a
                // ledger is reconciled against need the merchant's reference
                if let Some(v) = map.get_mut(field).filter(|v| v.is_string() || v.is_null()) {
                    *v = json!(format!("{}-{i:07}", v.as_str().unwrap_or(resource.kind)));
                }
            }
            store.insert(resource, obj);
        }
    }
}

/// Request parameters of a list call, query and body merged.
pub fn params(query: &HashMap<String, String>, body: &Value) -> Map<String, Value> {
    let mut out: Map<String, Value> = body.as_object().cloned().unwrap_or_default();
    for (k, v) in query {
        out.insert(k.clone(), Value::String(v.clone()));
    }
    out
}

fn as_u64(v: Option<&Value>) -> Option<u64> {
    match v? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Whether an object passes the list request's filters.
/// A request parameter that filters nothing: paging, empty, or the signature's nonce.
fn ignored(name: &str, want: &Value, paging: &[&str]) -> bool {
    paging.contains(&name) || want.is_null() || matches!(want, Value::Array(a) if a.is_empty()) || name == "nonce"
}

fn matches(resource: &Resource, obj: &Value, params: &Map<String, Value>, paging: &[&str]) -> bool {
    for (name, want) in params {
        if ignored(name, want, paging) {
            continue;
        }
        if let Some((_, field, cmp)) = resource.ranges.iter().find(|(p, _, _)| p == name) {
            let Some(have) = obj.get(*field) else { continue };
            let ok = match (have, want) {
                // times: ISO strings compare as strings; FirstPay sends epoch milliseconds
                (Value::String(h), Value::Number(w)) if h.contains('T') => {
                    let w = w.as_u64().unwrap_or(0) / 1000;
                    let h = iso_seconds(h);
                    match cmp {
                        Cmp::AtLeast => h >= w,
                        Cmp::AtMost => h <= w,
                    }
                }
                (Value::String(h), Value::String(w)) if h.contains('T') => match cmp {
                    Cmp::AtLeast => iso_seconds(h) >= iso_seconds(w),
                    Cmp::AtMost => iso_seconds(h) <= iso_seconds(w),
                },
                _ => match (number(have), number(want)) {
                    (Some(h), Some(w)) => match cmp {
                        Cmp::AtLeast => h >= w,
                        Cmp::AtMost => h <= w,
                    },
                    _ => true,
                },
            };
            if !ok {
                return false;
            }
            continue;
        }
        let plain = name.strip_prefix("filter[").and_then(|n| n.strip_suffix(']')).unwrap_or(name);
        let field = resource.aliases.iter().find(|(p, _)| *p == plain).map_or(plain, |(_, f)| *f);
        let Some(have) = obj.get(field).and_then(text) else { continue };
        let ok = match want {
            Value::Array(options) => options.iter().filter_map(text).any(|o| o == have),
            other => text(other).is_none_or(|w| w.split(',').any(|w| w == have)),
        };
        if !ok {
            return false;
        }
    }
    true
}

/// Seconds since the epoch of an RFC 3339 time (what the sandbox writes; 0 if unreadable).
pub fn iso_seconds(s: &str) -> u64 {
    s.parse::<pspkit::Timestamp>().map(|t| t.to_utc().timestamp().max(0) as u64).unwrap_or(0)
}

/// Answers a list operation from a resource's objects, paged the way `x-pagination` says.
pub fn list_response(resource: &Resource, op: &Op, objects: &[Value], params: &Map<String, Value>) -> Value {
    // a list without `x-pagination` is answered as one numbered page of the bare array
    let p = op.pagination.as_ref();
    let key = |k: &str| p.and_then(|p| p.key(k)).unwrap_or("");
    let style = p.map_or(PaginationStyle::PageNumber, |p| p.style);
    let paging: Vec<&str> =
        ["page", "page-size", "cursor", "offset", "limit"].iter().map(|k| key(k)).filter(|k| !k.is_empty()).collect();
    // without a filter, a page is a slice: a walk of a million objects stays linear
    let filters = params.iter().any(|(name, want)| !ignored(name, want, &paging));
    let filtered: Vec<&Value> =
        if filters { objects.iter().filter(|o| matches(resource, o, params, &paging)).collect() } else { Vec::new() };
    let total = if filters { filtered.len() } else { objects.len() };
    let first_page = p.and_then(|p| p.first_page).unwrap_or(1);
    let size = as_u64(params.get(key(if style == PaginationStyle::Offset { "limit" } else { "page-size" })))
        .unwrap_or(20)
        .clamp(1, 1000) as usize;
    let (start, page_number) = match style {
        PaginationStyle::Offset => (as_u64(params.get(key("offset"))).unwrap_or(0) as usize, 0),
        PaginationStyle::Keyset => {
            let cursor = params.get(key("cursor")).and_then(text);
            let start = cursor
                .and_then(|c| {
                    let is_cursor = |o: &Value| o.get(resource.id_field).and_then(text).as_deref() == Some(c.as_str());
                    if filters {
                        filtered.iter().position(|o| is_cursor(o))
                    } else {
                        objects.iter().position(is_cursor)
                    }
                })
                .unwrap_or(0);
            (start, 0)
        }
        _ => {
            let page = as_u64(params.get(key("page"))).unwrap_or(first_page).max(first_page);
            (((page - first_page) as usize).saturating_mul(size), page)
        }
    };
    let page: Vec<Value> = if filters {
        filtered.iter().skip(start).take(size).map(|v| (*v).clone()).collect()
    } else {
        objects.iter().skip(start).take(size).cloned().collect()
    };
    let end = start + page.len();
    let items_field = key("items");
    let mut response = op.example.clone().unwrap_or(json!({}));
    if items_field == "." || items_field.is_empty() {
        return Value::Array(page);
    }
    let Some(map) = response.as_object_mut() else { return json!({ items_field: page }) };
    map.insert(items_field.into(), Value::Array(page));
    let total_pages = total.div_ceil(size).max(1);
    let set = |map: &mut Map<String, Value>, field: &str, value: Value| {
        if !field.is_empty() && map.contains_key(field) {
            map.insert(field.into(), value);
        }
    };
    set(map, "total", json!(total));
    set(map, "count", json!(total));
    set(map, key("total-pages"), json!(total_pages));
    set(map, key("total-items"), json!(total));
    set(map, key("page"), json!(page_number));
    set(map, key("page-size"), json!(size));
    set(map, "page_no", json!(page_number));
    set(map, "page_size", json!(size));
    set(map, "current_page", json!(page_number));
    set(map, "per_page", json!(size));
    set(map, "last_page", json!(total_pages));
    set(map, "from", if end > start { json!(start + 1) } else { Value::Null });
    set(map, "to", if end > start { json!(end) } else { Value::Null });
    if style == PaginationStyle::NextUrl {
        let next = (end < total).then(|| json!(format!("/{}{}?page={}", op.provider.name(), op.path, page_number + 1)));
        map.insert(key("next-url").into(), next.unwrap_or(Value::Null));
        set(map, "prev_page_url", Value::Null);
    }
    if style == PaginationStyle::Keyset {
        let next = filtered.get(end).and_then(|o| o.get(resource.id_field)).cloned().unwrap_or(Value::Null);
        map.insert(key("next-cursor").into(), next);
    }
    if style == PaginationStyle::PageUntilShort
        && let Some(page_info) = map.get_mut("page").and_then(Value::as_object_mut)
    {
        page_info.insert("number".into(), json!(page_number));
        page_info.insert("size".into(), json!(size));
    }
    response
}
