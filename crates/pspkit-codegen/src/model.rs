//! The generator's one model of a provider: built once per spec from the prepared spec (the
//! conventions applied) and typify's type space, never from generated text. Every surface
//! renders from it: the runtime table (`SPEC`), the typed client's builders, the request-body
//! builders, the Python layer and the API summary reviewed after a spec edit.

use std::collections::{BTreeMap, BTreeSet};

use heck::{ToPascalCase, ToSnakeCase};
use serde_json::Value;
use typify::{TypeDetails, TypeSpace, TypeSpaceImpl, TypeSpaceSettings};

use crate::conventions::{OpenEnum, Prepared};
use crate::extensions::{self, DocumentExtensions, ErrorPointers, OperationExtensions, Pagination, Retry, Signing};
use crate::problem::Error;
use crate::spec::{self, METHODS, Spec};

/// Everything the generator knows about one provider.
#[derive(Clone, Debug)]
pub struct Model {
    /// The provider as a whole.
    pub provider: Provider,
    /// Every generated operation, in document order.
    pub operations: Vec<Operation>,
    /// Every named type (structs, enums, open enums), by name.
    pub types: BTreeMap<String, TypeDef>,
}

/// The provider: names, where it lives, how it wraps answers and signs requests.
#[derive(Clone, Debug)]
pub struct Provider {
    /// Short name, the spec's file stem (`onepay`).
    pub name: String,
    /// The spec's `info.title`.
    pub title: String,
    /// The typed client's type name (`x-client-name`).
    pub client_name: String,
    /// The first server URL with its variables at their defaults.
    pub default_base_url: String,
    /// The header of an `apiKey` security scheme, if any.
    pub api_key_header: Option<String>,
    /// Where an error body keeps its parts.
    pub error: ErrorPointers,
    /// The response envelope, when every answer is wrapped.
    pub envelope: Option<extensions::Envelope>,
    /// Request signing beyond the security schemes.
    pub signing: Option<Signing>,
    /// What a client is built from (`x-credentials`).
    pub credentials: extensions::Credentials,
}

/// Where a parameter goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    /// In the path.
    Path,
    /// In the query string.
    Query,
    /// A request header.
    Header,
}

/// One parameter of an operation (path, query or header).
#[derive(Clone, Debug)]
pub struct Param {
    /// The name on the wire.
    pub wire: String,
    /// The Rust name (progenitor's and typify's `snake_case` of the wire name).
    pub rust: String,
    /// Where it goes.
    pub place: Place,
    /// Whether the spec requires it.
    pub required: bool,
    /// The owned Rust type of the value (`::std::string::String`, `types::AccountStatus`).
    pub ty: RustType,
    /// The spec's description.
    pub description: Option<String>,
    /// Whether this is the header named by `x-idempotency`.
    pub idempotency: bool,
    /// Whether its value may be a secret or card data (`x-sensitive` on its schema): the request
    /// builder's `Debug` shows it as redacted.
    pub sensitive: bool,
}

/// A Rust type as rendered, with what pspkit knows about its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RustType {
    /// The type's tokens, e.g. `::std::num::NonZeroU64` or `types::Cashout`.
    pub tokens: String,
    /// What kind of value it holds.
    pub kind: Kind,
}

/// The kinds of value pspkit treats specially.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Exact decimal money (`pspkit::DecimalString`).
    Money,
    /// An identifier (`pspkit::Id`).
    Id,
    /// A point in time (`pspkit::Timestamp`).
    Timestamp,
    /// A calendar date (`pspkit::Date`).
    Date,
    /// A string enum that also keeps unknown values.
    OpenEnum(String),
    /// A generated struct or enum.
    Named(String),
    /// Text.
    Text,
    /// Text that may hold a secret or card data (`pspkit::Sensitive`, the spec's `x-sensitive`):
    /// masked wherever pspkit shows a value.
    Sensitive,
    /// A whole number; `positive` when zero is refused (`NonZeroU64`).
    Integer {
        /// Zero is refused.
        positive: bool,
    },
    /// `true` or `false`.
    Bool,
    /// A list of values.
    List(Box<Kind>),
    /// An optional value.
    Optional(Box<Kind>),
    /// A JSON object of any keys (`additionalProperties`), with the kind of its values.
    Map(Box<Kind>),
    /// The raw bytes of an answer that is not JSON (a file download).
    Bytes,
    /// No value: the payload of an answer that has no body (a `204`, an error status without
    /// content).
    Unit,
    /// Any other type (JSON values, tagged unions).
    Other,
}

impl Kind {
    /// Whether a value of this kind is `kind`, or an optional value, a list or a map of it.
    pub fn holds(&self, kind: &Kind) -> bool {
        match self {
            Kind::Optional(inner) | Kind::List(inner) | Kind::Map(inner) => inner.holds(kind),
            other => other == kind,
        }
    }
}

/// The request body of an operation.
#[derive(Clone, Debug)]
pub struct Body {
    /// Its Rust type.
    pub ty: RustType,
    /// The spec's description of the request body.
    pub description: Option<String>,
}

/// One operation of the provider.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The spec's `operationId`.
    pub id: String,
    /// The Rust method name (`snake_case` of the operationId).
    pub name: String,
    /// The spec's one tag: the provider's section.
    pub tag: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template.
    pub path: String,
    /// The spec's summary.
    pub summary: String,
    /// The spec's description.
    pub description: Option<String>,
    /// The typed extensions (`x-retry`, `x-pagination`, `x-require-one-of`, ...).
    pub ext: OperationExtensions,
    /// Path, query and header parameters, in progenitor's order (path parameters in path
    /// order, then query and header parameters by name).
    pub params: Vec<Param>,
    /// The JSON request body, if any.
    pub body: Option<Body>,
    /// The success payload's type (`()` when there is none).
    pub success: RustType,
    /// The error payload's type, the `E` of the method's `Error<E>`: what the error statuses
    /// (`4XX`, `5XX`, `default`) carry, typed as progenitor types it: their one JSON schema,
    /// `()` when none of them has a body, a byte stream when the body is not JSON.
    pub error: RustType,
    /// Whether the success payload is a byte stream (a file download), not JSON.
    pub streams: bool,
    /// The doc comment of progenitor's positional method, as progenitor writes it: the
    /// summary, the description, the HTTP method and path, and the described arguments. The
    /// Python layer shows the same text, so that both languages document an operation alike.
    pub doc: String,
}

impl Operation {
    /// The retry class.
    pub fn retry(&self) -> Retry {
        self.ext.retry
    }

    /// The idempotency header, if the provider deduplicates this write.
    pub fn idempotency_header(&self) -> Option<&str> {
        self.ext.idempotency.as_ref().map(|i| i.header.as_str())
    }

    /// How to walk the list it returns.
    pub fn pagination(&self) -> Option<&Pagination> {
        self.ext.pagination.as_ref()
    }
}

/// A named type of the provider.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// Its name in the `types` module.
    pub name: String,
    /// What it is.
    pub shape: Shape,
    /// The doc comment of the generated Rust type: the schema's description, or the stand-in
    /// written when it has none (typify's `` `Name` ``, [`OpenEnum::doc`]'s sentence). Empty
    /// for a type the provider does not define (`bool`, `Vec<...>`).
    pub doc: String,
}

/// The shape of a named type.
#[derive(Clone, Debug)]
pub enum Shape {
    /// A struct with named fields.
    Struct(Vec<Field>),
    /// A string enum that keeps unknown values, with the values the spec lists.
    OpenEnum(Vec<String>),
    /// A newtype (`pub struct Name(Inner)`): a constrained string, a free-form object, with the
    /// type it wraps.
    Newtype(RustType),
    /// Any other type typify made (a tagged union) or uses (`bool`, `Vec<...>`).
    Other,
}

/// One field of a struct.
#[derive(Clone, Debug)]
pub struct Field {
    /// The Rust name.
    pub rust: String,
    /// The name on the wire.
    pub wire: String,
    /// The Rust type, `Option<...>` for an optional or nullable field.
    pub ty: RustType,
    /// Whether the spec requires it (the Rust type is then not an `Option` unless nullable).
    pub required: bool,
    /// The spec's description.
    pub description: Option<String>,
    /// The spec's `default`, for an optional field that has one.
    pub default: Option<Value>,
}

impl Field {
    /// Whether a value has to be given: the spec requires the field and does not let it be
    /// `null`, so the Rust field is neither an `Option` nor filled by a serde default.
    pub fn must_be_given(&self) -> bool {
        self.required && !matches!(self.ty.kind, Kind::Optional(_))
    }

    /// Whether `None` goes on the wire as `null`: typify skips a `None` only for a field the
    /// spec leaves optional, so a required, nullable field is always sent.
    pub fn sends_null(&self) -> bool {
        self.required && matches!(self.ty.kind, Kind::Optional(_))
    }
}

impl Model {
    /// Builds the model of a prepared spec from progenitor's type space (after generation).
    pub fn build(spec: &Spec, prepared: &Prepared, generated: &TypeSpace) -> Result<Self, Error> {
        let doc_ext: DocumentExtensions =
            extensions::read(&spec.doc).map_err(|m| Error::one(&spec.file, None, "known-extensions", m))?;
        let provider = Provider {
            name: spec.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            title: spec.title().to_owned(),
            client_name: doc_ext.client_name,
            default_base_url: default_base_url(&spec.doc),
            api_key_header: extensions::api_key_header(&spec.doc).map(str::to_owned),
            error: doc_ext.error.unwrap_or_default(),
            envelope: doc_ext.envelope,
            signing: doc_ext.signing,
            credentials: doc_ext.credentials,
        };
        let enum_names: BTreeMap<&str, &OpenEnum> = prepared.enums.iter().map(|e| (e.name.as_str(), e)).collect();
        let schemas = type_schemas(&prepared.doc, generated);
        let mut types = BTreeMap::new();
        for t in generated.iter_types() {
            let name = t.name();
            let shape = match t.details() {
                TypeDetails::Struct(s) => {
                    // inline structs (an operation's body, an object inside another) have wire
                    // names too
                    let schema = schemas.get(&name).copied();
                    let wire_of = wire_names(schema);
                    let default_of = |wire: &str| {
                        schema?.pointer(&format!("/properties/{}", spec::escape(wire)))?.get("default").cloned()
                    };
                    Shape::Struct(
                        s.properties_info()
                            .map(|p| {
                                let ty = rust_type(generated, &p.type_id, &enum_names);
                                let wire = wire_of.get(p.name).cloned().unwrap_or_else(|| p.name.to_owned());
                                Field {
                                    rust: p.name.to_owned(),
                                    default: default_of(&wire),
                                    wire,
                                    ty,
                                    required: p.required,
                                    description: p.description.map(str::to_owned),
                                }
                            })
                            .collect(),
                    )
                }
                TypeDetails::Newtype(n) => Shape::Newtype(rust_type(generated, &n.inner(), &enum_names)),
                _ => Shape::Other,
            };
            // typify documents the types it defines with the schema's description, or the name
            let doc = match t.details() {
                TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
                    match schemas.get(&name).and_then(|s| s.get("description")).and_then(Value::as_str) {
                        Some(description) => description.to_owned(),
                        None => format!("`{name}`"),
                    }
                }
                _ => String::new(),
            };
            types.insert(name.clone(), TypeDef { name, shape, doc });
        }
        for e in &prepared.enums {
            types.insert(
                e.name.clone(),
                TypeDef { name: e.name.clone(), shape: Shape::OpenEnum(e.values.clone()), doc: e.doc() },
            );
        }
        let operations = Operations::new(spec, prepared, &enum_names).collect()?;
        Ok(Self { provider, operations, types })
    }

    /// The operation with this Rust name.
    pub fn operation(&self, name: &str) -> Option<&Operation> {
        self.operations.iter().find(|o| o.name == name)
    }

    /// The wire names of the struct fields the spec marks `x-sensitive`, each once, in order.
    pub fn sensitive_fields(&self) -> Vec<&str> {
        let names: BTreeSet<&str> = self
            .types
            .values()
            .filter_map(|t| match &t.shape {
                Shape::Struct(fields) => Some(fields),
                _ => None,
            })
            .flatten()
            .filter(|f| f.ty.kind.holds(&Kind::Sensitive))
            .map(|f| f.wire.as_str())
            .collect();
        names.into_iter().collect()
    }

    /// The kind of one item of the pages a list operation (`x-pagination`) returns: of the
    /// success payload when it is the list itself (`items: .`), else of its `items` field.
    pub fn page_item<'m>(&'m self, op: &'m Operation) -> Option<&'m Kind> {
        let p = op.pagination()?;
        let list = if p.items == "." {
            &op.success.kind
        } else {
            let Kind::Named(name) = &op.success.kind else { return None };
            let Shape::Struct(fields) = &self.types.get(name)?.shape else { return None };
            &fields.iter().find(|f| f.wire == p.items)?.ty.kind
        };
        match list {
            Kind::List(item) => Some(item),
            Kind::Optional(list) => match list.as_ref() {
                Kind::List(item) => Some(item),
                _ => None,
            },
            _ => None,
        }
    }
}

/// The schema each type typify defines was made from, by type name: a component by its name, an
/// operation's parameter, body or response by the name progenitor gives it, and an inline schema
/// by following its parent's types down properties, items and additional properties (typify
/// names those after the parent, or after the schema's `title`, so following the types is what
/// finds them whatever the name).
fn type_schemas<'d>(doc: &'d Value, space: &TypeSpace) -> BTreeMap<String, &'d Value> {
    let mut found: BTreeMap<String, &Value> = BTreeMap::new();
    for (name, schema) in doc.pointer("/components/schemas").and_then(Value::as_object).into_iter().flatten() {
        found.insert(name.clone(), schema);
    }
    for (_, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("");
            for holder in [item, op] {
                for p in holder.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                    let p = spec::resolve(doc, p).unwrap_or(p);
                    let wire = p.get("name").and_then(Value::as_str).unwrap_or("");
                    if let Some(schema) = p.get("schema") {
                        found.entry(format!("{id}-{wire}").to_pascal_case()).or_insert(schema);
                    }
                }
            }
            if let Some(schema) = op.pointer("/requestBody/content/application~1json/schema") {
                found.entry(format!("{id}-body").to_pascal_case()).or_insert(schema);
            }
            for (status, response) in op.get("responses").and_then(Value::as_object).into_iter().flatten() {
                let response = spec::resolve(doc, response).unwrap_or(response);
                if (status.starts_with('2') || status == "default")
                    && let Some(schema) = response.pointer("/content/application~1json/schema")
                {
                    found.entry(format!("{id}-response").to_pascal_case()).or_insert(schema);
                }
            }
        }
    }
    let types: Vec<typify::Type<'_>> = space.iter_types().collect();
    // each pass finds the inline schemas one level deeper
    loop {
        let known = found.len();
        for t in &types {
            let TypeDetails::Struct(s) = t.details() else { continue };
            let Some(schema) = found.get(&t.name()).copied() else { continue };
            let wire_of = wire_names(Some(schema));
            for p in s.properties_info() {
                let wire = wire_of.get(p.name).map_or(p.name, String::as_str);
                if let Some(property) = schema.pointer(&format!("/properties/{}", spec::escape(wire))) {
                    inline_schema(space, &p.type_id, property, &mut found);
                }
            }
        }
        if found.len() == known {
            return found;
        }
    }
}

/// Records `schema` as the schema of the type `id` names, looking through options, lists and
/// maps; a `$ref` is a component, already known.
fn inline_schema<'d>(
    space: &TypeSpace,
    id: &typify::TypeId,
    schema: &'d Value,
    found: &mut BTreeMap<String, &'d Value>,
) {
    if schema.get("$ref").is_some() {
        return;
    }
    let Ok(t) = space.get_type(id) else { return };
    match t.details() {
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
            found.entry(t.name()).or_insert(schema);
        }
        TypeDetails::Option(inner) | TypeDetails::Box(inner) => inline_schema(space, &inner, schema, found),
        TypeDetails::Vec(inner) | TypeDetails::Set(inner) => {
            if let Some(items) = schema.get("items") {
                inline_schema(space, &inner, items, found);
            }
        }
        TypeDetails::Map(_, value) => {
            if let Some(values) = schema.get("additionalProperties") {
                inline_schema(space, &value, values, found);
            }
        }
        _ => {}
    }
}

/// JSON name of each Rust field of an object schema (typify's `snake_case` rule).
fn wire_names(schema: Option<&Value>) -> BTreeMap<String, String> {
    schema
        .and_then(|s| s.get("properties"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(wire, _)| (rust_field_name(wire), wire.clone()))
        .collect()
}

/// The environment variable `provider`'s credential key (or `base_url`) is read from:
/// `PSPKIT_<PROVIDER>_<KEY>`, the rule `pspkit::auth::env_name` applies at run time.
pub fn env_var(provider: &str, key: &str) -> String {
    format!("PSPKIT_{}_{}", provider.to_uppercase(), key.to_uppercase())
}

/// typify's (and progenitor's) Rust name of a JSON field or parameter: `snake_case`, with
/// characters outside identifiers replaced, an `x` prefix for a leading digit and `_` after a
/// keyword.
pub fn rust_field_name(wire: &str) -> String {
    let cleaned: String =
        wire.replace('\'', "").chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '-' }).collect();
    let mut out = cleaned.to_snake_case();
    match out.chars().next() {
        None => out = "x".into(),
        Some(c) if !(c.is_alphabetic() || c == '_') => out = format!("x{out}"),
        _ => {}
    }
    if typify::accept_as_ident(&out) { out } else { format!("{out}_") }
}

/// The first server URL with every `{variable}` at its default.
pub fn default_base_url(doc: &Value) -> String {
    let Some(server) = doc.pointer("/servers/0") else { return String::new() };
    let mut url = server.get("url").and_then(Value::as_str).unwrap_or("").to_owned();
    for (name, var) in server.get("variables").and_then(Value::as_object).into_iter().flatten() {
        let default = var.get("default").and_then(Value::as_str).unwrap_or("");
        url = url.replace(&format!("{{{name}}}"), default);
    }
    url.trim_end_matches('/').to_owned()
}

/// The Rust type of a typify type id, with its kind.
fn rust_type(space: &TypeSpace, id: &typify::TypeId, enums: &BTreeMap<&str, &OpenEnum>) -> RustType {
    let Ok(t) = space.get_type(id) else {
        return RustType { tokens: "::serde_json::Value".into(), kind: Kind::Other };
    };
    let tokens = t.ident().to_string().replace(' ', "");
    RustType { kind: kind(space, id, enums), tokens: pretty_tokens(&tokens) }
}

/// `::std::option::Option<types::X>` as the tokens print, spaced like Rust source.
fn pretty_tokens(compact: &str) -> String {
    compact.replace(',', ", ")
}

fn kind(space: &TypeSpace, id: &typify::TypeId, enums: &BTreeMap<&str, &OpenEnum>) -> Kind {
    let Ok(t) = space.get_type(id) else { return Kind::Other };
    match t.details() {
        TypeDetails::Option(inner) => Kind::Optional(Box::new(kind(space, &inner, enums))),
        TypeDetails::Vec(inner) => Kind::List(Box::new(kind(space, &inner, enums))),
        TypeDetails::Map(_, value) => Kind::Map(Box::new(kind(space, &value, enums))),
        TypeDetails::Box(inner) => kind(space, &inner, enums),
        TypeDetails::String => Kind::Text,
        // an open enum is a replacement type: `types::X` here, `crate::generated::types::X` in
        // progenitor's type space
        TypeDetails::Builtin(name) => match name.rsplit_once("types::") {
            Some((_, local)) if enums.contains_key(local) => Kind::OpenEnum(local.to_owned()),
            _ => builtin_kind(name),
        },
        TypeDetails::Struct(_) | TypeDetails::Enum(_) | TypeDetails::Newtype(_) => {
            let name = t.name();
            if enums.contains_key(name.as_str()) { Kind::OpenEnum(name) } else { Kind::Named(name) }
        }
        _ => {
            let name = t.name();
            if enums.contains_key(name.as_str()) { Kind::OpenEnum(name) } else { Kind::Other }
        }
    }
}

fn builtin_kind(name: &str) -> Kind {
    match name.trim_start_matches("::") {
        "pspkit::DecimalString" | "pspkit::DecimalNumber" => Kind::Money,
        "pspkit::Id" => Kind::Id,
        "pspkit::Sensitive" => Kind::Sensitive,
        "pspkit::Timestamp" => Kind::Timestamp,
        "pspkit::Date" => Kind::Date,
        "bool" => Kind::Bool,
        "std::num::NonZeroU64" | "std::num::NonZeroU32" | "std::num::NonZeroI64" => Kind::Integer { positive: true },
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" => Kind::Integer { positive: false },
        _ => Kind::Other,
    }
}

/// Types the operations of a prepared spec in a type space of their own, set up like
/// progenitor's, so that each parameter, body and response gets exactly the type (and, for
/// inline schemas, the name) progenitor gives it.
struct Operations<'a> {
    spec: &'a Spec,
    prepared: &'a Prepared,
    enums: &'a BTreeMap<&'a str, &'a OpenEnum>,
    space: TypeSpace,
}

impl<'a> Operations<'a> {
    fn new(spec: &'a Spec, prepared: &'a Prepared, enums: &'a BTreeMap<&'a str, &'a OpenEnum>) -> Self {
        let mut settings = TypeSpaceSettings::default();
        settings.with_type_mod("types").with_crate("pspkit", typify::CrateVers::Any, None::<&String>);
        for e in &prepared.enums {
            settings.with_replacement(
                &e.name,
                format!("types::{}", e.name),
                [TypeSpaceImpl::Display, TypeSpaceImpl::FromStr].into_iter(),
            );
        }
        Self { spec, prepared, enums, space: TypeSpace::new(&settings) }
    }

    fn err(&self, operation: Option<String>, message: String) -> Error {
        Error::one(&self.spec.file, operation, "model", message)
    }

    fn collect(mut self) -> Result<Vec<Operation>, Error> {
        let doc = &self.prepared.doc;
        let components: Vec<(String, schemars::schema::Schema)> = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(name, schema)| Ok((name.clone(), json_schema(schema)?)))
            .collect::<Result<_, String>>()
            .map_err(|e| self.err(None, e))?;
        self.space.add_ref_types(components).map_err(|e| self.err(None, format!("typify: {e}")))?;
        let mut out = Vec::new();
        for (path, item) in doc.get("paths").and_then(Value::as_object).into_iter().flatten() {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                out.push(self.operation(path, method, op, item)?);
            }
        }
        Ok(out)
    }

    fn add(&mut self, schema: &Value, name: String, op: &str) -> Result<RustType, Error> {
        let id = self.add_id(schema, name, op)?;
        Ok(rust_type(&self.space, &id, self.enums))
    }

    /// Adds `schema` to the type space under the name progenitor suggests for it; the type's
    /// id, as two responses share a type only when typify gives them the same id.
    fn add_id(&mut self, schema: &Value, name: String, op: &str) -> Result<typify::TypeId, Error> {
        let schema = json_schema(schema).map_err(|e| self.err(Some(op.to_owned()), e))?;
        self.space
            .add_type_with_name(&schema, Some(name))
            .map_err(|e| self.err(Some(op.to_owned()), format!("typify: {e}")))
    }

    /// Every response of an operation with its payload, typed in progenitor's order: `default`
    /// first, then the statuses as the spec lists them. Every JSON body, success or error, is
    /// added under the one name `{operationId}-response`, and typify gives a schema suggested a
    /// name already taken the type that holds it, so the order decides which inline schema
    /// becomes that type. Without a success status progenitor assumes a `2XX` answering bytes.
    fn responses(&mut self, op: &Value, id: &str) -> Result<Vec<(Status, Payload)>, Error> {
        let doc = &self.prepared.doc;
        let all = op.get("responses").and_then(Value::as_object).into_iter().flatten();
        let ordered = all.clone().filter(|(key, _)| *key == "default").chain(all.filter(|(key, _)| *key != "default"));
        let mut out = Vec::new();
        for (key, response) in ordered {
            // anything else is an extension (`x-...`), which openapiv3 does not read as a status
            let Some(status) = Status::parse(key) else { continue };
            let response = spec::resolve(doc, response).unwrap_or(response);
            let content = response.get("content").and_then(Value::as_object);
            let json = content
                .into_iter()
                .flatten()
                .find(|(media, _)| *media == "application/json" || media.starts_with("application/json;"));
            let payload = match json {
                Some((_, media)) => {
                    let Some(schema) = media.get("schema") else {
                        return Err(self.err(Some(id.to_owned()), format!("response {key} is JSON without a schema")));
                    };
                    Payload::Json(self.add_id(schema, format!("{id}-response").to_pascal_case(), id)?)
                }
                None if status == Status::Code(101) => Payload::Upgrade,
                None if content.is_some_and(|c| !c.is_empty()) => Payload::Raw,
                None => Payload::None,
            };
            out.push((status, payload));
        }
        if !out.iter().any(|(status, _)| status.is_success()) {
            out.push((Status::Range(2), Payload::Raw));
        }
        Ok(out)
    }

    /// The one type of the payloads of the responses `pick` selects, as progenitor chooses it
    /// (its `extract_responses`): the type they share, `()` when there are none. A `default`
    /// after a `2XX` range is never reached, so its payload does not count. progenitor cannot
    /// type responses with different payloads (a schema and no body, two schemas) and stops; so
    /// does the model.
    fn payload(&self, responses: &[(Status, Payload)], pick: fn(Status) -> bool, id: &str) -> Result<RustType, Error> {
        let mut picked: Vec<&(Status, Payload)> = responses.iter().filter(|(status, _)| pick(*status)).collect();
        // stable, as progenitor's sort: a status code and the range starting at it stay in order
        picked.sort_by_key(|(status, _)| status.order());
        if let [.., (Status::Range(2), _), (Status::Default, _)] = picked.as_slice() {
            picked.pop();
        }
        let payloads: BTreeSet<&Payload> = picked.iter().map(|(_, payload)| payload).collect();
        let mut payloads = payloads.into_iter();
        match (payloads.next(), payloads.next()) {
            (Some(_), Some(_)) => {
                let statuses: Vec<String> = picked.iter().map(|(status, _)| status.name()).collect();
                Err(self.err(
                    Some(id.to_owned()),
                    format!(
                        "responses {} have different payloads; progenitor types them with one",
                        statuses.join(", ")
                    ),
                ))
            }
            (None, _) | (Some(Payload::None), _) => Ok(unit()),
            (Some(Payload::Json(ty)), _) => Ok(rust_type(&self.space, ty, self.enums)),
            (Some(Payload::Raw), _) => Ok(bytes()),
            (Some(Payload::Upgrade), _) => Ok(RustType { tokens: "reqwest::Upgraded".into(), kind: Kind::Other }),
        }
    }

    fn operation(&mut self, path: &str, method: &str, op: &Value, item: &Value) -> Result<Operation, Error> {
        let doc = &self.prepared.doc;
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or("").to_owned();
        let ext: OperationExtensions = extensions::read(op).map_err(|m| self.err(Some(id.clone()), m))?;
        let idempotency = ext.idempotency.as_ref().map(|i| i.header.to_ascii_lowercase());
        let mut declared: Vec<&Value> = Vec::new();
        for holder in [item, op] {
            for p in holder.get("parameters").and_then(Value::as_array).into_iter().flatten() {
                let p = spec::resolve(doc, p).unwrap_or(p);
                let name = p.get("name").and_then(Value::as_str);
                declared.retain(|d| d.get("name").and_then(Value::as_str) != name);
                declared.push(p);
            }
        }
        // path parameters in the order the path names them, then query, then header parameters,
        // each by name
        let order = |p: &&Value| {
            let name = p.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
            match p.get("in").and_then(Value::as_str) {
                Some("path") => (0, path.find(&format!("{{{name}}}")).unwrap_or(0), String::new()),
                Some("query") => (1, 0, name),
                _ => (2, 0, name),
            }
        };
        declared.sort_by_key(order);
        let mut params = Vec::new();
        for p in declared {
            let wire = p.get("name").and_then(Value::as_str).unwrap_or("").to_owned();
            let place = match p.get("in").and_then(Value::as_str) {
                Some("path") => Place::Path,
                Some("query") => Place::Query,
                Some("header") => Place::Header,
                _ => continue,
            };
            let schema = p.get("schema").cloned().unwrap_or(Value::Bool(true));
            let ty = self.add(&schema, format!("{id}-{wire}").to_pascal_case(), &id)?;
            params.push(Param {
                rust: rust_field_name(&wire),
                idempotency: place == Place::Header && idempotency.as_deref() == Some(&wire.to_ascii_lowercase()),
                wire,
                place,
                required: p.get("required").and_then(Value::as_bool).unwrap_or(false),
                sensitive: schema.get("x-sensitive") == Some(&Value::Bool(true)),
                ty,
                description: p.get("description").and_then(Value::as_str).map(str::to_owned),
            });
        }
        let body = match op.pointer("/requestBody/content/application~1json/schema") {
            Some(schema) => Some(Body {
                ty: self.add(schema, format!("{id}-body").to_pascal_case(), &id)?,
                description: op.pointer("/requestBody/description").and_then(Value::as_str).map(str::to_owned),
            }),
            None => None,
        };
        let responses = self.responses(op, &id)?;
        let success = self.payload(&responses, Status::is_success, &id)?;
        let error = self.payload(&responses, Status::is_error, &id)?;
        let streams = success.kind == Kind::Bytes;
        let summary = op.get("summary").and_then(Value::as_str).unwrap_or("").to_owned();
        let description = op.get("description").and_then(Value::as_str).map(str::to_owned);
        let doc = method_doc(method, path, &summary, description.as_deref(), &params, body.as_ref());
        Ok(Operation {
            name: id.to_snake_case(),
            tag: op.pointer("/tags/0").and_then(Value::as_str).unwrap_or("").to_owned(),
            method: method.to_uppercase(),
            path: path.to_owned(),
            summary,
            description,
            id,
            ext,
            params,
            body,
            success,
            error,
            streams,
            doc,
        })
    }
}

/// progenitor's doc comment of a positional method (its `make_doc_comment`): an empty summary
/// or description is left out, the summary loses its final `.` or `,`, and the arguments are
/// listed, in the method's order, when any of them is described.
fn method_doc(
    method: &str,
    path: &str,
    summary: &str,
    description: Option<&str>,
    params: &[Param],
    body: Option<&Body>,
) -> String {
    let mut doc = String::new();
    if !summary.is_empty() {
        doc.push_str(summary.trim_end_matches(['.', ',']));
        doc.push_str("\n\n");
    }
    if let Some(description) = description.filter(|d| !d.is_empty()) {
        doc.push_str(description);
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("Sends a `{}` request to `{path}`\n\n", method.to_ascii_uppercase()));
    let args: Vec<(&str, Option<&str>)> = params
        .iter()
        .map(|p| (p.rust.as_str(), p.description.as_deref()))
        .chain(body.map(|b| ("body", b.description.as_deref())))
        .collect();
    if args.iter().any(|(_, d)| d.is_some()) {
        doc.push_str("Arguments:\n");
        for (name, description) in args {
            doc.push_str(&format!("- `{name}`"));
            if let Some(description) = description {
                doc.push_str(": ");
                doc.push_str(description);
            }
            doc.push('\n');
        }
    }
    doc
}

fn unit() -> RustType {
    RustType { tokens: "()".into(), kind: Kind::Unit }
}

fn bytes() -> RustType {
    RustType { tokens: "::progenitor_client::ByteStream".into(), kind: Kind::Bytes }
}

/// A `responses` key as progenitor reads it (openapiv3's `StatusCode`, or `default`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    /// One status code (`404`).
    Code(u16),
    /// `4XX`, by its hundreds digit.
    Range(u16),
    /// `default`.
    Default,
}

impl Status {
    /// openapiv3's reading: three digits from 100 to 999, or a digit and `XX` in either case.
    fn parse(key: &str) -> Option<Self> {
        if key == "default" {
            return Some(Self::Default);
        }
        if key.len() != 3 || !key.is_ascii() {
            return None;
        }
        if let Ok(code) = key.parse::<u16>() {
            return (100..1000).contains(&code).then_some(Self::Code(code));
        }
        match key.to_ascii_uppercase().as_bytes() {
            [digit, b'X', b'X'] if digit.is_ascii_digit() => Some(Self::Range(u16::from(digit - b'0'))),
            _ => None,
        }
    }

    /// progenitor's sort key: a range at its first code, `default` after every status.
    fn order(self) -> u16 {
        match self {
            Self::Code(code) => code,
            Self::Range(digit) => digit * 100,
            Self::Default => 1000,
        }
    }

    /// A status whose payload is the method's `ResponseValue<T>`.
    fn is_success(self) -> bool {
        matches!(self, Self::Default | Self::Code(101) | Self::Code(200..=299) | Self::Range(2))
    }

    /// A status whose payload is the method's `Error<E>`.
    fn is_error(self) -> bool {
        matches!(self, Self::Default | Self::Code(400..=599) | Self::Range(4..=5))
    }

    fn name(self) -> String {
        match self {
            Self::Code(code) => code.to_string(),
            Self::Range(digit) => format!("{digit}XX"),
            Self::Default => "default".into(),
        }
    }
}

/// What one response carries, as progenitor sorts responses (its `OperationResponseKind`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Payload {
    /// A JSON body of this type.
    Json(typify::TypeId),
    /// No body.
    None,
    /// A body that is not JSON, read as bytes.
    Raw,
    /// A `101` without a JSON body: the connection, upgraded.
    Upgrade,
}

/// An OpenAPI 3.0 schema as a JSON Schema typify reads (`nullable` becomes a `null` branch).
fn json_schema(schema: &Value) -> Result<schemars::schema::Schema, String> {
    fn nullable(v: &Value) -> Value {
        match v {
            Value::Object(map) => {
                let mut out: serde_json::Map<String, Value> = map
                    .iter()
                    .filter(|(k, v)| !(k.as_str() == "nullable" && v.is_boolean()))
                    .map(|(k, v)| (k.clone(), nullable(v)))
                    .collect();
                if map.get("nullable") == Some(&Value::Bool(true)) {
                    out = serde_json::Map::from_iter([(
                        "anyOf".to_owned(),
                        Value::Array(vec![Value::Object(out), serde_json::json!({"type": "null"})]),
                    )]);
                }
                Value::Object(out)
            }
            Value::Array(items) => Value::Array(items.iter().map(nullable).collect()),
            other => other.clone(),
        }
    }
    serde_json::from_value(nullable(schema)).map_err(|e| format!("schema does not read as JSON Schema: {e}"))
}
