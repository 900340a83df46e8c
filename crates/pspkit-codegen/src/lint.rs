//! The project's lint rules (listed in `specs/README.md`): the spec shapes progenitor cannot
//! take, the project's required operation metadata, and well-formed extensions. Every rule
//! reports the file, the operation and the rule's name.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::extensions::{self, DocumentExtensions, Idempotency, OperationExtensions, Pagination, ParamPlace, Retry};
use crate::problem::{Error, Problem};
use crate::spec::{self, Operation, Spec};

/// Source classes an `x-source` may name (see `specs/README.md`).
pub const SOURCES: [&str; 5] = ["doc", "sdk", "recorded", "community", "inferred"];

/// The `pattern` a `type: string` schema of each pspkit-typed `format` must declare: exactly
/// what the matching `pspkit` decoder accepts (or a subset of it), so that other OpenAPI tools
/// (validators, mocks generating values from the spec) agree with the generated client. Written
/// in the regex subset JSON Schema tools and randexp-style generators share.
pub const FORMAT_PATTERNS: [(&str, &str, &str); 4] = [
    // pspkit::DecimalString: a plain decimal of at most 28 digits (rust_decimal's precision)
    ("decimal", DECIMAL_PATTERN, "pspkit::DecimalString"),
    // pspkit::Id: any non-empty text without whitespace
    ("id", ID_PATTERN, "pspkit::Id"),
    // pspkit::Timestamp: RFC 3339 with a fraction up to nanoseconds, the offset with or without
    // its colon or left out. pspkit also decodes a space for `T` and a date alone; the pattern
    // leaves them out because mock generators (json-schema-faker, under Prism) only turn out
    // a `T`-separated time for `format: date-time`
    ("date-time", DATE_TIME_PATTERN, "pspkit::Timestamp"),
    // pspkit::Date: `YYYY-MM-DD`. Both time patterns start at the year 0001: the decoders refuse
    // the year 0000 (no Python date holds it), so a mock must not generate it
    ("date", DATE_PATTERN, "pspkit::Date"),
];

/// The response keys of `x-pagination` that any style may name: what a page says about the whole
/// list. Each must be a field of the success response.
const RESPONSE_METADATA: [&str; 2] = ["total-pages", "total-items"];

/// See [`FORMAT_PATTERNS`].
pub const DECIMAL_PATTERN: &str = r"^-?[0-9]{1,16}(\.[0-9]{1,12})?$";
/// See [`FORMAT_PATTERNS`].
pub const ID_PATTERN: &str = r"^\S+$";
/// See [`FORMAT_PATTERNS`].
pub const DATE_TIME_PATTERN: &str = r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3]):?[0-5][0-9])?$";
/// See [`FORMAT_PATTERNS`].
pub const DATE_PATTERN: &str =
    r"^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";

/// Checks every rule; `Ok` when the spec is clean.
pub fn lint(spec: &Spec) -> Result<(), Error> {
    let mut l = Linter { spec, problems: Vec::new() };
    l.document();
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for op in spec.operations() {
        if let Some(id) = op.id() {
            let at = format!("{} {}", op.method.to_uppercase(), op.path);
            if let Some(first) = ids.insert(id.to_owned(), at.clone()) {
                l.op(&op, "unique-operation-id", format!("operationId {id:?} is used by both {first} and {at}"));
            }
        }
        l.operation(&op);
    }
    l.schemas();
    if l.problems.is_empty() { Ok(()) } else { Err(Error { problems: l.problems }) }
}

struct Linter<'a> {
    spec: &'a Spec,
    problems: Vec<Problem>,
}

impl<'a> Linter<'a> {
    fn push(&mut self, operation: Option<String>, rule: &'static str, message: String) {
        self.problems.push(Problem { file: self.spec.file.clone(), operation, rule, message });
    }

    fn op(&mut self, op: &Operation<'a>, rule: &'static str, message: String) {
        self.push(Some(op.label()), rule, message);
    }

    fn document(&mut self) {
        let doc = &self.spec.doc;
        let version = doc.get("openapi").and_then(Value::as_str).unwrap_or("");
        if !version.starts_with("3.0.") {
            self.push(None, "openapi-3.0", format!("`openapi` is {version:?}; only 3.0.x is supported"));
        }
        for key in ["title", "version"] {
            if doc.pointer(&format!("/info/{key}")).and_then(Value::as_str).is_none_or(str::is_empty) {
                self.push(None, "info", format!("`info.{key}` is missing"));
            }
        }
        if doc.get("servers").and_then(Value::as_array).is_none_or(Vec::is_empty) {
            self.push(None, "servers", "no `servers`: the default base URL comes from there".into());
        }
        if let Err(message) = extensions::read::<DocumentExtensions>(doc) {
            self.push(None, extension_rule(&message), message);
        }
        if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
            for (path, item) in paths {
                if item.get("$ref").is_some() {
                    self.push(None, "no-ref-path-items", format!("path {path} is a `$ref`; write the path item out"));
                }
            }
        }
    }

    fn declared_tags(&self) -> BTreeSet<&str> {
        self.spec
            .doc
            .get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|t| t.get("name").and_then(Value::as_str))
            .collect()
    }

    fn operation(&mut self, op: &Operation<'a>) {
        let v = op.value;
        if op.id().is_none_or(str::is_empty) {
            self.op(op, "operation-id", "no `operationId`".into());
        }
        if op.str_field("summary").is_none_or(|s| s.trim().is_empty()) {
            self.op(op, "summary", "no `summary`".into());
        }
        let tags: Vec<&str> =
            v.get("tags").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        if tags.len() != 1 {
            self.op(
                op,
                "one-tag",
                format!("has {} tags; each operation has exactly one (the provider's section)", tags.len()),
            );
        } else if !self.declared_tags().contains(tags[0]) {
            self.op(op, "one-tag", format!("tag {:?} is not declared in the top-level `tags`", tags[0]));
        }
        let typed = match extensions::read::<OperationExtensions>(v) {
            Ok(typed) => Some(typed),
            Err(message) => {
                self.op(op, extension_rule(&message), message);
                None
            }
        };
        if let Some(typed) = &typed {
            self.retry(op, typed);
        }
        self.responses(op);
        self.request_body(op);
        self.signed_nonce(op);
        self.parameters(op);
        let Some(typed) = typed else { return };
        if let Some(p) = &typed.pagination {
            self.pagination(op, p);
        }
        if !typed.require_one_of.is_empty() {
            let fields = self.request_fields(op, ParamPlace::Body);
            let ok =
                typed.require_one_of.iter().all(|group| group.len() >= 2 && group.iter().all(|n| fields.contains(n)));
            if !ok {
                self.op(op, "x-require-one-of", "must be a list of groups of two or more request body fields".into());
            }
        }
    }

    fn retry(&mut self, op: &Operation<'a>, typed: &OperationExtensions) {
        if op.method == "get" && typed.retry != Retry::Safe {
            self.op(op, "x-retry", format!("a GET is `x-retry: safe`, not {:?}", typed.retry.as_str()));
        }
        match (typed.retry, &typed.idempotency) {
            (Retry::Idempotent, None) => {
                self.op(op, "x-idempotency", "`x-retry: idempotent` needs `x-idempotency: {header: <name>}`".into())
            }
            (_, Some(Idempotency { header: name })) => {
                let declared = self.parameters_of(op).into_iter().find(|p| {
                    p.get("in").and_then(Value::as_str) == Some("header")
                        && p.get("name").and_then(Value::as_str).is_some_and(|n| n.eq_ignore_ascii_case(name))
                });
                match declared {
                    None => self.op(op, "x-idempotency", format!("the idempotency header {name:?} is not declared as a header parameter")),
                    Some(p) if p.get("required").and_then(Value::as_bool) == Some(true) => self.op(
                        op,
                        "x-idempotency",
                        format!("declare the idempotency header {name:?} with `required: false`: pspkit generates it when the caller gives none"),
                    ),
                    _ => {}
                }
            }
            _ => {}
        }
    }

    fn parameters_of(&self, op: &Operation<'a>) -> Vec<&'a Value> {
        let spec: &'a Spec = self.spec;
        op.path_parameters
            .iter()
            .chain(op.value.get("parameters").and_then(Value::as_array).into_iter().flatten())
            .filter_map(|p| spec.resolve(p))
            .collect()
    }

    fn responses(&mut self, op: &Operation<'a>) {
        let Some(responses) = op.value.get("responses").and_then(Value::as_object) else {
            self.op(op, "one-success-response", "no `responses`".into());
            return;
        };
        let success: Vec<&String> = responses.keys().filter(|s| s.starts_with('2')).collect();
        if success.len() != 1 {
            self.op(
                op,
                "one-success-response",
                format!("has {} success responses ({}); progenitor takes exactly one", success.len(), join(&success)),
            );
        }
        if responses.contains_key("default") {
            self.op(
                op,
                "no-default-response",
                "has a `default` response; use `4XX`/`5XX` with the error schema".into(),
            );
        }
        let mut error_schemas: BTreeMap<String, Vec<&String>> = BTreeMap::new();
        for (status, resp) in responses {
            let Some(resp) = self.spec.resolve(resp) else {
                self.op(op, "refs-resolve", format!("response {status} is a broken `$ref`"));
                continue;
            };
            let content = resp.get("content").and_then(Value::as_object);
            if content.is_some_and(|c| c.len() > 1) {
                self.op(
                    op,
                    "one-content-type",
                    format!("response {status} has {} content types", content.map_or(0, |c| c.len())),
                );
            }
            if !status.starts_with('2') && status != "default" {
                let schema = content
                    .and_then(|c| c.values().next())
                    .and_then(|m| m.get("schema"))
                    .map(|s| s.to_string())
                    .unwrap_or_else(|| "(no body)".into());
                error_schemas.entry(schema).or_default().push(status);
            }
        }
        if error_schemas.len() > 1 {
            let groups: Vec<String> = error_schemas.values().map(|v| join(v)).collect();
            self.op(
                op,
                "errors-share-schema",
                format!(
                    "error responses use {} different schemas (statuses {}); progenitor needs one",
                    error_schemas.len(),
                    groups.join(" / ")
                ),
            );
        }
    }

    fn request_body(&mut self, op: &Operation<'a>) {
        let Some(body) = op.value.get("requestBody") else {
            return;
        };
        let Some(body) = self.spec.resolve(body) else {
            self.op(op, "refs-resolve", "requestBody is a broken `$ref`".into());
            return;
        };
        if op.value.get("x-codegen-skip").is_some() {
            return;
        }
        let types: Vec<&String> =
            body.get("content").and_then(Value::as_object).into_iter().flatten().map(|(k, _)| k).collect();
        if types.len() != 1 || types[0] != "application/json" {
            self.op(
                op,
                "json-request-body",
                format!("request body content is [{}]; progenitor takes exactly `application/json` (or mark the operation `x-codegen-skip`)", join(&types)),
            );
        }
        if body.get("required").and_then(Value::as_bool) != Some(true) {
            self.op(
                op,
                "json-request-body",
                "request body must be `required: true` (progenitor ignores `false`)".into(),
            );
        }
    }

    /// With `x-signing.nonce-field` (OnChainPay) the runtime sends a JSON body carrying the
    /// nonce on every request, reads included: the spec says so, so that other tools (a mock
    /// validating requests) accept what pspkit sends. The generator takes the field out of the
    /// generated API again (the caller never passes it).
    fn signed_nonce(&mut self, op: &Operation<'a>) {
        let Some(field) = self.spec.doc.pointer("/x-signing/nonce-field").and_then(Value::as_str) else { return };
        if op.value.get("x-codegen-skip").is_some() {
            return;
        }
        let schema =
            op.value.pointer("/requestBody/content/application~1json/schema").and_then(|s| self.spec.resolve(s));
        match schema {
            None => self.op(
                op,
                "signed-nonce",
                format!("no JSON request body: every request carries `{field}`; declare a body with it"),
            ),
            Some(schema) => {
                let props = schema.get("properties").and_then(Value::as_object);
                // a free-form body (no `properties`) takes the nonce like any other field
                if props.is_some_and(|p| !p.contains_key(field)) {
                    self.op(
                        op,
                        "signed-nonce",
                        format!("the request body does not declare `{field}`, which every request carries"),
                    );
                }
            }
        }
    }

    fn parameters(&mut self, op: &Operation<'a>) {
        let params = self.parameters_of(op);
        let mut path_params = BTreeSet::new();
        for p in &params {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
            match p.get("in").and_then(Value::as_str) {
                Some("cookie") => self.op(op, "parameters", format!("cookie parameter {name:?} is not supported")),
                Some("path") => {
                    path_params.insert(name.to_owned());
                }
                _ => {}
            }
            if p.get("description").is_none() {
                self.op(op, "descriptions", format!("parameter {name:?} has no `description`"));
            }
            if p.get("style").and_then(Value::as_str) == Some("deepObject") {
                self.op(
                    op,
                    "parameters",
                    format!("parameter {name:?} uses `style: deepObject`; declare bracketed names literally"),
                );
            }
        }
        for segment in op.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}'))
                && !path_params.contains(name)
            {
                self.op(op, "parameters", format!("path parameter {{{name}}} is not declared"));
            }
        }
    }

    /// The request fields an operation takes where `x-pagination.in` says.
    fn request_fields(&self, op: &Operation<'a>, place: ParamPlace) -> BTreeSet<String> {
        if place == ParamPlace::Body {
            let schema =
                op.value.pointer("/requestBody/content/application~1json/schema").and_then(|s| self.spec.resolve(s));
            schema
                .and_then(|s| s.get("properties"))
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect()
        } else {
            self.parameters_of(op)
                .into_iter()
                .filter(|p| p.get("in").and_then(Value::as_str) == Some("query"))
                .filter_map(|p| p.get("name").and_then(Value::as_str).map(str::to_owned))
                .collect()
        }
    }

    fn success_schema(&self, op: &Operation<'a>) -> Option<&'a Value> {
        let spec: &'a Spec = self.spec;
        let responses = op.value.get("responses")?.as_object()?;
        let (_, resp) = responses.iter().find(|(s, _)| s.starts_with('2'))?;
        let resp = spec.resolve(resp)?;
        let media = resp.get("content")?.as_object()?.values().next()?;
        spec.resolve(media.get("schema")?)
    }

    fn pagination(&mut self, op: &Operation<'a>, p: &Pagination) {
        let style = p.style.as_str();
        let (request_keys, response_keys) = p.style.needs();
        if p.style.numbered() && p.first_page.is_none() {
            self.op(op, "x-pagination", format!("style {style} needs `first-page` (0 or 1)"));
        }
        let place = p.place;
        let get = |k: &str| p.key(k);
        let fields = self.request_fields(op, place);
        for key in request_keys {
            match get(key) {
                None => self.op(op, "x-pagination", format!("style {style} needs `{key}`")),
                Some(name) if !fields.contains(name) => self.op(
                    op,
                    "x-pagination",
                    format!(
                        "`{key}: {name}` is not a {} field of the operation",
                        if place == ParamPlace::Body { "request body" } else { "query" }
                    ),
                ),
                _ => {}
            }
        }
        let schema = self.success_schema(op);
        // the keys any style may name, for a page's metadata
        let optional = RESPONSE_METADATA.iter().filter(|k| !response_keys.contains(*k) && get(k).is_some());
        for key in response_keys.iter().chain(optional) {
            match get(key) {
                None => self.op(op, "x-pagination", format!("style {style} needs `{key}`")),
                Some(".") if *key == "items" => {
                    if schema.and_then(|s| s.get("type")).and_then(Value::as_str) != Some("array") {
                        self.op(op, "x-pagination", "`items: \".\"` but the success response is not an array".into());
                    }
                }
                Some(name) => {
                    let has = schema.and_then(|s| s.get("properties")).and_then(|props| props.get(name)).is_some();
                    if !has {
                        self.op(op, "x-pagination", format!("`{key}: {name}` is not a field of the success response"));
                    }
                }
            }
        }
    }

    fn schemas(&mut self) {
        let mut found = Vec::new();
        let in_responses = crate::conventions::response_components(&self.spec.doc);
        spec::walk_schemas(&self.spec.doc, &mut |schema, site| {
            let in_response = match site.pointer.strip_prefix("/components/schemas/") {
                Some(rest) => {
                    in_responses.contains(&rest.split('/').next().unwrap_or("").replace("~1", "/").replace("~0", "~"))
                }
                None => site.pointer.contains("/responses/"),
            };
            if in_response {
                sourced_leniency(schema, &site.pointer, &site.operation, &mut found);
            }
            let ty = schema.get("type").and_then(Value::as_str);
            let format = schema.get("format").and_then(Value::as_str);
            let at = || format!("schema at {}", site.pointer);
            let is_property = site.pointer.rsplit('/').nth(1) == Some("properties");
            // a parameter's own schema (not one nested in it)
            let is_parameter = site.in_parameter && site.pointer.ends_with("/schema");
            if is_property && schema.get("$ref").is_none() && schema.get("description").is_none() {
                found.push((
                    site.operation.clone(),
                    "descriptions",
                    format!("{}: a field without `description` (it becomes the field's doc comment)", at()),
                ));
            }
            if ty == Some("number") && format != Some("decimal") {
                found.push((
                    site.operation.clone(),
                    "no-float",
                    format!("{}: `type: number` without `format: decimal` would decode through f64", at()),
                ));
            }
            if let Some((format, pattern, rust)) = FORMAT_PATTERNS.iter().find(|(f, _, _)| Some(*f) == format)
                && ty == Some("string")
                && schema.get("pattern").and_then(Value::as_str) != Some(pattern)
            {
                found.push((
                    site.operation.clone(),
                    "format-patterns",
                    format!(
                        "{}: a `format: {format}` string needs `pattern: '{pattern}'` (what {rust} accepts), so other tools agree with pspkit",
                        at()
                    ),
                ));
            }
            if format == Some("decimal") && site.in_union {
                found.push((
                    site.operation.clone(),
                    "money-outside-unions",
                    format!("{}: money inside oneOf/anyOf/allOf cannot be decoded exactly", at()),
                ));
            }
            if schema.get("additionalProperties") == Some(&Value::Bool(false)) {
                found.push((
                    site.operation.clone(),
                    "open-objects",
                    format!("{}: `additionalProperties: false` would reject fields providers add", at()),
                ));
            }
            if let Some(s) = schema.get("x-source")
                && !s.as_str().is_some_and(|s| SOURCES.contains(&s))
            {
                found.push((
                    site.operation.clone(),
                    "x-source",
                    format!("{}: `x-source` is {s}; one of {SOURCES:?}", at()),
                ));
            }
            if let Some(mark) = schema.get("x-sensitive")
                && (mark != &Value::Bool(true)
                    || ty != Some("string")
                    || format.is_some()
                    || schema.get("enum").is_some()
                    || !(is_property || is_parameter))
            {
                found.push((
                    site.operation.clone(),
                    "sensitive",
                    format!(
                        "{}: `x-sensitive` is `true` on a plain text property or parameter (`type: string`, no `format` or `enum`), or absent",
                        at()
                    ),
                ));
            }
            if let Some(values) = schema.get("enum").and_then(Value::as_array)
                && ty == Some("string")
                && !values.iter().all(|v| v.is_string() || v.is_null())
            {
                found.push((
                    site.operation.clone(),
                    "string-enums",
                    format!("{}: a string enum lists a non-string value", at()),
                ));
            }
            if let Some(r) = schema.get("$ref").and_then(Value::as_str)
                && (!r.starts_with("#/") || spec::resolve(&self.spec.doc, schema).is_none())
            {
                found.push((site.operation.clone(), "refs-resolve", format!("{}: `$ref: {r}` does not resolve", at())));
            }
        });
        for (op, rule, message) in found {
            self.push(op, rule, message);
        }
    }
}

/// Rule `sourced-leniency`, for the object schemas a response reaches. A field the generated
/// client may find absent (left out of `required`) or `null` (`nullable: true`) says which source
/// shows it so, with its own `x-source` (`inferred` when no source shows it always present):
/// leniency is a fact about each field, never a default. And a `$ref` field cannot be made
/// nullable beside the reference (OpenAPI 3.0 and the generator ignore a `$ref`'s siblings): it
/// is left out of `required` instead, which already decodes `null`.
fn sourced_leniency(
    schema: &Value,
    pointer: &str,
    operation: &Option<String>,
    found: &mut Vec<(Option<String>, &'static str, String)>,
) {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else { return };
    let required: BTreeSet<&str> =
        schema.get("required").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    for (name, prop) in props {
        let nullable = prop.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let at = format!("schema at {pointer}/properties/{}", spec::escape(name));
        if nullable && prop.get("$ref").is_some() {
            found.push((
                operation.clone(),
                "sourced-leniency",
                format!("{at}: `nullable` beside a `$ref` is ignored; leave the field out of `required` instead"),
            ));
        }
        if (!required.contains(name.as_str()) || nullable) && prop.get("x-source").is_none() {
            let how = if nullable { "may be `null`" } else { "is not `required`" };
            found.push((
                operation.clone(),
                "sourced-leniency",
                format!(
                    "{at}: the response field {how} but says on no source why; add the `x-source` that shows it absent or null (or `inferred`)"
                ),
            ));
        }
    }
}

/// The rule a refused extension breaks: the extension's own name, or `known-extensions` for a
/// key the project does not define.
fn extension_rule(message: &str) -> &'static str {
    const NAMES: [&str; 11] = [
        "x-client-name",
        "x-error",
        "x-envelope",
        "x-signing",
        "x-source",
        "x-path-source",
        "x-retry",
        "x-idempotency",
        "x-pagination",
        "x-require-one-of",
        "x-codegen-skip",
    ];
    if message.contains("unknown field `x-") {
        return "known-extensions";
    }
    NAMES.iter().find(|n| message.contains(&format!("`{n}"))).copied().unwrap_or("known-extensions")
}

fn join(items: &[&String]) -> String {
    items.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}
