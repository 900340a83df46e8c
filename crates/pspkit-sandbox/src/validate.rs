//! Requests checked against their operation before the sandbox acts on them: path, query and
//! header parameters (presence, type, enum, bounds, pattern) and the JSON body, with validators
//! compiled once per operation at start-up.

use std::collections::HashMap;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use crate::openapi::to_json_schema;
use crate::refusal::Problem;
use crate::spec::{Op, resolve};

/// At most this many problems are listed for one request (the rest add nothing for a client).
const MAX_PROBLEMS: usize = 10;

/// What one operation accepts.
pub struct Rules {
    params: Vec<Param>,
    body: Option<BodyRule>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Location {
    Path,
    Query,
    Header,
}

struct Param {
    name: String,
    location: Location,
    required: bool,
    /// `Some(explode)` for an array parameter: repeated keys, or one comma-separated value.
    array: Option<bool>,
    /// The JSON type of the array's items (`integer`, `string`, ...).
    item_type: Option<String>,
    validator: Option<Validator>,
}

struct BodyRule {
    required: bool,
    /// `x-require-one-of`: groups of fields of which at least one must be given (checked apart
    /// from the schema, for a message that names them).
    one_of: Vec<Vec<String>>,
    /// The body is JSON (as opposed to a multipart upload, which is not parsed).
    json: bool,
    validator: Option<Validator>,
}

/// A request as the validator sees it: decoded parameters and the raw body.
pub struct Incoming<'a> {
    /// Path parameters, decoded.
    pub path: &'a HashMap<String, String>,
    /// Query parameters in order, decoded (a key may repeat).
    pub query: &'a [(String, String)],
    /// Headers, names in lower case.
    pub headers: &'a HashMap<String, String>,
    /// The body's bytes.
    pub body: &'a [u8],
}

/// Numbers serde_json could only hold as floats (integer literals beyond i64/u64) are never
/// 64-bit integers.
struct Within64Bits;

impl<'i> jsonschema::Keyword<'i> for Within64Bits {
    fn validate(&self, instance: &'i Value) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom("is outside the 64-bit integer range"))
        }
    }

    fn is_valid(&self, instance: &'i Value) -> bool {
        match instance {
            Value::Number(n) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.abs() < 9.0e18),
            _ => true,
        }
    }
}

fn compile(doc: &Value, schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(jsonschema::Draft::Draft202012)
        .with_keyword(crate::openapi::INT64_KEYWORD, |_, _, _| Ok(Box::new(Within64Bits)))
        .should_validate_formats(true)
        .build(&to_json_schema(doc, schema))
        .map_err(|e| e.to_string())
}

impl Rules {
    /// The rules of the operation at `path` (spec path template) and `method` (lower case).
    pub fn for_operation(doc: &Value, operation: &Op) -> Result<Rules, String> {
        let (path, method) = (operation.path.as_str(), operation.method.to_lowercase());
        let method = method.as_str();
        let item = doc.get("paths").and_then(|p| p.get(path)).ok_or_else(|| format!("no path {path}"))?;
        let op = item.get(method).ok_or_else(|| format!("no {method} {path}"))?;
        // operation parameters override path-level ones of the same name and place
        let mut declared: Vec<&Value> = Vec::new();
        for list in [item.get("parameters"), op.get("parameters")] {
            for p in list.and_then(Value::as_array).into_iter().flatten() {
                let p = resolve(doc, p);
                declared.retain(|q| q.get("name") != p.get("name") || q.get("in") != p.get("in"));
                declared.push(p);
            }
        }
        let mut params = Vec::new();
        for p in declared {
            let location = match p.get("in").and_then(Value::as_str) {
                Some("path") => Location::Path,
                Some("query") => Location::Query,
                Some("header") => Location::Header,
                _ => continue,
            };
            let name = p.get("name").and_then(Value::as_str).unwrap_or_default();
            let schema = p.get("schema").map(|s| resolve(doc, s));
            let is_array = schema.and_then(|s| s.get("type")).and_then(Value::as_str) == Some("array");
            let explode =
                p.get("explode").and_then(Value::as_bool).unwrap_or(p.get("style").is_none_or(|s| s == "form"));
            let item_type = schema
                .and_then(|s| s.get("items"))
                .map(|i| resolve(doc, i))
                .and_then(|i| i.get("type"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            params.push(Param {
                name: if location == Location::Header { name.to_ascii_lowercase() } else { name.to_owned() },
                location,
                required: location == Location::Path || p.get("required").and_then(Value::as_bool).unwrap_or(false),
                array: is_array.then_some(explode),
                item_type,
                validator: p.get("schema").map(|s| compile(doc, s)).transpose().map_err(|e| format!("{name}: {e}"))?,
            });
        }
        let body = match op.get("requestBody").map(|b| resolve(doc, b)) {
            None => None,
            Some(b) => {
                let content = b.get("content").and_then(Value::as_object);
                let json = content.and_then(|c| c.iter().find(|(t, _)| t.contains("json")));
                Some(BodyRule {
                    one_of: operation.require_one_of.clone(),
                    required: b.get("required").and_then(Value::as_bool).unwrap_or(false),
                    json: json.is_some() || content.is_none_or(|c| c.is_empty()),
                    validator: json
                        .and_then(|(_, media)| media.get("schema"))
                        .map(|s| compile(doc, s))
                        .transpose()
                        .map_err(|e| format!("body: {e}"))?,
                })
            }
        };
        Ok(Rules { params, body })
    }

    /// Checks a request; its JSON body (null when there is none) or every problem found.
    pub fn check(&self, request: &Incoming<'_>) -> Result<Value, Vec<Problem>> {
        let mut problems = Vec::new();
        for param in &self.params {
            let values: Vec<&str> = match param.location {
                Location::Path => request.path.get(&param.name).map(String::as_str).into_iter().collect(),
                Location::Header => request.headers.get(&param.name).map(String::as_str).into_iter().collect(),
                Location::Query => {
                    request.query.iter().filter(|(k, _)| *k == param.name).map(|(_, v)| v.as_str()).collect()
                }
            };
            if values.is_empty() {
                if param.required {
                    problems.push(Problem { field: param.name.clone(), message: "is required".into() });
                }
                continue;
            }
            let Some(validator) = &param.validator else { continue };
            let candidates = match param.array {
                Some(explode) => vec![array_value(&values, explode, param.item_type.as_deref())],
                None => scalar_candidates(values[0]),
            };
            if !candidates.iter().any(|c| validator.is_valid(c)) {
                // explain with the reading of the right type, if any ("abc" for an integer is a
                // type error; "500" for an enum of strings is an enum error, not a type error)
                let explained = candidates
                    .iter()
                    .map(|c| validator.iter_errors(c).next())
                    .find_map(|e| e.filter(|e| !matches!(e.kind(), ValidationErrorKind::Type { .. })));
                let message = explained
                    .or_else(|| validator.iter_errors(&candidates[0]).next())
                    .map(|e| short(&e.to_string()))
                    .unwrap_or_default();
                problems.push(Problem { field: param.name.clone(), message });
            }
        }
        let body = self.check_body(request, &mut problems);
        if problems.is_empty() {
            Ok(body)
        } else {
            problems.truncate(MAX_PROBLEMS);
            Err(problems)
        }
    }

    fn check_body(&self, request: &Incoming<'_>, problems: &mut Vec<Problem>) -> Value {
        let rule = self.body.as_ref();
        if request.body.is_empty() {
            if rule.is_some_and(|r| r.required) {
                problems.push(Problem { field: "body".into(), message: "a request body is required".into() });
            }
            return Value::Null;
        }
        if rule.is_some_and(|r| !r.json)
            || request.headers.get("content-type").is_some_and(|t| t.starts_with("multipart/"))
        {
            return Value::Null;
        }
        let value: Value = match serde_json::from_slice(request.body) {
            Ok(v) => v,
            Err(e) => {
                problems.push(Problem { field: "body".into(), message: format!("is not valid JSON: {e}") });
                return Value::Null;
            }
        };
        for group in rule.map(|r| r.one_of.as_slice()).unwrap_or_default() {
            if let Some(fields) = value.as_object()
                && !group.iter().any(|f| fields.contains_key(f))
            {
                let field = group.first().cloned().unwrap_or_default();
                problems.push(Problem { field, message: format!("one of {} is required", group.join(", ")) });
            }
        }
        if let Some(validator) = rule.and_then(|r| r.validator.as_ref())
            && !validator.is_valid(&value)
        {
            for error in validator.iter_errors(&value).take(MAX_PROBLEMS) {
                let mut field: Vec<String> = error
                    .instance_path()
                    .as_str()
                    .split('/')
                    .skip(1)
                    .map(|s| s.replace("~1", "/").replace("~0", "~"))
                    .collect();
                if let ValidationErrorKind::Required { property } = error.kind() {
                    field.push(property.as_str().map(str::to_owned).unwrap_or_else(|| property.to_string()));
                }
                let field = if field.is_empty() { "body".into() } else { field.join(".") };
                problems.push(Problem { field, message: short(&error.to_string()) });
            }
        }
        value
    }
}

/// The JSON values a parameter's text may stand for: a number or boolean first (what a typed
/// parameter means), then the text itself.
fn scalar_candidates(raw: &str) -> Vec<Value> {
    let mut out = Vec::with_capacity(2);
    if let Ok(n) = raw.parse::<serde_json::Number>() {
        out.push(Value::Number(n));
    } else if let Ok(b) = raw.parse::<bool>() {
        out.push(Value::Bool(b));
    }
    out.push(Value::String(raw.to_owned()));
    out
}

fn array_value(values: &[&str], explode: bool, item_type: Option<&str>) -> Value {
    let items: Vec<&str> = if explode { values.to_vec() } else { values[0].split(',').collect() };
    Value::Array(
        items
            .into_iter()
            .map(|raw| {
                let typed = match item_type {
                    Some("integer" | "number") => raw.parse::<serde_json::Number>().ok().map(Value::Number),
                    Some("boolean") => raw.parse::<bool>().ok().map(Value::Bool),
                    _ => None,
                };
                typed.unwrap_or_else(|| Value::String(raw.to_owned()))
            })
            .collect(),
    )
}

/// A validator message cut to a readable length (it quotes the offending value, which a hostile
/// client controls).
fn short(message: &str) -> String {
    const LIMIT: usize = 300;
    if message.len() <= LIMIT {
        return message.to_owned();
    }
    let mut end = LIMIT;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &message[..end])
}
