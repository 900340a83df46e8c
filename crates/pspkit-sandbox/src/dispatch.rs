//! What a provider operation does to the sandbox's state: create (with OnePay's idempotency),
//! get, cancel and list, answered in the shape of the spec's example.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::refusal::now_secs;
use crate::respond::Answer;
use crate::server::State;
use crate::spec::Op;
use crate::store::{self, IdFrom, Role, Store};
use crate::sync::lock;

/// The object's fields copied onto a response template where the template has the same field.
fn overlay(template: &Value, object: &Value) -> Value {
    let mut out = template.clone();
    if let (Some(out_map), Some(obj)) = (out.as_object_mut(), object.as_object()) {
        for (k, v) in obj {
            if let Some(slot) = out_map.get_mut(k)
                && same_kind(slot, v)
            {
                *slot = v.clone();
            }
        }
    }
    out
}

/// Whether `b` may replace `a` in a response template without changing the field's JSON type
/// (a null only replaces a null: the template's schema may not allow it).
fn same_kind(a: &Value, b: &Value) -> bool {
    matches!(
        (a, b),
        (Value::String(_), Value::String(_))
            | (Value::Number(_), Value::Number(_))
            | (Value::Bool(_), Value::Bool(_))
            | (Value::Null, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null)
    )
}

/// The newest object whose `field` is `id` (a reference reused by a client finds its latest).
fn find<'a>(objects: &'a mut [Value], field: &str, id: &str) -> Option<&'a mut Value> {
    objects.iter_mut().rev().find(|o| match o.get(field) {
        Some(Value::String(s)) => s == id,
        Some(Value::Number(n)) => n.to_string() == id,
        _ => false,
    })
}

/// Roughly what a JSON value takes in memory: each value's slot and each text's bytes. A tree
/// takes many times its text (`[]` is 2 bytes of text and a 32-byte value), so the limit on what
/// clients create counts this, not the request's length.
fn held_size(value: &Value) -> usize {
    const SLOT: usize = std::mem::size_of::<Value>() + 16;
    SLOT + match value {
        Value::String(s) => s.len(),
        Value::Array(items) => items.iter().map(held_size).sum(),
        Value::Object(map) => map.iter().map(|(k, v)| SLOT + k.len() + held_size(v)).sum(),
        _ => 0,
    }
}

pub(crate) fn dispatch(
    state: &State,
    op: &Op,
    headers: &HashMap<String, String>,
    path: &HashMap<String, String>,
    query: &HashMap<String, String>,
    body: Value,
) -> Answer {
    // what the body takes in memory once held, measured before the store is locked
    let body_bytes = held_size(&body);
    let provider = op.provider;
    let ok = |value: Option<Value>| Answer { status: op.status, body: value, headers: Vec::new(), failed: false };
    let Some((resource, role)) = store::resource_of(provider, &op.id) else {
        // no state behind it: the spec's own example
        return ok(op.example.clone());
    };
    let ops = &state.ops[&provider];
    let mut store = lock(&state.store);
    match role {
        Role::Create(fixed) => {
            let key = op.idempotency_header.as_ref().and_then(|h| headers.get(&h.to_ascii_lowercase())).cloned();
            if let Some(key) = &key
                && let Some((first_body, first_response)) = store.idempotency.get(key)
            {
                return if *first_body == body {
                    ok(Some(first_response.clone()))
                } else {
                    Answer::error(provider, 409, "The idempotency key was already used with a different request")
                };
            }
            // the object, and for a keyed create the request and the response kept for the key,
            // with the key itself twice (its entry and the header kept in the request log)
            let size = body_bytes
                .saturating_mul(if key.is_some() { 3 } else { 1 })
                .saturating_add(key.as_ref().map_or(0, |k| 2 * k.len()));
            if store.created_bytes.saturating_add(size) > Store::CREATED_BYTES_LIMIT {
                let message = format!(
                    "The sandbox holds its limit of {} MiB of objects created by clients; restart it to begin again",
                    Store::CREATED_BYTES_LIMIT >> 20
                );
                return Answer::error(provider, 507, &message);
            }
            store.created_bytes += size;
            let template = store::template(resource, ops).unwrap_or(json!({}));
            store.next_id += 1;
            let n = store.next_id;
            let mut object = overlay(&template, &body);
            if let Some(map) = object.as_object_mut() {
                let id_template = map.get(resource.id_field).cloned().unwrap_or(json!("x"));
                let id = store::make_id(&id_template, provider, resource.kind, 9_000_000 + n);
                map.insert(resource.id_field.into(), id);
                if let (Some(field), Some(first)) = (resource.status_field, resource.flow.first())
                    && map.contains_key(field)
                {
                    map.insert(field.into(), json!(first));
                }
                if let Some(field) = resource.created_field.filter(|f| map.contains_key(*f)) {
                    map.insert(field.into(), json!(store::make_time((now_secs().saturating_sub(1_767_225_600)) / 60)));
                }
                if let Some((field, value)) = fixed
                    && map.contains_key(field)
                {
                    map.insert(field.into(), json!(value));
                }
            }
            let response = op.example.as_ref().map(|e| overlay(e, &object)).unwrap_or_else(|| object.clone());
            let id = object.get(resource.id_field).map(|v| v.to_string()).unwrap_or_default();
            lock(&state.client_created).insert(format!("{}:{}:{}", provider.name(), resource.kind, id));
            *store.created.entry((provider, resource.kind)).or_default() += 1;
            store.insert(resource, object);
            if let Some(key) = key {
                store.idempotency.insert(key, (body, response.clone()));
            }
            ok(Some(response))
        }
        Role::Get(_) | Role::Cancel(_) => {
            let from = from_of(role).unwrap_or(IdFrom::Path("id"));
            let given = match from {
                IdFrom::Path(p) => path.get(p).map(|id| (p, id.clone())),
                IdFrom::Body(fields) => fields.iter().find_map(|f| {
                    let v = body.get(*f)?;
                    Some((*f, v.as_str().map(str::to_owned).or_else(|| v.as_u64().map(|n| n.to_string()))?))
                }),
            };
            let Some((name, id)) = given else { return Answer::error(provider, 400, "An id is required") };
            // the stored field the id is looked up in: a field of that name, else the id
            let has_field = |n: &str| {
                store
                    .objects
                    .get(&(provider, resource.kind))
                    .and_then(|o| o.first())
                    .is_some_and(|o| o.get(n).is_some())
            };
            let field = match name {
                "external_id" => "aggregator_external_id",
                n if n != resource.id_field && has_field(n) => n,
                _ => resource.id_field,
            };
            let found = if field == resource.id_field {
                store.by_id(resource, &id)
            } else {
                find(store.objects.entry((provider, resource.kind)).or_default(), field, &id)
            };
            let Some(object) = found else {
                return Answer::error(provider, 404, &format!("{} {id} not found", resource.kind));
            };
            if let (Role::Cancel(status), Some(f)) = (role, resource.status_field) {
                object[f] = json!(status);
            }
            let mut response = op.example.as_ref().map(|e| overlay(e, object)).unwrap_or_else(|| object.clone());
            if let (Some(map), Some(idv)) = (response.as_object_mut(), object.get(resource.id_field))
                && map.contains_key(resource.get_id_field)
            {
                map.insert(resource.get_id_field.into(), idv.clone());
            }
            ok(Some(response))
        }
        Role::List => {
            let params = store::params(query, &body);
            let objects = store.objects.get(&(provider, resource.kind)).map(Vec::as_slice).unwrap_or(&[]);
            ok(Some(store::list_response(resource, op, objects, &params)))
        }
    }
}

fn from_of(role: Role) -> Option<IdFrom> {
    match role {
        Role::Get(from) => Some(from),
        Role::Cancel(_) => Some(IdFrom::Path("id")),
        _ => None,
    }
}
