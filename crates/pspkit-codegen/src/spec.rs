//! Loading a spec and walking its operations and schemas.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::problem::Error;

/// HTTP methods an OpenAPI path item may hold, in the order operations are listed.
pub const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// A provider spec as loaded from YAML, before any convention is applied.
#[derive(Clone, Debug)]
pub struct Spec {
    /// Where it was read from.
    pub path: PathBuf,
    /// The file name used in messages, e.g. `specs/onepay.yaml` (the path as given).
    pub file: String,
    /// The document.
    pub doc: Value,
}

/// One operation of a spec.
#[derive(Clone, Debug)]
pub struct Operation<'a> {
    /// The path template, e.g. `/cashouts/{id}`.
    pub path: &'a str,
    /// The HTTP method, lower case.
    pub method: &'a str,
    /// The operation object.
    pub value: &'a Value,
    /// Parameters declared on the path item (shared by its operations).
    pub path_parameters: &'a [Value],
}

impl Operation<'_> {
    /// The `operationId`, if any.
    pub fn id(&self) -> Option<&str> {
        self.value.get("operationId").and_then(Value::as_str)
    }

    /// The operationId, or `METHOD /path` when it has none: how messages name the operation.
    pub fn label(&self) -> String {
        self.id().map(str::to_owned).unwrap_or_else(|| format!("{} {}", self.method.to_uppercase(), self.path))
    }

    /// A string extension or field of the operation (`x-source`, `summary`, ...).
    pub fn str_field(&self, key: &str) -> Option<&str> {
        self.value.get(key).and_then(Value::as_str)
    }
}

impl Spec {
    /// Reads a spec file (YAML or JSON).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref();
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::one(&file, None, "readable", format!("cannot read the file: {e}")))?;
        Self::from_str(&file, &text).map(|mut s| {
            s.path = path.to_owned();
            s
        })
    }

    /// Parses a spec from text; `file` names it in messages.
    pub fn from_str(file: &str, text: &str) -> Result<Self, Error> {
        let doc: Value = serde_yaml_ng::from_str(text)
            .map_err(|e| Error::one(file, None, "yaml", format!("not valid YAML: {e}")))?;
        if !doc.is_object() {
            return Err(Error::one(file, None, "yaml", "the document is not a mapping".into()));
        }
        Ok(Self { path: PathBuf::from(file), file: file.to_owned(), doc })
    }

    /// Every operation, in document order.
    pub fn operations(&self) -> Vec<Operation<'_>> {
        let mut out = Vec::new();
        let Some(paths) = self.doc.get("paths").and_then(Value::as_object) else {
            return out;
        };
        for (path, item) in paths {
            let path_parameters = item.get("parameters").and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
            for method in METHODS {
                if let Some(value) = item.get(method) {
                    out.push(Operation { path, method, value, path_parameters });
                }
            }
        }
        out
    }

    /// The provider's name as the spec calls it (`info.title`).
    pub fn title(&self) -> &str {
        self.doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("")
    }

    /// Resolves a local `$ref` (`#/components/...`) to the value it points at.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Option<&'a Value> {
        resolve(&self.doc, value)
    }
}

/// Follows `$ref`s (local only) until a value without one; `None` if a reference is broken.
pub fn resolve<'a>(doc: &'a Value, mut value: &'a Value) -> Option<&'a Value> {
    for _ in 0..32 {
        match value.get("$ref").and_then(Value::as_str) {
            Some(reference) => value = doc.pointer(reference.strip_prefix('#')?)?,
            None => return Some(value),
        }
    }
    None
}

/// Where a schema sits in the document, for walking.
#[derive(Clone, Debug)]
pub struct SchemaSite {
    /// JSON pointer of the schema.
    pub pointer: String,
    /// The operation it belongs to, if it is inline in one.
    pub operation: Option<String>,
    /// Whether it is nested (at any depth) inside `oneOf`/`anyOf`/`allOf`.
    pub in_union: bool,
    /// Whether it describes a parameter (query, path or header).
    pub in_parameter: bool,
}

/// Calls `visit` for every schema object in the document: components, parameters, request
/// bodies and responses, and every schema nested in those.
pub fn walk_schemas(doc: &Value, visit: &mut dyn FnMut(&Value, &SchemaSite)) {
    if let Some(schemas) = doc.pointer("/components/schemas").and_then(Value::as_object) {
        for (name, schema) in schemas {
            let site = SchemaSite {
                pointer: format!("/components/schemas/{}", escape(name)),
                operation: None,
                in_union: false,
                in_parameter: false,
            };
            walk_schema(schema, &site, visit);
        }
    }
    for (base, param) in all_parameters(doc) {
        if let Some(schema) = param.get("schema") {
            let mut site = base.clone();
            site.pointer.push_str("/schema");
            site.in_parameter = true;
            walk_schema(schema, &site, visit);
        }
    }
    for (base, media) in all_media(doc) {
        if let Some(schema) = media.get("schema") {
            let mut site = base.clone();
            site.pointer.push_str("/schema");
            walk_schema(schema, &site, visit);
        }
    }
}

fn walk_schema(schema: &Value, site: &SchemaSite, visit: &mut dyn FnMut(&Value, &SchemaSite)) {
    if !schema.is_object() {
        return;
    }
    visit(schema, site);
    let child = |suffix: String, in_union: bool| SchemaSite {
        pointer: format!("{}/{}", site.pointer, suffix),
        operation: site.operation.clone(),
        in_union: site.in_union || in_union,
        in_parameter: site.in_parameter,
    };
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (name, prop) in props {
            walk_schema(prop, &child(format!("properties/{}", escape(name)), false), visit);
        }
    }
    for key in ["items", "additionalProperties", "not"] {
        if let Some(sub) = schema.get(key) {
            walk_schema(sub, &child(key.into(), false), visit);
        }
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(subs) = schema.get(key).and_then(Value::as_array) {
            for (i, sub) in subs.iter().enumerate() {
                walk_schema(sub, &child(format!("{key}/{i}"), true), visit);
            }
        }
    }
}

/// Every parameter object (inline in operations or path items, and under components).
pub fn all_parameters(doc: &Value) -> Vec<(SchemaSite, &Value)> {
    let mut out = Vec::new();
    let site = |pointer: String, operation: Option<String>| SchemaSite {
        pointer,
        operation,
        in_union: false,
        in_parameter: true,
    };
    if let Some(params) = doc.pointer("/components/parameters").and_then(Value::as_object) {
        for (name, p) in params {
            out.push((site(format!("/components/parameters/{}", escape(name)), None), p));
        }
    }
    for_each_operation_raw(doc, &mut |pointer, op_label, op, item| {
        for (holder, base) in [(item, pointer.rsplit_once('/').map(|x| x.0).unwrap_or("")), (op, pointer)] {
            if let Some(params) = holder.get("parameters").and_then(Value::as_array) {
                for (i, p) in params.iter().enumerate() {
                    out.push((site(format!("{base}/parameters/{i}"), Some(op_label.to_owned())), p));
                }
            }
        }
    });
    out
}

/// Every media type object of request bodies and responses, with its site.
pub fn all_media(doc: &Value) -> Vec<(SchemaSite, &Value)> {
    let mut out = Vec::new();
    for section in ["responses", "requestBodies"] {
        for (name, holder) in
            doc.pointer(&format!("/components/{section}")).and_then(Value::as_object).into_iter().flatten()
        {
            push_content(&mut out, holder, format!("/components/{section}/{}", escape(name)), None);
        }
    }
    for_each_operation_raw(doc, &mut |pointer, op_label, op, _item| {
        if let Some(body) = op.get("requestBody") {
            push_content(&mut out, body, format!("{pointer}/requestBody"), Some(op_label));
        }
        for (status, resp) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
            push_content(&mut out, resp, format!("{pointer}/responses/{}", escape(status)), Some(op_label));
        }
    });
    out
}

/// Adds the media types of `holder` (a request body or response object at `base`).
fn push_content<'a>(out: &mut Vec<(SchemaSite, &'a Value)>, holder: &'a Value, base: String, operation: Option<&str>) {
    for (mt, media) in holder.get("content").and_then(Value::as_object).into_iter().flatten() {
        let pointer = format!("{base}/content/{}", escape(mt));
        out.push((
            SchemaSite { pointer, operation: operation.map(str::to_owned), in_union: false, in_parameter: false },
            media,
        ));
    }
}

fn for_each_operation_raw<'a>(doc: &'a Value, f: &mut dyn FnMut(&str, &str, &'a Value, &'a Value)) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (path, item) in paths {
        for method in METHODS {
            if let Some(op) = item.get(method) {
                let label = op
                    .get("operationId")
                    .and_then(Value::as_str)
                    .map(str::to_owned)
                    .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
                f(&format!("/paths/{}/{method}", escape(path)), &label, op, item);
            }
        }
    }
}

/// Escapes a key for use in a JSON pointer.
pub fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Whether `value` occurs anywhere inside `doc` (e.g. a `$ref` string).
pub fn contains_value(doc: &Value, value: &Value) -> bool {
    match doc {
        d if d == value => true,
        Value::Array(items) => items.iter().any(|i| contains_value(i, value)),
        Value::Object(map) => map.values().any(|v| contains_value(v, value)),
        _ => false,
    }
}
