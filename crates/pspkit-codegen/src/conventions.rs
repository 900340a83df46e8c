//! The project's conventions, applied to a spec before progenitor sees it.
//!
//! progenitor and typify generate closed enums, decode `number` through `f64` and refuse `null`
//! in required strings. Rather than edit their output, pspkit rewrites the *input* so that the
//! generated code already has the behaviour payments need:
//!
//! - money (`format: decimal`), identifiers (`format: id`), `date-time` and `date` map to the
//!   lenient, exact types of the `pspkit` crate (typify's `x-rust-type` extension);
//! - every string enum becomes a named type that the generator replaces with an open enum
//!   (`pspkit::open_enum!`), inline enums being named after their parent and field;
//! - `required` means required, in responses as in requests: a property the spec lists in
//!   `required` and does not mark `nullable` becomes a plain field (not an `Option`), so the
//!   client refuses a body without it. Leniency is not applied by kind (every string optional,
//!   as pspkit once did) but written into the spec per field, as a sourced fact: a property a
//!   source shows absent or `null` is left out of `required` and/or marked `nullable: true`,
//!   with its `x-source` (see `specs/README.md`);
//! - schemas reachable from responses lose their size and range keywords (`maxLength`,
//!   `minimum`, ...), which typify would turn into checked newtypes: a provider sending a
//!   longer reference or a larger count than documented is not a reason to refuse the whole
//!   response. Request schemas keep them (pspkit checks what it sends);
//! - operations marked `x-codegen-skip` are left out.

use std::collections::BTreeSet;

use heck::ToUpperCamelCase;
use serde_json::{Value, json};

use crate::spec::{self, METHODS, Spec};

/// A string enum of the spec, emitted as an open enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenEnum {
    /// Type name (the component name).
    pub name: String,
    /// The schema's description.
    pub description: Option<String>,
    /// The values the spec lists, in order.
    pub values: Vec<String>,
}

impl OpenEnum {
    /// The doc comment of the generated enum: the schema's description, or a sentence saying
    /// what the type holds when the spec gives none.
    pub fn doc(&self) -> String {
        self.description.clone().unwrap_or_else(|| format!("`{}`: one of the values below, or `Unknown`.", self.name))
    }
}

/// A spec with the conventions applied: what progenitor is given.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// The rewritten document.
    pub doc: Value,
    /// Every string enum, now a named component.
    pub enums: Vec<OpenEnum>,
}

/// Rust types of the `pspkit` crate that replace schemas by their `format`.
fn rust_type(path: &str) -> Value {
    json!({ "crate": "pspkit", "version": "*", "path": path })
}

/// Applies every convention to a copy of the spec's document.
pub fn apply(spec: &Spec) -> Prepared {
    let mut doc = spec.doc.clone();
    drop_skipped_operations(&mut doc);
    drop_signed_nonce(&mut doc);
    drop_statuses_inside_ranges(&mut doc);
    any_success_status(&mut doc);
    hoist_inline_enums(&mut doc);
    let in_responses = response_components(&doc);
    let sites = collect_sites(&doc);
    for (pointer, site, in_component) in sites {
        let in_response = match &in_component {
            Some(name) => in_responses.contains(name),
            None => pointer.contains("/responses/"),
        };
        if let Some(schema) = doc.pointer_mut(&pointer) {
            rewrite_schema(schema, site.in_parameter, in_response);
        }
    }
    let enums = collect_enums(&doc);
    Prepared { doc, enums }
}

/// The nonce (`x-signing.nonce-field`) is declared in every request body, because every request
/// carries it, but the runtime writes it on each attempt: the caller never passes it. Taken out
/// of the request types, and a body holding nothing else is taken out of the method's arguments.
fn drop_signed_nonce(doc: &mut Value) {
    let Some(field) = doc.pointer("/x-signing/nonce-field").and_then(Value::as_str).map(str::to_owned) else {
        return;
    };
    let mut nonce_schemas = BTreeSet::new();
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        for method in METHODS {
            let Some(op) = item.get_mut(method).and_then(Value::as_object_mut) else { continue };
            let Some(schema) = op
                .get_mut("requestBody")
                .and_then(|b| b.pointer_mut("/content/application~1json/schema"))
                .and_then(Value::as_object_mut)
            else {
                continue;
            };
            let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else { continue };
            let Some(removed) = props.remove(&field) else { continue };
            if let Some(name) =
                removed.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
            {
                nonce_schemas.insert(name.to_owned());
            }
            let only_nonce = props.is_empty();
            if let Some(required) = schema.get_mut("required").and_then(Value::as_array_mut) {
                required.retain(|r| r.as_str() != Some(field.as_str()));
                if required.is_empty() {
                    schema.remove("required");
                }
            }
            if only_nonce {
                op.remove("requestBody");
            }
        }
    }
    // the nonce's own schema would otherwise become a type nobody uses
    for name in nonce_schemas {
        let reference = Value::String(format!("#/components/schemas/{name}"));
        if !spec::contains_value(doc, &reference)
            && let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut)
        {
            schemas.remove(&name);
        }
    }
}

fn drop_skipped_operations(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for item in paths.values_mut() {
        if let Some(item) = item.as_object_mut() {
            item.retain(|k, op| !(METHODS.contains(&k.as_str()) && op.get("x-codegen-skip").is_some()));
        }
    }
    paths.retain(|_, item| METHODS.iter().any(|m| item.get(*m).is_some()));
}

/// Calls `f` with the `responses` map of every operation.
fn for_each_responses(doc: &mut Value, f: impl Fn(&mut serde_json::Map<String, Value>)) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for item in paths.values_mut() {
        for method in METHODS {
            if let Some(responses) =
                item.get_mut(method).and_then(|op| op.get_mut("responses")).and_then(Value::as_object_mut)
            {
                f(responses);
            }
        }
    }
}

/// A specific error status beside a range that covers it (`401` beside `4XX`) documents the
/// provider, but progenitor would emit an unreachable match arm for it; the lint has already
/// checked that both share the error schema, so the client loses nothing.
fn drop_statuses_inside_ranges(doc: &mut Value) {
    for_each_responses(doc, |responses| {
        let ranges: Vec<char> =
            responses.keys().filter(|k| k.len() == 3 && k.ends_with("XX")).filter_map(|k| k.chars().next()).collect();
        responses.retain(|status, _| {
            !(status.len() == 3
                && status.chars().all(|c| c.is_ascii_digit())
                && !status.starts_with('2')
                && status.chars().next().is_some_and(|c| ranges.contains(&c)))
        });
    });
}

/// The one success response answers for every 2xx: providers are not consistent about 200 versus
/// 201 (OnePay never documents which), and a success must never become an "unexpected response".
fn any_success_status(doc: &mut Value) {
    for_each_responses(doc, |responses| {
        if let Some(status) = responses.keys().find(|k| k.starts_with('2') && *k != "2XX").cloned()
            && let Some(response) = responses.remove(&status)
        {
            responses.insert("2XX".into(), response);
        }
    });
}

fn is_string_enum(schema: &Value) -> bool {
    schema.get("$ref").is_none()
        && schema.get("enum").and_then(Value::as_array).is_some_and(|v| v.iter().any(Value::is_string))
        && schema.get("type").and_then(Value::as_str).is_none_or(|t| t == "string")
}

/// Gives every inline string enum a component of its own, named after where it sits.
fn hoist_inline_enums(doc: &mut Value) {
    let mut taken: BTreeSet<String> = doc
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    let mut new: Vec<(String, Value)> = Vec::new();

    if let Some(schemas) = doc.pointer_mut("/components/schemas").and_then(Value::as_object_mut) {
        for (name, schema) in schemas.iter_mut() {
            hoist_children(schema, name, &mut taken, &mut new);
        }
    }
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for item in paths.values_mut() {
            for method in METHODS {
                let Some(op) = item.get_mut(method) else {
                    continue;
                };
                let id = op.get("operationId").and_then(Value::as_str).unwrap_or("operation").to_upper_camel_case();
                if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                    for p in params {
                        let hint = format!(
                            "{id}{}",
                            p.get("name").and_then(Value::as_str).unwrap_or("").to_upper_camel_case()
                        );
                        if let Some(schema) = p.get_mut("schema") {
                            hoist_root(schema, &hint, &mut taken, &mut new);
                        }
                    }
                }
                if let Some(media) = op.pointer_mut("/requestBody/content/application~1json")
                    && let Some(schema) = media.get_mut("schema")
                {
                    hoist_root(schema, &format!("{id}Body"), &mut taken, &mut new);
                }
                if let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) {
                    for (status, resp) in responses.iter_mut() {
                        let suffix =
                            if status.starts_with('2') { "Response".to_owned() } else { format!("Error{status}") };
                        for media in resp
                            .get_mut("content")
                            .and_then(Value::as_object_mut)
                            .into_iter()
                            .flat_map(|c| c.values_mut())
                        {
                            if let Some(schema) = media.get_mut("schema") {
                                hoist_root(schema, &format!("{id}{suffix}"), &mut taken, &mut new);
                            }
                        }
                    }
                }
            }
        }
    }
    if new.is_empty() {
        return;
    }
    let schemas = doc
        .as_object_mut()
        .expect("a spec is a mapping")
        .entry("components")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("components is a mapping")
        .entry("schemas")
        .or_insert_with(|| json!({}));
    if let Some(schemas) = schemas.as_object_mut() {
        for (name, schema) in new {
            schemas.insert(name, schema);
        }
    }
}

fn unique_name(hint: &str, taken: &mut BTreeSet<String>) -> String {
    let mut name = hint.to_owned();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{hint}{n}");
        n += 1;
    }
    taken.insert(name.clone());
    name
}

/// Moves `schema` into a new component if it is an inline string enum; returns whether it was
/// nullable (its holder then has to treat the field as optional).
fn hoist_root(schema: &mut Value, hint: &str, taken: &mut BTreeSet<String>, new: &mut Vec<(String, Value)>) -> bool {
    if is_string_enum(schema) {
        let name = unique_name(hint, taken);
        let mut component = std::mem::replace(schema, json!({ "$ref": format!("#/components/schemas/{name}") }));
        let nullable = component.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        if let Some(obj) = component.as_object_mut() {
            obj.remove("nullable");
            obj.insert("type".into(), json!("string"));
            if let Some(values) = obj.get_mut("enum").and_then(Value::as_array_mut) {
                values.retain(Value::is_string);
            }
        }
        new.push((name, component));
        nullable
    } else {
        hoist_children(schema, hint, taken, new);
        false
    }
}

fn hoist_children(schema: &mut Value, hint: &str, taken: &mut BTreeSet<String>, new: &mut Vec<(String, Value)>) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    let mut now_optional = Vec::new();
    if let Some(props) = obj.get_mut("properties").and_then(Value::as_object_mut) {
        for (field, prop) in props.iter_mut() {
            if hoist_root(prop, &format!("{hint}{}", field.to_upper_camel_case()), taken, new) {
                now_optional.push(field.clone());
            }
        }
    }
    if let Some(required) = obj.get_mut("required").and_then(Value::as_array_mut) {
        required.retain(|r| !r.as_str().is_some_and(|r| now_optional.iter().any(|f| f == r)));
    }
    if let Some(items) = obj.get_mut("items") {
        hoist_root(items, &format!("{hint}Item"), taken, new);
    }
    if let Some(extra) = obj.get_mut("additionalProperties").filter(|v| v.is_object()) {
        hoist_root(extra, &format!("{hint}Value"), taken, new);
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(subs) = obj.get_mut(key).and_then(Value::as_array_mut) {
            for (i, sub) in subs.iter_mut().enumerate() {
                hoist_root(sub, &format!("{hint}Variant{i}"), taken, new);
            }
        }
    }
}

/// Names of the components reachable from any response (success or error).
pub(crate) fn response_components(doc: &Value) -> BTreeSet<String> {
    let mut roots = Vec::new();
    for (site, media) in spec::all_media(doc) {
        if site.pointer.contains("/responses/")
            && let Some(schema) = media.get("schema")
        {
            roots.push(schema);
        }
    }
    let mut seen = BTreeSet::new();
    let mut stack: Vec<&Value> = roots;
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(name) =
                    m.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
                    && seen.insert(name.to_owned())
                    && let Some(target) = doc.pointer(&format!("/components/schemas/{}", spec::escape(name)))
                {
                    stack.push(target);
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a.iter()),
            _ => {}
        }
    }
    seen
}

/// Every schema's pointer and site, deepest first so rewriting a child never moves a parent,
/// with the component it belongs to (if any).
fn collect_sites(doc: &Value) -> Vec<(String, spec::SchemaSite, Option<String>)> {
    let mut out = Vec::new();
    spec::walk_schemas(doc, &mut |_, site| {
        let component = site
            .pointer
            .strip_prefix("/components/schemas/")
            .map(|rest| rest.split('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~"));
        out.push((site.pointer.clone(), site.clone(), component));
    });
    out.reverse();
    out
}

/// Size and range keywords, dropped from response schemas: typify turns them into checked
/// newtypes (a `maxLength` string, a bounded integer), and a value outside a documented bound is
/// the provider's inconsistency, not a reason to lose the whole response. Whether a field may be
/// absent or `null` is not decided here: that is the spec's `required` and `nullable`.
const RANGE_KEYWORDS: [&str; 10] = [
    "minLength",
    "maxLength",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "uniqueItems",
    "multipleOf",
];

fn rewrite_schema(schema: &mut Value, in_parameter: bool, in_response: bool) {
    let Some(obj) = schema.as_object_mut() else {
        return;
    };
    // Patterns document the wire format; enforcing them would need a regex engine in every
    // client (typify's `regress`), so they are checked by the spec tests and the sandbox.
    obj.remove("pattern");
    let ty = obj.get("type").and_then(Value::as_str).map(str::to_owned);
    // a field that may hold a secret or card data: text whose `Debug` is redacted (the lint
    // allows the mark on plain text only). A parameter keeps its text type, so that its length
    // checks and its rendering into a header or query stay as they are: the request builder's
    // `Debug` hides it instead (see `Param::sensitive`).
    let sensitive =
        obj.get("x-sensitive") == Some(&Value::Bool(true)) && ty.as_deref() == Some("string") && !in_parameter;
    if sensitive {
        obj.insert("x-rust-type".into(), rust_type("pspkit::Sensitive"));
    }
    match obj.get("format").and_then(Value::as_str).filter(|_| !sensitive) {
        Some("decimal") => {
            let path = if in_parameter || ty.as_deref() == Some("string") {
                "pspkit::DecimalString"
            } else {
                "pspkit::DecimalNumber"
            };
            obj.insert("x-rust-type".into(), rust_type(path));
        }
        Some("id") => {
            obj.insert("x-rust-type".into(), rust_type("pspkit::Id"));
        }
        Some("date-time") => {
            obj.insert("x-rust-type".into(), rust_type("pspkit::Timestamp"));
        }
        Some("date") => {
            obj.insert("x-rust-type".into(), rust_type("pspkit::Date"));
        }
        Some("uuid") => {
            // Ids documented as UUIDs are kept as text: a provider changing its id scheme must
            // not break decoding.
            obj.remove("format");
        }
        _ => {}
    }
    // typify takes an `x-rust-type` schema as the type itself and drops `nullable`, so a
    // required-but-nullable id or amount would be impossible to send as `null`. Wrapped in a
    // nullable single-member `allOf`, it becomes an `Option` of the type again.
    if obj.contains_key("x-rust-type") && obj.get("nullable").and_then(Value::as_bool) == Some(true) {
        obj.remove("nullable");
        let description = obj.remove("description");
        let inner = Value::Object(std::mem::take(obj));
        obj.insert("allOf".into(), json!([inner]));
        obj.insert("nullable".into(), json!(true));
        if let Some(description) = description {
            obj.insert("description".into(), description);
        }
    }
    if in_response {
        for key in RANGE_KEYWORDS {
            obj.remove(key);
        }
    }
}

fn collect_enums(doc: &Value) -> Vec<OpenEnum> {
    let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter(|(_, s)| is_string_enum(s))
        .map(|(name, s)| OpenEnum {
            name: name.clone(),
            description: s.get("description").and_then(Value::as_str).map(str::to_owned),
            values: s
                .get("enum")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
        })
        .collect()
}

/// The operations of a spec that generation leaves out, with the reason the spec gives.
pub fn skipped_operations(spec: &Spec) -> Vec<(String, String)> {
    spec.operations()
        .iter()
        .filter_map(|op| op.str_field("x-codegen-skip").map(|why| (op.label(), why.to_owned())))
        .collect()
}
