//! The Python-side view of a provider: models, enums and operations with their Python types.

use std::collections::{BTreeMap, BTreeSet};

use heck::ToSnakeCase;
use quote::ToTokens;
use serde_json::Value;

use crate::generate::Generated;
use crate::spec::Spec;
use crate::syntax::{generic_arg, generic_args, last_ident};

/// A Python-side type, from a generated Rust type.
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
    pub(super) rust: syn::Ident,
    pub(super) py_ty: Ty,
}

pub(super) struct Operation {
    pub(super) rust: String,
    pub(super) doc: String,
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

/// The generated types and typed-client methods, read back from the generated Rust.
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

pub(super) fn docs(attrs: &[syn::Attribute]) -> String {
    let mut lines = Vec::new();
    for a in attrs {
        if a.path().is_ident("doc")
            && let syn::Meta::NameValue(nv) = &a.meta
            && let syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) = &nv.value
        {
            lines.push(s.value());
        }
    }
    lines.join("\n").trim().to_owned()
}

pub(super) fn serde_attr(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.meta.to_token_stream().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

pub(super) fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

impl Api {
    pub(super) fn read(spec: &Spec, generated: &Generated) -> Self {
        // the model's types: not the request builders the Rust side adds to the same module
        let items: Vec<&syn::Item> = types_items(&generated.file)
            .iter()
            .filter(|item| match item {
                syn::Item::Struct(s) => generated.model.types.contains_key(&s.ident.to_string()),
                _ => true,
            })
            .collect();
        let items = items.as_slice();
        let mut structs = BTreeSet::new();
        let mut enum_names = BTreeSet::new();
        for item in items {
            match item {
                syn::Item::Struct(s) => {
                    structs.insert(s.ident.to_string());
                }
                syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "open_enum") => {
                    if let Some(e) = open_enum(m) {
                        enum_names.insert(e.name);
                    }
                }
                _ => {}
            }
        }
        let mut api = Api { models: Vec::new(), enums: Vec::new(), aliases: BTreeMap::new(), operations: Vec::new() };
        // newtypes and aliases first: model fields resolve through them
        for item in items {
            match item {
                syn::Item::Struct(s) => {
                    if let syn::Fields::Unnamed(f) = &s.fields
                        && let Some(inner) = f.unnamed.first()
                    {
                        let ty = to_ty(&inner.ty, &structs, &enum_names, &BTreeMap::new());
                        api.aliases.insert(s.ident.to_string(), ty);
                    }
                }
                syn::Item::Type(t) => {
                    let ty = to_ty(&t.ty, &structs, &enum_names, &BTreeMap::new());
                    api.aliases.insert(t.ident.to_string(), ty);
                }
                _ => {}
            }
        }
        for item in items {
            match item {
                syn::Item::Struct(s) => {
                    let syn::Fields::Named(named) = &s.fields else { continue };
                    let mut fields = Vec::new();
                    let mut taken = BTreeSet::new();
                    for f in &named.named {
                        let rust = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                        let rust = rust.trim_start_matches("r#").to_owned();
                        let serde = serde_attr(&f.attrs);
                        let wire = serde
                            .split("rename = \"")
                            .nth(1)
                            .and_then(|r| r.split('"').next())
                            .map_or_else(|| rust.clone(), str::to_owned);
                        let mut py = py_ident(&wire);
                        while !taken.insert(py.clone()) {
                            py.push('_');
                        }
                        let ty = to_ty(&f.ty, &structs, &enum_names, &api.aliases);
                        let optional = matches!(ty, Ty::Opt(_));
                        let required = !optional && !serde.contains("default");
                        // an `Option` serialised even when `None` is a required, nullable field
                        let send_null =
                            optional && !serde.contains("default") && !serde.contains("skip_serializing_if");
                        fields.push(Field { py, wire, ty, required, send_null, doc: docs(&f.attrs) });
                    }
                    api.models.push(Model { name: s.ident.to_string(), doc: docs(&s.attrs), fields });
                }
                syn::Item::Macro(m) => {
                    if let Some(e) = open_enum(m) {
                        api.enums.push(e);
                    }
                }
                _ => {}
            }
        }
        let mut tags: BTreeMap<String, (String, BTreeSet<String>, Option<String>)> = BTreeMap::new();
        for op in spec.operations() {
            let Some(id) = op.id() else { continue };
            let tag = op.value.pointer("/tags/0").and_then(Value::as_str).unwrap_or("operations").to_owned();
            let paging = op.value.get("x-pagination");
            let in_body = paging.and_then(|p| p.get("in")).and_then(Value::as_str) == Some("body");
            let fields = if in_body {
                ["page", "page-size", "cursor", "offset", "limit"]
                    .iter()
                    .filter_map(|k| paging?.get(*k)?.as_str().map(str::to_owned))
                    .collect()
            } else {
                BTreeSet::new()
            };
            let idempotency =
                op.value.pointer("/x-idempotency/header").and_then(Value::as_str).map(|h| h.to_snake_case());
            tags.insert(id.to_snake_case(), (tag, fields, idempotency));
        }
        // arguments, payloads and docs of progenitor's positional methods; the pages from the model
        let mut methods = Vec::new();
        for item in &generated.file.items {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || last_ident(&imp.self_ty).as_deref() != Some("Client") {
                continue;
            }
            for it in &imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
                    continue;
                }
                let name = f.sig.ident.to_string();
                let args: Vec<Arg> = f
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        syn::FnArg::Typed(t) => match &*t.pat {
                            syn::Pat::Ident(i) => Some(Arg {
                                rust: i.ident.clone(),
                                py_ty: to_ty(&t.ty, &structs, &enum_names, &api.aliases),
                            }),
                            _ => None,
                        },
                        syn::FnArg::Receiver(_) => None,
                    })
                    .collect();
                let Some((payload, _)) = crate::syntax::response_types(&f.sig.output) else { continue };
                let payload = match &payload {
                    syn::Type::Tuple(t) if t.elems.is_empty() => Ty::Unit,
                    p if last_ident(p).as_deref() == Some("ByteStream") => Ty::Bytes,
                    p => to_ty(p, &structs, &enum_names, &api.aliases),
                };
                methods.push((name, docs(&f.attrs), args, payload));
            }
        }
        let model = &generated.model;
        let mut pages: BTreeMap<String, (Vec<Arg>, Ty)> = BTreeMap::new();
        for op in model.operations.iter().filter(|o| o.pagination().is_some()) {
            let Some((_, _, args, _)) = methods.iter().find(|m| m.0 == op.name) else { continue };
            let Some(item) = crate::builders::page_item(model, op).and_then(|t| syn::parse_str::<syn::Type>(&t).ok())
            else {
                continue;
            };
            let paging: Vec<String> = match op.pagination() {
                Some(p) if p.place == crate::extensions::ParamPlace::Query => {
                    let (position, size) = p.position_and_size();
                    position.into_iter().chain(size).map(crate::model::rust_field_name).collect()
                }
                _ => Vec::new(),
            };
            let fixed = args
                .iter()
                .filter(|a| !paging.contains(&a.rust.to_string()))
                .map(|a| Arg { rust: a.rust.clone(), py_ty: a.py_ty.clone() })
                .collect();
            pages.insert(op.name.clone(), (fixed, to_ty(&item, &structs, &enum_names, &api.aliases)));
        }
        for (rust, doc, args, payload) in methods {
            let (tag, paging_fields, idempotency) =
                tags.remove(&rust).unwrap_or_else(|| ("operations".into(), BTreeSet::new(), None));
            let pages = pages.remove(&rust);
            api.operations.push(Operation { rust, doc, args, payload, pages, paging_fields, idempotency, tag });
        }
        api
    }

    pub(super) fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}

pub(super) fn open_enum(m: &syn::ItemMacro) -> Option<PyEnum> {
    if m.mac.path.segments.last().is_none_or(|s| s.ident != "open_enum") {
        return None;
    }
    let text = m.mac.tokens.to_string();
    let rest = text.split("pub enum ").nth(1)?;
    let name = rest.split_whitespace().next()?.to_owned();
    let values: Vec<String> =
        rest.split('"').skip(1).step_by(2).filter(|v| !v.starts_with('`')).map(str::to_owned).collect();
    let doc = text
        .split("pub enum ")
        .next()
        .and_then(|head| head.split("doc = \"").nth(1))
        .and_then(|d| d.rsplit_once('"').map(|(d, _)| d.replace("\\\"", "\"").replace("\\n", "\n")))
        .unwrap_or_default();
    Some(PyEnum { name, doc, values })
}

pub(super) fn to_ty(
    ty: &syn::Type,
    structs: &BTreeSet<String>,
    enums: &BTreeSet<String>,
    aliases: &BTreeMap<String, Ty>,
) -> Ty {
    let recurse = |t: &syn::Type| to_ty(t, structs, enums, aliases);
    match ty {
        syn::Type::Reference(r) => return recurse(&r.elem),
        syn::Type::Tuple(t) if t.elems.is_empty() => return Ty::Unit,
        _ => {}
    }
    let Some(last) = last_ident(ty) else { return Ty::Any };
    match last.as_str() {
        "Option" => generic_arg(ty).map_or(Ty::Any, |t| Ty::Opt(Box::new(recurse(&t)))),
        "Vec" => generic_arg(ty).map_or(Ty::Any, |t| Ty::List(Box::new(recurse(&t)))),
        "Box" => generic_arg(ty).map_or(Ty::Any, |t| recurse(&t)),
        "HashMap" | "BTreeMap" | "Map" => {
            generic_args(ty).get(1).map_or(Ty::Dict(Box::new(Ty::Any)), |t| Ty::Dict(Box::new(recurse(t))))
        }
        "String" | "str" | "Id" => Ty::Str,
        "bool" => Ty::Bool,
        "DecimalString" | "DecimalNumber" => Ty::Decimal,
        "Timestamp" => Ty::DateTime,
        "Date" | "NaiveDate" => Ty::Date,
        "Value" => Ty::Any,
        n if n.starts_with('i') || n.starts_with('u') || n.starts_with("NonZero") => {
            if n.chars().skip(1).all(|c| c.is_ascii_digit()) || n == "usize" || n == "isize" || n.starts_with("NonZero")
            {
                Ty::Int
            } else {
                Ty::Any
            }
        }
        n if enums.contains(n) => Ty::Enum(n.to_owned()),
        n if aliases.contains_key(n) => aliases[n].clone(),
        n if structs.contains(n) => Ty::Model(n.to_owned()),
        _ => Ty::Any,
    }
}

/// `Balance and accounts` -> `balance_and_accounts`.
pub(super) fn group_name(tag: &str) -> String {
    py_ident(&tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>())
}

/// The method's name inside its tag group: the operation name without the tag's words
/// (`create_cashout` in `Cashouts` -> `create`), or the whole name when that says nothing or
/// clashes.
pub(super) fn method_names(ops: &[&Operation], tag: &str) -> Vec<String> {
    let stem = |w: &str| w.trim_end_matches('s').to_owned();
    let tag_words: BTreeSet<String> = tag.to_snake_case().split('_').filter(|w| !w.is_empty()).map(stem).collect();
    let short: Vec<String> = ops
        .iter()
        .map(|op| {
            let kept: Vec<&str> = op.rust.split('_').filter(|w| !tag_words.contains(&stem(w))).collect();
            if kept.is_empty() { op.rust.clone() } else { kept.join("_") }
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
