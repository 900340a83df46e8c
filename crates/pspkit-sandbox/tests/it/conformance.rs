//! Every operation of every spec is answered by the sandbox, and every answer validates against
//! the operation's response schema (JSON Schema, draft 2020-12, converted from OpenAPI 3.0).

use pspkit_sandbox::Provider;
use pspkit_sandbox::spec::{self, Op};
use serde_json::{Map, Value, json};

use crate::{credentials, sandbox};

/// OpenAPI 3.0 schema -> JSON Schema: `nullable` becomes `anyOf [.., null]`, references point
/// into `$defs`, OpenAPI-only keywords go.
fn convert(node: &Value) -> Value {
    match node {
        Value::Object(map) => {
            let mut out = Map::new();
            for (k, v) in map {
                match k.as_str() {
                    "nullable" | "example" | "discriminator" | "xml" | "externalDocs" | "deprecated" | "readOnly"
                    | "writeOnly" => {}
                    k if k.starts_with("x-") => {}
                    "$ref" => {
                        let target = v.as_str().unwrap_or("").replace("#/components/schemas/", "#/$defs/");
                        out.insert(k.clone(), json!(target));
                    }
                    "properties" | "$defs" => {
                        let props: Map<String, Value> =
                            v.as_object().into_iter().flatten().map(|(name, s)| (name.clone(), convert(s))).collect();
                        out.insert(k.clone(), Value::Object(props));
                    }
                    _ => {
                        out.insert(k.clone(), convert(v));
                    }
                }
            }
            if map.get("nullable") == Some(&json!(true)) {
                let mut inner = Value::Object(out);
                if let Some(values) = inner.get_mut("enum").and_then(Value::as_array_mut) {
                    values.push(Value::Null);
                }
                return json!({"anyOf": [inner, {"type": "null"}]});
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(convert).collect()),
        other => other.clone(),
    }
}

fn response_schema(doc: &Value, op: &Op) -> Option<Value> {
    let method = op.method.to_lowercase();
    let responses =
        doc.pointer(&format!("/paths/{}/{method}/responses", op.path.replace('~', "~0").replace('/', "~1")))?;
    let (_, mut response) = responses.as_object()?.iter().find(|(s, _)| s.starts_with('2'))?;
    while let Some(r) = response.get("$ref").and_then(Value::as_str) {
        response = doc.pointer(r.trim_start_matches('#'))?;
    }
    let schema = response.get("content")?.as_object()?.values().next()?.get("schema")?;
    let mut converted = convert(schema);
    let defs = convert(&json!({"$defs": doc.pointer("/components/schemas").cloned().unwrap_or(json!({}))}));
    if let Some(map) = converted.as_object_mut() {
        map.insert("$defs".into(), defs["$defs"].clone());
    } else {
        converted = json!({"allOf": [converted], "$defs": defs["$defs"]});
    }
    Some(converted)
}

#[tokio::test]
async fn every_operation_is_answered_and_schema_valid() {
    let sandbox = sandbox().await;
    pspkit::install_crypto_provider();
    let http = reqwest::Client::new();
    let mut failures = Vec::new();
    let mut checked = 0;
    for provider in Provider::ALL {
        let doc = provider.spec();
        let creds = credentials(&sandbox, provider);
        for op in spec::operations(provider) {
            let multipart = op.request_content_type.as_deref().is_some_and(|t| t.starts_with("multipart/"));
            let sample = sandbox.sample_id(provider, &op.id);
            let mut path = op.path.clone();
            while let Some(start) = path.find('{') {
                let end = path[start..].find('}').map_or(path.len(), |e| start + e + 1);
                let value = sample.clone().unwrap_or_else(|| "card".into());
                path.replace_range(start..end, &value);
            }
            let mut body = op.request_example.clone().unwrap_or(json!({}));
            if let (Some(id), Some(map)) = (&sample, body.as_object_mut()) {
                for field in ["orderId", "withdrawalId", "invoiceId", "paymentId", "id"] {
                    if map.contains_key(field) {
                        map.insert(field.into(), json!(id));
                    }
                }
            }
            let url = format!("{}{path}", sandbox.base_url(provider.name()));
            let method = reqwest::Method::from_bytes(op.method.as_bytes()).expect("method");
            let mut builder = http.request(method, &url);
            if multipart {
                // FirstPay's media upload (written by hand in clients): publicKey, hash and the file
                let key = &sandbox.credentials().firstpay_public_pem;
                let form = format!(
                    "--b\r\nContent-Disposition: form-data; name=\"publicKey\"\r\n\r\n{key}\r\n--b\r\nContent-Disposition: form-data; name=\"hash\"\r\n\r\nx\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.png\"\r\n\r\nPNG\r\n--b--\r\n"
                );
                builder = builder.header("content-type", "multipart/form-data; boundary=b").body(form);
            } else if op.method != "GET" && op.method != "DELETE" {
                builder =
                    builder.header("content-type", "application/json").body(serde_json::to_vec(&body).expect("json"));
            }
            if let Some(h) = &op.idempotency_header {
                builder = builder.header(h.as_str(), pspkit::auth::new_idempotency_key());
            }
            let mut request = builder.build().expect("request");
            if !multipart {
                creds.apply(&mut request).expect("signs");
            }
            let response = http.execute(request).await.expect("answered");
            let status = response.status().as_u16();
            let bytes = response.bytes().await.expect("body");
            let label = format!("{} {} {} {}", provider.name(), op.id, op.method, path);
            if status != op.status {
                failures.push(format!(
                    "{label}: HTTP {status}, spec says {}: {}",
                    op.status,
                    String::from_utf8_lossy(&bytes)
                ));
                continue;
            }
            checked += 1;
            let Some(schema) = response_schema(doc, &op) else { continue };
            if op.content_type.as_deref() != Some("application/json") {
                continue;
            }
            let mut value: Value = match serde_json::from_slice(&bytes) {
                Ok(v) => v,
                Err(e) => {
                    failures.push(format!("{label}: not JSON: {e}"));
                    continue;
                }
            };
            if provider == Provider::OnChainPay {
                assert_eq!(value["success"], json!(true), "{label}");
                value = value["response"].take();
            }
            let validator = jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{label}: schema: {e}"));
            for error in validator.iter_errors(&value).take(3) {
                failures.push(format!("{label}: {} at {}", error, error.instance_path()));
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
    let total: usize = Provider::ALL.iter().map(|p| spec::operations(*p).len()).sum();
    assert_eq!(checked, total, "every operation answered");
    println!("{checked} operations answered with schema-valid responses");
}
