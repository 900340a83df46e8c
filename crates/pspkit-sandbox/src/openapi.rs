//! OpenAPI 3.0 schemas as JSON Schema (draft 2020-12), so that a maintained validator checks
//! requests exactly as the specs describe them.

use std::collections::BTreeSet;

use serde_json::{Map, Value, json};

/// Formats both this validator and the usual clients' generators know. The specs' own formats
/// (`decimal`, `id`, `int64`, `binary`, ...) only document intent: the schema's type and pattern
/// say what is allowed, and a string no one can check is not refused.
const CHECKED_FORMATS: &[&str] = &["date-time", "date", "time", "email", "uri", "uuid", "ipv4", "ipv6"];

/// `schema` (a node of `doc`) as a self-contained JSON Schema: every component it reaches,
/// directly or not, is copied into `$defs`.
pub fn to_json_schema(doc: &Value, schema: &Value) -> Value {
    let mut reached = BTreeSet::new();
    let mut converted = convert(schema, &mut reached);
    let mut defs = Map::new();
    let mut pending: Vec<String> = reached.iter().cloned().collect();
    while let Some(name) = pending.pop() {
        if defs.contains_key(&name) {
            continue;
        }
        let source = doc.pointer(&format!("/components/schemas/{name}")).unwrap_or(&Value::Bool(true));
        let mut more = BTreeSet::new();
        defs.insert(name, convert(source, &mut more));
        pending.extend(more.into_iter().filter(|n| !defs.contains_key(n)));
    }
    if defs.is_empty() {
        return converted;
    }
    match converted.as_object_mut() {
        Some(map) if !map.contains_key("$ref") => {
            map.insert("$defs".into(), Value::Object(defs));
            converted
        }
        // a bare reference keeps its meaning inside allOf
        _ => json!({"allOf": [converted], "$defs": defs}),
    }
}

fn convert(node: &Value, reached: &mut BTreeSet<String>) -> Value {
    let Some(map) = node.as_object() else { return node.clone() };
    if let Some(target) = map.get("$ref").and_then(Value::as_str) {
        // OpenAPI 3.0 ignores a reference's siblings; `nullable` next to one is still honoured
        // (the lenient reading: a client sending null is not refused for it)
        let name = target.rsplit('/').next().unwrap_or_default().to_owned();
        let reference = json!({"$ref": format!("#/$defs/{}", name.replace('~', "~0").replace('/', "~1"))});
        reached.insert(name);
        return nullable(map, reference);
    }
    let mut out = Map::new();
    for (key, value) in map {
        match key.as_str() {
            "nullable" | "example" | "examples" | "discriminator" | "xml" | "externalDocs" | "deprecated"
            | "readOnly" | "writeOnly" | "description" | "title" => {}
            k if k.starts_with("x-") => {}
            "format" => match value.as_str() {
                Some(f) if CHECKED_FORMATS.contains(&f) => {
                    out.insert(key.clone(), value.clone());
                }
                // OpenAPI's integer formats are ranges (a bound the schema sets itself wins)
                Some("int32") => integer_range(map, &mut out, i64::from(i32::MIN), i64::from(i32::MAX)),
                Some("int64") => integer_range(map, &mut out, i64::MIN, i64::MAX),
                _ => {}
            },
            // 3.0: a boolean that makes `minimum`/`maximum` exclusive; 2020-12: the bound itself
            "exclusiveMinimum" | "exclusiveMaximum" => {}
            "properties" => {
                let props = value.as_object().into_iter().flatten();
                out.insert(key.clone(), Value::Object(props.map(|(k, v)| (k.clone(), convert(v, reached))).collect()));
            }
            "items" | "additionalProperties" | "not" => {
                out.insert(key.clone(), convert(value, reached));
            }
            "allOf" | "anyOf" | "oneOf" => {
                let branches = value.as_array().into_iter().flatten().map(|v| convert(v, reached)).collect();
                out.insert(key.clone(), Value::Array(branches));
            }
            _ => {
                out.insert(key.clone(), value.clone());
            }
        }
    }
    for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if map.get(flag) == Some(&Value::Bool(true))
            && let Some(limit) = out.remove(bound)
        {
            out.insert(flag.into(), limit);
        }
    }
    nullable(map, Value::Object(out))
}

/// The keyword marking a 64-bit integer: an integer literal outside that range reaches the
/// validator as a rounded float (serde_json keeps i64/u64 exactly, nothing wider), which the
/// bounds alone cannot tell from an in-range one (see `validate::within_64_bits`).
pub const INT64_KEYWORD: &str = "pspkitInt64";

fn integer_range(original: &Map<String, Value>, out: &mut Map<String, Value>, min: i64, max: i64) {
    out.insert(INT64_KEYWORD.into(), Value::Bool(true));
    if !original.contains_key("minimum") {
        out.insert("minimum".into(), json!(min));
    }
    if !original.contains_key("maximum") {
        out.insert("maximum".into(), json!(max));
    }
}

/// `schema`, or null, when the OpenAPI node says `nullable: true`.
fn nullable(original: &Map<String, Value>, schema: Value) -> Value {
    if original.get("nullable") == Some(&Value::Bool(true)) {
        json!({"anyOf": [schema, {"type": "null"}]})
    } else {
        schema
    }
}
