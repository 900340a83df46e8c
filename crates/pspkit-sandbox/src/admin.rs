//! The sandbox's own endpoints: inspection of what was created and requested, and moving
//! client-created objects through their statuses (with the webhooks that causes).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use serde_json::{Map, Value, json};

use crate::auth::Credentials;
use crate::refusal::now_secs;
use crate::server::State;
use crate::spec::Provider;
use crate::store::{RESOURCES, Resource};
use crate::sync::lock;

pub(crate) fn inspect(state: &State) -> Value {
    let store = lock(&state.store);
    let mut created: Map<String, Value> = Map::new();
    let mut objects: Map<String, Value> = Map::new();
    for ((p, kind), n) in &store.created {
        created.entry(p.name()).or_insert_with(|| json!({}))[*kind] = json!(n);
    }
    for ((p, kind), list) in &store.objects {
        objects.entry(p.name()).or_insert_with(|| json!({}))[*kind] = json!(list.len());
    }
    let log = lock(&state.requests).inspect();
    json!({
        "created": created,
        "objects": objects,
        "requests": log["requests"],
        "requests_total": log["requests_total"],
        "recent_requests": log["recent_requests"],
        "webhooks_sent": state.webhooks_sent.load(Ordering::Relaxed),
    })
}

/// Moves every client-created object one status on and delivers the webhooks that causes.
pub(crate) async fn advance(state: Arc<State>) -> Value {
    let created = lock(&state.client_created).clone();
    let mut moved = Vec::new();
    {
        let mut store = lock(&state.store);
        for resource in RESOURCES.iter() {
            let (Some(field), false) = (resource.status_field, resource.flow.is_empty()) else { continue };
            let Some(list) = store.objects.get_mut(&(resource.provider, resource.kind)) else { continue };
            for object in list.iter_mut() {
                let id = object.get(resource.id_field).map(|v| v.to_string()).unwrap_or_default();
                if !created.contains(&format!("{}:{}:{}", resource.provider.name(), resource.kind, id)) {
                    continue;
                }
                let current = object.get(field).and_then(Value::as_str).unwrap_or("").to_owned();
                let Some(pos) = resource.flow.iter().position(|s| *s == current) else { continue };
                let Some(next) = resource.flow.get(pos + 1) else { continue };
                object[field] = json!(next);
                moved.push((resource, object.clone()));
            }
        }
    }
    let summary: Vec<Value> = moved
        .iter()
        .map(|(r, o)| json!({"provider": r.provider.name(), "kind": r.kind, "id": o.get(r.id_field), "status": o.get(r.status_field.unwrap_or(""))}))
        .collect();
    if let Some(url) = state.config.webhook_url.clone() {
        for (resource, object) in moved {
            if let Some((headers, body)) = webhook(&state.config.credentials, resource, &object) {
                let target = format!("{}/{}", url.trim_end_matches('/'), resource.provider.name());
                let mut request = state.http.post(target).header("content-type", "application/json").body(body);
                for (k, v) in headers {
                    request = request.header(k, v);
                }
                if request.send().await.is_ok() {
                    state.webhooks_sent.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    json!({"moved": summary})
}

/// The signed webhook (headers, body) a status change causes, for providers that send them.
/// A webhook to deliver: extra headers and the body.
type Delivery = (Vec<(&'static str, String)>, Vec<u8>);

fn webhook(creds: &Credentials, resource: &Resource, object: &Value) -> Option<Delivery> {
    use pspkit::SecretString;
    let status = object.get(resource.status_field?).and_then(Value::as_str).unwrap_or("");
    match resource.provider {
        Provider::OnePay => {
            let body = serde_json::to_vec(&json!({
                resource.kind: object,
                "event": {"type": format!("{}.{status}", resource.kind), "timestamp": now_secs(), "environment": "test"}
            }))
            .ok()?;
            let signature =
                pspkit::webhooks::onepay::sign(&SecretString::from(creds.onepay_webhook_secret.as_str()), &body);
            Some((vec![("x-signature", signature), ("x-webhook-token", "wh_hdr_sandbox".into())], body))
        }
        Provider::OnChainPay => {
            let body = serde_json::to_vec(object).ok()?;
            let signature =
                pspkit::webhooks::onchainpay::sign(&SecretString::from(creds.onchainpay_secret_key.as_str()), &body);
            Some((
                vec![("x-api-public-key", creds.onchainpay_public_key.clone()), ("x-api-signature", signature)],
                body,
            ))
        }
        Provider::FirstPay => {
            let mut postback = object.clone();
            postback.as_object_mut()?.insert("publicKey".into(), json!(creds.firstpay_public_pem));
            let key = pspkit::signing::RsaSigningKey::from_pem(&creds.firstpay_private_pem).ok()?;
            let body = pspkit::webhooks::firstpay::sign(&serde_json::to_vec(&postback).ok()?, &key).ok()?;
            Some((Vec::new(), body))
        }
        _ => None,
    }
}
