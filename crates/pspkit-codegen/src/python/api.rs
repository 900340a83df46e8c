//! The Python-side view of a provider: models, enums and operations with their Python types.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;

use crate::extensions::{ParamPlace, Retry};
use crate::model::{self, Kind, Place, Shape};

/// A Python-side type, from the kind of a generated Rust type.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Ty {
    Str,
    Int,
    Bool,
    Decimal,
    DateTime,
    Date,
    Any,
    Unit,
    Bytes,
    List(Box<Ty>),
    Dict(Box<Ty>),
    Model(String),
    Enum(String),
    Opt(Box<Ty>),
}

impl Ty {
    pub(super) fn strip(&self) -> &Ty {
        match self {
            Ty::Opt(t) => t.strip(),
            t => t,
        }
    }

    /// The runtime converter expression (`_r.DECIMAL`, `_r.List(_r.Obj(Cashout))`).
    pub(super) fn conv(&self) -> String {
        match self {
            Ty::Str => "_r.STR".into(),
            Ty::Int => "_r.INT".into(),
            Ty::Bool => "_r.BOOL".into(),
            Ty::Decimal => "_r.DECIMAL".into(),
            Ty::DateTime => "_r.DATETIME".into(),
            Ty::Date => "_r.DATE".into(),
            Ty::Any | Ty::Unit => "_r.ANY".into(),
            Ty::Bytes => "_r.BYTES".into(),
            Ty::List(t) => format!("_r.ListOf({})", t.conv()),
            Ty::Dict(t) => format!("_r.DictOf({})", t.conv()),
            Ty::Model(m) => format!("_r.Obj({m})"),
            Ty::Enum(e) => format!("_r.Enum({e})"),
            Ty::Opt(t) => t.conv(),
        }
    }

    /// The annotation of a value read from a response.
    pub(super) fn output(&self) -> String {
        match self {
            Ty::Str => "str".into(),
            Ty::Int => "int".into(),
            Ty::Bool => "bool".into(),
            Ty::Decimal => "Decimal".into(),
            // `_dt.` and `List`/`Dict`: a field or method named `date` or `list` would shadow the
            // builtin names in the class body
            Ty::DateTime => "_dt.datetime".into(),
            Ty::Date => "_dt.date".into(),
            Ty::Any => "Any".into(),
            Ty::Unit => "None".into(),
            Ty::Bytes => "bytes".into(),
            Ty::List(t) => format!("List[{}]", t.output()),
            Ty::Dict(t) => format!("Dict[str, {}]", t.output()),
            Ty::Model(m) => m.clone(),
            Ty::Enum(e) => format!("{e} | str"),
            Ty::Opt(t) => match t.strip() {
                Ty::Any => "Any".into(),
                _ => format!("{} | None", t.output()),
            },
        }
    }

    /// The annotation of a value the caller passes: the same types, plus their plain forms.
    pub(super) fn input(&self) -> String {
        match self {
            Ty::Decimal => "Decimal | int | str".into(),
            Ty::DateTime => "_dt.datetime | str".into(),
            Ty::Date => "_dt.date | str".into(),
            Ty::List(t) => format!("Sequence[{}]", t.input()),
            Ty::Dict(t) => format!("Mapping[str, {}]", t.input()),
            Ty::Model(m) => format!("{m} | Mapping[str, Any]"),
            Ty::Opt(t) => match t.strip() {
                Ty::Any => "Any".into(),
                _ => format!("{} | None", t.input()),
            },
            other => other.output(),
        }
    }
}

/// One field of a model class.
pub(super) struct Field {
    pub(super) py: String,
    pub(super) wire: String,
    pub(super) ty: Ty,
    pub(super) required: bool,
    /// Required but nullable: the field is always on the wire, and `None` sends `null`.
    pub(super) send_null: bool,
    /// May hold a secret or card data (`x-sensitive`): masked in the object's `repr`.
    pub(super) sensitive: bool,
    pub(super) doc: String,
}

pub(super) struct Model {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) fields: Vec<Field>,
}

pub(super) struct PyEnum {
    pub(super) name: String,
    pub(super) doc: String,
    pub(super) values: Vec<String>,
}

/// One argument of a typed client method.
pub(super) struct Arg {
    pub(super) rust: String,
    pub(super) py_ty: Ty,
    /// The spec's description of the parameter or the body.
    pub(super) doc: String,
}

pub(super) struct Operation {
    pub(super) rust: String,
    /// The spec's summary and description, for the docstring.
    pub(super) summary: String,
    pub(super) description: String,
    /// `POST /cashouts`.
    pub(super) route: String,
    /// What a failure may be retried on, in a sentence.
    pub(super) retry: &'static str,
    pub(super) args: Vec<Arg>,
    pub(super) payload: Ty,
    /// The fixed arguments of `<op>_pages` and its item type, for list operations.
    pub(super) pages: Option<(Vec<Arg>, Ty)>,
    /// Body fields the walk sets itself (`x-pagination` in the body): not arguments of `_all`.
    pub(super) paging_fields: BTreeSet<String>,
    /// The argument carrying the idempotency key (`x-idempotency`), named `idempotency_key`.
    pub(super) idempotency: Option<String>,
    pub(super) tag: String,
}

/// The generated types and typed-client methods, from the model they are generated from.
pub(super) struct Api {
    pub(super) models: Vec<Model>,
    pub(super) enums: Vec<PyEnum>,
    pub(super) aliases: BTreeMap<String, Ty>,
    pub(super) operations: Vec<Operation>,
}

pub(super) const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// A Python identifier for a spec name (`firstName` -> `first_name`, `from` -> `from_`).
pub(super) fn py_ident(name: &str) -> String {
    let mut s: String =
        name.to_snake_case().chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' { c } else { '_' }).collect();
    if s.is_empty() || s.starts_with(|c: char| c.is_ascii_digit()) {
        s = format!("v_{s}");
    }
    if PY_KEYWORDS.contains(&s.as_str()) {
        s.push('_');
    }
    s
}

impl Api {
    /// The Python view of a provider's model: its structs, open enums and newtypes, and one
    /// operation per positional method.
    pub(super) fn read(model: &model::Model) -> Self {
        let mut api = Api { models: Vec::new(), enums: Vec::new(), aliases: BTreeMap::new(), operations: Vec::new() };
        // newtypes first: model fields resolve through them
        for t in model.types.values() {
            if let Shape::Newtype(inner) = &t.shape {
                api.aliases.insert(t.name.clone(), to_ty(&inner.kind, model, None));
            }
        }
        for t in model.types.values() {
            match &t.shape {
                Shape::Struct(fields) => {
                    let mut taken = BTreeSet::new();
                    let fields = fields
                        .iter()
                        .map(|f| {
                            let mut py = py_ident(&f.wire);
                            while !taken.insert(py.clone()) {
                                py.push('_');
                            }
                            Field {
                                py,
                                wire: f.wire.clone(),
                                ty: to_ty(&f.ty.kind, model, Some(&api.aliases)),
                                required: f.must_be_given(),
                                send_null: f.sends_null(),
                                sensitive: f.ty.kind.holds(&Kind::Sensitive),
                                doc: f.description.as_deref().unwrap_or("").trim().to_owned(),
                            }
                        })
                        .collect();
                    api.models.push(Model { name: t.name.clone(), doc: t.doc.trim().to_owned(), fields });
                }
                Shape::OpenEnum(values) => {
                    api.enums.push(PyEnum { name: t.name.clone(), doc: t.doc.clone(), values: values.clone() });
                }
                Shape::Newtype(_) | Shape::Other => {}
            }
        }
        for op in &model.operations {
            let ty = |kind: &Kind| to_ty(kind, model, Some(&api.aliases));
            let mut args: Vec<Arg> = op
                .params
                .iter()
                .map(|p| {
                    let py_ty = match (&p.ty.kind, p.place) {
                        // progenitor takes a nullable query parameter as an optional one
                        (Kind::Optional(_), Place::Query) => ty(&p.ty.kind),
                        (kind, _) if p.required => ty(kind),
                        (kind, _) => Ty::Opt(Box::new(ty(kind))),
                    };
                    Arg { rust: p.rust.clone(), py_ty, doc: p.description.as_deref().unwrap_or("").trim().to_owned() }
                })
                .collect();
            if let Some(body) = &op.body {
                let doc = body.description.as_deref().unwrap_or("").trim().to_owned();
                args.push(Arg { rust: "body".into(), py_ty: ty(&body.ty.kind), doc });
            }
            let pages = model.page_item(op).map(|item| {
                // the walk sets the position and the size itself: they are not arguments
                let paging: Vec<String> = match op.pagination() {
                    Some(p) if p.place == ParamPlace::Query => {
                        let (position, size) = p.position_and_size();
                        position.into_iter().chain(size).map(model::rust_field_name).collect()
                    }
                    _ => Vec::new(),
                };
                let fixed = args
                    .iter()
                    .filter(|a| !paging.contains(&a.rust))
                    .map(|a| Arg { rust: a.rust.clone(), py_ty: a.py_ty.clone(), doc: a.doc.clone() })
                    .collect();
                (fixed, ty(item))
            });
            let paging_fields = match op.pagination() {
                Some(p) if p.place == ParamPlace::Body => ["page", "page-size", "cursor", "offset", "limit"]
                    .iter()
                    .filter_map(|k| p.key(k).map(str::to_owned))
                    .collect(),
                _ => BTreeSet::new(),
            };
            api.operations.push(Operation {
                rust: op.name.clone(),
                summary: op.summary.trim().to_owned(),
                description: op.description.as_deref().unwrap_or("").trim().to_owned(),
                route: format!("{} {}", op.method, op.path),
                retry: match op.retry() {
                    Retry::Safe => "Retried on 408, 429, 5xx and dropped connections (it changes nothing).",
                    Retry::Idempotent => {
                        "Retried on 408, 429, 5xx and dropped connections with the same idempotency key, which \
                         the provider deduplicates by."
                    }
                    Retry::Unsafe => {
                        "Not retried once it may have reached the provider (it does not deduplicate this \
                         write): an unknown outcome raises `OutcomeUnknownError`."
                    }
                },
                args,
                payload: ty(&op.success.kind),
                pages,
                paging_fields,
                idempotency: op.idempotency_header().map(ToSnakeCase::to_snake_case),
                tag: if op.tag.is_empty() { "operations".into() } else { op.tag.clone() },
            });
        }
        api
    }

    pub(super) fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}

/// The Python type of a value of this kind. A named newtype is its alias when `aliases` are
/// given, else (for a newtype wrapping another) a model, as the Rust type names it.
fn to_ty(kind: &Kind, model: &model::Model, aliases: Option<&BTreeMap<String, Ty>>) -> Ty {
    let recurse = |k: &Kind| to_ty(k, model, aliases);
    match kind {
        Kind::Money => Ty::Decimal,
        Kind::Id | Kind::Text | Kind::Sensitive => Ty::Str,
        Kind::Timestamp => Ty::DateTime,
        Kind::Date => Ty::Date,
        Kind::OpenEnum(name) => Ty::Enum(name.clone()),
        Kind::Named(name) => match aliases.and_then(|a| a.get(name)) {
            Some(alias) => alias.clone(),
            None => match model.types.get(name).map(|t| &t.shape) {
                Some(Shape::Struct(_) | Shape::Newtype(_)) => Ty::Model(name.clone()),
                _ => Ty::Any,
            },
        },
        Kind::Integer { .. } => Ty::Int,
        Kind::Bool => Ty::Bool,
        Kind::List(item) => Ty::List(Box::new(recurse(item))),
        Kind::Optional(inner) => Ty::Opt(Box::new(recurse(inner))),
        Kind::Map(value) => Ty::Dict(Box::new(recurse(value))),
        Kind::Bytes => Ty::Bytes,
        Kind::Unit => Ty::Unit,
        Kind::Other => Ty::Any,
    }
}

/// `Balance and accounts` -> `balance_and_accounts`.
pub(super) fn group_name(tag: &str) -> String {
    py_ident(&tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>())
}

/// The methods' names inside one tag group, by one rule for every provider:
///
/// 1. The operation's name is a verb and an object: `create_cashout`, `list_customer_accounts`
///    (a name that starts with the group's name, `partner_create_api_key` in `Partner API`, is
///    read without it).
/// 2. The object does not repeat the group's name: the words it starts with that name the group
///    (`cashout` or `cashouts` in `cashouts`) are dropped, so `create_cashout` is
///    `cashouts.create` and `list_customer_accounts` is `customers.list_accounts`. Words later in
///    the object stay (`get_site_accounts` keeps `site_accounts`: `site` alone would say less).
/// 3. A read of a whole list (paginated, or answering a list) is `list`, whatever the provider's
///    verb: `get_transactions` is `transactions.list`, a read of one object stays `get`.
/// 4. Names that would clash inside the group, or be a Python keyword, keep the whole operation
///    name.
///
/// Singular and plural are told apart by English rules (`addresses` is `address`), not by
/// trimming an `s`.
pub(super) fn method_names(ops: &[&Operation], tag: &str) -> Vec<String> {
    let singular = |w: &str| pluralizer::pluralize(w, 1, false).to_ascii_lowercase();
    let tag_words: BTreeSet<String> = tag.to_snake_case().split('_').filter(|w| !w.is_empty()).map(singular).collect();
    let short: Vec<String> = ops
        .iter()
        .map(|op| {
            let mut words = op.rust.split('_').skip_while(|w| tag_words.contains(&singular(w))).peekable();
            if words.peek().is_none() {
                return op.rust.clone();
            }
            let verb = words.next().unwrap_or_default();
            let object: Vec<&str> = words.skip_while(|w| tag_words.contains(&singular(w))).collect();
            let lists = op.pages.is_some() || matches!(op.payload.strip(), Ty::List(_));
            let verb = if verb == "get" && lists && op.route.starts_with("GET ") { "list" } else { verb };
            std::iter::once(verb).chain(object).collect::<Vec<_>>().join("_")
        })
        .collect();
    short
        .iter()
        .zip(ops)
        .map(|(s, op)| {
            let clash = short.iter().filter(|o| *o == s).count() > 1 || PY_KEYWORDS.contains(&s.as_str());
            if clash { op.rust.clone() } else { s.clone() }
        })
        .collect()
}
