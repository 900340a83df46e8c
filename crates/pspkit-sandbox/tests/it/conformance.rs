//! Every operation of every spec is answered by the sandbox, and every answer validates against
//! the operation's response schema (JSON Schema, draft 2020-12, converted from OpenAPI 3.0).

use pspkit_sandbox::Provider;
use pspkit_sandbox::openapi::to_json_schema;
use pspkit_sandbox::spec::{self, Op, resolve};
use serde_json::{Value, json};

use crate::{credentials, sandbox};

/// The operation's parameters, path-level ones included, references resolved.
fn parameters(doc: &Value, op: &Op) -> Vec<Value> {
    let item = &doc["paths"][op.path.as_str()];
    let own = item[op.method.to_lowercase().as_str()]["parameters"].as_array().cloned().unwrap_or_default();
    let shared = item["parameters"].as_array().cloned().unwrap_or_default();
    shared.iter().chain(own.iter()).map(|p| resolve(doc, p).clone()).collect()
}

fn response_schema(doc: &Value, op: &Op) -> Option<Value> {
    let method = op.method.to_lowercase();
    let responses =
        doc.pointer(&format!("/paths/{}/{method}/responses", op.path.replace('~', "~0").replace('/', "~1")))?;
    let (_, response) = responses.as_object()?.iter().find(|(s, _)| s.starts_with('2'))?;
    let schema = resolve(doc, response).get("content")?.as_object()?.values().next()?.get("schema")?;
    Some(to_json_schema(doc, schema))
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
        for op in spec::operations(provider).expect("the extensions read") {
            let multipart = op.request_content_type.as_deref().is_some_and(|t| t.starts_with("multipart/"));
            let sample = sandbox.sample_id(provider, &op.id);
            let params = parameters(doc, &op);
            // every declared parameter a request needs, as the spec exemplifies it: path ids
            // are ones the sandbox knows, the rest the spec's example or first enum value
            let value = |p: &Value| {
                let schema = p.get("schema").map(|s| resolve(doc, s));
                p.get("example")
                    .or_else(|| schema.and_then(|s| s.get("enum")).and_then(|e| e.get(0)))
                    .or_else(|| schema.and_then(|s| s.get("example")))
                    .map(|v| v.as_str().map(str::to_owned).unwrap_or_else(|| v.to_string()))
            };
            let mut path = op.path.clone();
            let mut headers: Vec<(String, String)> = Vec::new();
            for p in &params {
                let name = p["name"].as_str().unwrap_or_default();
                match p["in"].as_str() {
                    Some("path") => {
                        let enumerated = p.pointer("/schema/enum").is_some();
                        let given = if enumerated { value(p) } else { sample.clone().or_else(|| value(p)) };
                        path = path.replace(&format!("{{{name}}}"), &given.unwrap_or_else(|| "card".into()));
                    }
                    Some("header") if p["required"] == json!(true) => {
                        headers.push((name.to_owned(), value(p).unwrap_or_else(|| "sandbox".into())));
                    }
                    _ => {}
                }
            }
            let mut body = op.request_example.clone().unwrap_or(json!({}));
            if let Some(map) = body.as_object_mut() {
                // the client adds a fresh one; the example's would be a replay after the first
                map.remove("nonce");
            }
            if let (Some(id), Some(map)) = (&sample, body.as_object_mut()) {
                for field in ["orderId", "withdrawalId", "invoiceId", "paymentId", "id"] {
                    // only a scalar id: a list of ids keeps the example's
                    if map.get(field).is_some_and(|v| v.is_string() || v.is_number()) {
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
            } else if op.method != "GET" && (op.method != "DELETE" || op.request_content_type.is_some()) {
                builder =
                    builder.header("content-type", "application/json").body(serde_json::to_vec(&body).expect("json"));
            }
            for (name, value) in &headers {
                builder = builder.header(name.as_str(), value.as_str());
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
    let total: usize = Provider::ALL.iter().map(|p| spec::operations(*p).expect("the extensions read").len()).sum();
    assert_eq!(checked, total, "every operation answered");
    println!("{checked} operations answered with schema-valid responses");
}
