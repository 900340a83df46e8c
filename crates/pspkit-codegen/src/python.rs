//! The Python layer of one provider, generated from the same prepared spec and generated Rust as
//! the provider crate, so that a spec edit changes both on the next build:
//!
//! - `dispatch`: Rust for the native module: one match arm per operation turning the keyword
//!   arguments (JSON) into the typed call's owned arguments, calling the typed client, and
//!   returning the payload as JSON; and one arm per list operation returning its pages.
//! - `module` and `stub`: `pspkit/<provider>.py` and `.pyi`: a model class per generated type,
//!   an enum class per open enum, a sync and an async client whose operations are grouped by the
//!   spec's tags (`client.cashouts.create(...)`), with the spec's docs as docstrings.
//!
//! The Python types follow the generated Rust types, which carry the conventions (exact money,
//! timestamps, lenient responses, open enums), so the two languages cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use heck::{ToShoutySnakeCase, ToSnakeCase};
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;

use crate::generate::Generated;
use crate::spec::Spec;
use crate::syntax::{generic_arg, generic_args, last_ident};

/// How each provider's client is given its credentials in Python: keyword names, in order, and
/// whether each is required. The native module reads the same names (or
/// `PSPKIT_<PROVIDER>_<NAME>` from the environment); they mirror each provider crate's `new`.
pub const CREDENTIALS: &[(&str, &[(&str, bool)])] = &[
    ("onlyonepays", &[("api_key", true)]),
    ("firekassa", &[("token", true), ("sign_token", false)]),
    ("firstpay", &[("public_key", true), ("private_key", true)]),
    ("onepay", &[("secret_key", true)]),
    ("onchainpay", &[("public_key", true), ("secret_key", true)]),
];

/// Providers whose hosts are the merchant's own: `base_url` is required.
const MERCHANT_HOSTED: &[&str] = &["firekassa", "firstpay"];

/// Providers with webhook helpers in `pspkit.webhooks`.
const WEBHOOKS: &[&str] = &["onepay", "onchainpay", "firstpay"];

/// The generated Python layer of one provider.
#[derive(Clone, Debug)]
pub struct Python {
    /// Rust: `pub mod <provider> { call, pages }` for the native module.
    pub dispatch: TokenStream,
    /// `pspkit/<provider>.py`.
    pub module: String,
    /// `pspkit/<provider>.pyi`.
    pub stub: String,
}

/// A Python-side type, from a generated Rust type.
#[derive(Clone, Debug, PartialEq)]
enum Ty {
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
    fn strip(&self) -> &Ty {
        match self {
            Ty::Opt(t) => t.strip(),
            t => t,
        }
    }

    /// The runtime converter expression (`_r.DECIMAL`, `_r.List(_r.Obj(Cashout))`).
    fn conv(&self) -> String {
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
    fn output(&self) -> String {
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
    fn input(&self) -> String {
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
struct Field {
    py: String,
    wire: String,
    ty: Ty,
    required: bool,
    /// Required but nullable: the field is always on the wire, and `None` sends `null`.
    send_null: bool,
    doc: String,
}

struct Model {
    name: String,
    doc: String,
    fields: Vec<Field>,
}

struct PyEnum {
    name: String,
    doc: String,
    values: Vec<String>,
}

/// One argument of a typed client method.
struct Arg {
    rust: syn::Ident,
    ty: syn::Type,
    py_ty: Ty,
}

struct Operation {
    rust: String,
    doc: String,
    args: Vec<Arg>,
    payload: Ty,
    /// The fixed arguments of `<op>_pages` and its item type, for list operations.
    pages: Option<(Vec<Arg>, Ty)>,
    /// Body fields the walk sets itself (`x-pagination` in the body): not arguments of `_all`.
    paging_fields: BTreeSet<String>,
    /// The argument carrying the idempotency key (`x-idempotency`), named `idempotency_key`.
    idempotency: Option<String>,
    tag: String,
}

/// The generated types and typed-client methods, read back from the generated Rust.
struct Api {
    models: Vec<Model>,
    enums: Vec<PyEnum>,
    aliases: BTreeMap<String, Ty>,
    operations: Vec<Operation>,
}

const PY_KEYWORDS: &[&str] = &[
    "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
    "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal",
    "not", "or", "pass", "raise", "return", "try", "while", "with", "yield",
];

/// A Python identifier for a spec name (`firstName` -> `first_name`, `from` -> `from_`).
fn py_ident(name: &str) -> String {
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

fn docs(attrs: &[syn::Attribute]) -> String {
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

fn serde_attr(attrs: &[syn::Attribute]) -> String {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("serde"))
        .map(|a| a.meta.to_token_stream().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn types_items(file: &syn::File) -> &[syn::Item] {
    file.items
        .iter()
        .find_map(|i| match i {
            syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
            _ => None,
        })
        .unwrap_or(&[])
}

impl Api {
    fn read(spec: &Spec, generated: &Generated, client: &str) -> Self {
        let items = types_items(&generated.file);
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
        let mut pages: BTreeMap<String, (Vec<Arg>, Ty)> = BTreeMap::new();
        let mut methods = Vec::new();
        for item in &generated.file.items {
            let syn::Item::Impl(imp) = item else { continue };
            if imp.trait_.is_some() || last_ident(&imp.self_ty).as_deref() != Some(client) {
                continue;
            }
            for it in &imp.items {
                let syn::ImplItem::Fn(f) = it else { continue };
                let name = f.sig.ident.to_string();
                let args: Vec<Arg> = f
                    .sig
                    .inputs
                    .iter()
                    .filter_map(|a| match a {
                        syn::FnArg::Typed(t) => match &*t.pat {
                            syn::Pat::Ident(i) if i.ident != "options" => Some(Arg {
                                rust: i.ident.clone(),
                                ty: (*t.ty).clone(),
                                py_ty: to_ty(&t.ty, &structs, &enum_names, &api.aliases),
                            }),
                            _ => None,
                        },
                        syn::FnArg::Receiver(_) => None,
                    })
                    .collect();
                let syn::ReturnType::Type(_, ret) = &f.sig.output else { continue };
                if f.sig.asyncness.is_some() {
                    let Some(payload) = generic_arg(ret) else { continue };
                    let payload = match &payload {
                        syn::Type::Tuple(t) if t.elems.is_empty() => Ty::Unit,
                        p if last_ident(p).as_deref() == Some("ByteStream") => Ty::Bytes,
                        p => to_ty(p, &structs, &enum_names, &api.aliases),
                    };
                    methods.push((name, docs(&f.attrs), args, payload));
                } else if let Some(base) = name.strip_suffix("_pages")
                    && last_ident(ret).as_deref() == Some("Pages")
                    && let Some(item_ty) = generic_arg(ret)
                {
                    pages.insert(base.to_owned(), (args, to_ty(&item_ty, &structs, &enum_names, &api.aliases)));
                }
            }
        }
        for (rust, doc, args, payload) in methods {
            let (tag, paging_fields, idempotency) =
                tags.remove(&rust).unwrap_or_else(|| ("operations".into(), BTreeSet::new(), None));
            let pages = pages.remove(&rust);
            api.operations.push(Operation { rust, doc, args, payload, pages, paging_fields, idempotency, tag });
        }
        api
    }

    fn model(&self, name: &str) -> Option<&Model> {
        self.models.iter().find(|m| m.name == name)
    }
}

fn open_enum(m: &syn::ItemMacro) -> Option<PyEnum> {
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

fn to_ty(ty: &syn::Type, structs: &BTreeSet<String>, enums: &BTreeSet<String>, aliases: &BTreeMap<String, Ty>) -> Ty {
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
fn group_name(tag: &str) -> String {
    py_ident(&tag.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' }).collect::<String>())
}

/// The method's name inside its tag group: the operation name without the tag's words
/// (`create_cashout` in `Cashouts` -> `create`), or the whole name when that says nothing or
/// clashes.
fn method_names(ops: &[&Operation], tag: &str) -> Vec<String> {
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

/// The owned Rust type an argument is deserialized into, and the expression passing it on.
fn owned(arg: &Arg, krate: &TokenStream) -> (TokenStream, TokenStream) {
    /// Drops the borrows (`&str` -> `String`, `Option<&T>` -> `Option<T>`).
    fn own(ty: &syn::Type) -> syn::Type {
        match ty {
            syn::Type::Reference(r) if r.elem.to_token_stream().to_string() == "str" => {
                syn::parse_quote!(::std::string::String)
            }
            syn::Type::Reference(r) => own(&r.elem),
            ty if last_ident(ty).as_deref() == Some("Option") => match generic_arg(ty) {
                Some(inner) => {
                    let inner = own(&inner);
                    syn::parse_quote!(::core::option::Option<#inner>)
                }
                None => ty.clone(),
            },
            other => other.clone(),
        }
    }
    /// Names the provider crate's types from outside it: `types::X` and the open enums'
    /// `crate::generated::types::X` become `::pspkit_<provider>::types::X`.
    struct Outside<'a>(&'a TokenStream);
    impl syn::visit_mut::VisitMut for Outside<'_> {
        fn visit_path_mut(&mut self, p: &mut syn::Path) {
            let first = p.segments.first().map(|s| s.ident.to_string());
            let skip = match first.as_deref() {
                Some("types") if p.leading_colon.is_none() => Some(0),
                Some("crate") if p.segments.iter().nth(1).is_some_and(|s| s.ident == "generated") => Some(2),
                _ => None,
            };
            if let Some(skip) = skip {
                let rest: Vec<syn::PathSegment> = p.segments.iter().skip(skip).cloned().collect();
                let krate = self.0;
                *p = syn::parse_quote!(#krate #(::#rest)*);
            }
            syn::visit_mut::visit_path_mut(self, p);
        }
    }
    let ident = &arg.rust;
    let mut owned_ty = own(&arg.ty);
    syn::visit_mut::VisitMut::visit_type_mut(&mut Outside(krate), &mut owned_ty);
    let owned_ty = owned_ty.to_token_stream();
    let pass = match &arg.ty {
        syn::Type::Reference(_) => quote!(&#ident),
        ty if last_ident(ty).as_deref() == Some("Option")
            && generic_arg(ty).is_some_and(|a| matches!(a, syn::Type::Reference(_))) =>
        {
            let is_str = matches!(generic_arg(ty), Some(syn::Type::Reference(r)) if r.elem.to_token_stream().to_string() == "str");
            if is_str { quote!(#ident.as_deref()) } else { quote!(#ident.as_ref()) }
        }
        _ => quote!(#ident),
    };
    (owned_ty, pass)
}

fn dispatch(provider: &str, client: &str, api: &Api) -> TokenStream {
    let module = format_ident!("{}", provider);
    let krate = format_ident!("pspkit_{}", provider);
    let client = format_ident!("{}", client);
    let krate_path = quote!(::#krate);
    let mut arms = Vec::new();
    let mut page_arms = Vec::new();
    for op in &api.operations {
        let name = &op.rust;
        let method = format_ident!("{}", name);
        let mut takes = Vec::new();
        let mut passes = Vec::new();
        for arg in &op.args {
            let (ty, pass) = owned(arg, &krate_path);
            let ident = &arg.rust;
            let key = ident.to_string();
            takes.push(quote!(let #ident: #ty = args.take(#key)?;));
            passes.push(pass);
        }
        let reply = match op.payload {
            Ty::Bytes => quote!(crate::Reply::bytes(#name, client.#method(#(#passes),*).await?).await),
            _ => quote!(crate::Reply::json(#name, &client.#method(#(#passes),*).await?)),
        };
        arms.push(quote! {
            #name => {
                let mut args = crate::Args::new(#name, args)?;
                #(#takes)*
                args.finish()?;
                #reply
            }
        });
        if let Some((fixed, _)) = &op.pages {
            let pages = format_ident!("{}_pages", name);
            let mut takes = Vec::new();
            let mut passes = Vec::new();
            for arg in fixed {
                let (ty, pass) = owned(arg, &krate_path);
                let ident = &arg.rust;
                let key = ident.to_string();
                takes.push(quote!(let #ident: #ty = args.take(#key)?;));
                passes.push(pass);
            }
            page_arms.push(quote! {
                #name => {
                    let mut args = crate::Args::new(#name, args)?;
                    #(#takes)*
                    args.finish()?;
                    ::core::result::Result::Ok(crate::PageStream::new(#name, client.#pages(#(#passes,)* options)))
                }
            });
        }
    }
    quote! {
        /// Generated dispatch for one provider (never edited by hand).
        #[allow(unused_mut, clippy::all)]
        pub mod #module {

            /// Calls `operation` with its keyword arguments (JSON), returning the payload.
            pub async fn call(
                client: &::#krate::#client,
                operation: &str,
                args: ::serde_json::Value,
            ) -> ::core::result::Result<crate::Reply, ::pspkit::Error> {
                match operation {
                    #(#arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }

            /// The pages of list operation `operation`.
            pub fn pages(
                client: &::#krate::#client,
                operation: &str,
                args: ::serde_json::Value,
                options: ::pspkit::paginate::PageOptions,
            ) -> ::core::result::Result<crate::PageStream, ::pspkit::Error> {
                match operation {
                    #(#page_arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }
        }
    }
}

fn docstring(text: &str, indent: &str) -> String {
    let text = text.replace('\\', "\\\\").replace("\"\"\"", "\\\"\\\"\\\"");
    let text = text.trim();
    if text.is_empty() {
        return String::new();
    }
    let body: Vec<String> =
        text.lines().map(|l| if l.trim().is_empty() { String::new() } else { format!("{indent}{l}") }).collect();
    format!("{indent}\"\"\"{}\n{indent}\"\"\"\n", body.join("\n").trim_start())
}

/// The items of a Python tuple literal (`"a",` for one item).
fn tuple(items: &[String]) -> String {
    match items {
        [one] => format!("{one},"),
        _ => items.join(", "),
    }
}

fn py_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The keyword parameters of one Python method, and how to pack them for `dispatch`.
struct Params {
    /// `name: type` or `name: type = None`, required first.
    signature: Vec<String>,
    /// `"key": expr` entries of the argument dict.
    packing: Vec<String>,
}

fn params(op_args: &[Arg], api: &Api, skip: &BTreeSet<String>, idempotency: Option<&str>) -> Params {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut packing = Vec::new();
    let param_names: BTreeSet<String> =
        op_args.iter().filter(|a| a.rust != "body").map(|a| py_ident(&a.rust.to_string())).collect();
    for arg in op_args {
        let key = arg.rust.to_string();
        if key == "body" {
            let Ty::Model(model) = arg.py_ty.strip() else {
                required.push(format!("body: {}", arg.py_ty.input()));
                packing.push(format!("\"body\": _r.encode({}, body, \"body\")", arg.py_ty.conv()));
                continue;
            };
            let Some(m) = api.model(model) else { continue };
            let mut fields = Vec::new();
            for f in m.fields.iter().filter(|f| !skip.contains(&f.wire)) {
                let name = if param_names.contains(&f.py) { format!("body_{}", f.py) } else { f.py.clone() };
                if f.required {
                    required.push(format!("{name}: {}", f.ty.input()));
                } else {
                    optional.push(format!("{name}: {} = None", Ty::Opt(Box::new(f.ty.strip().clone())).input()));
                }
                fields.push(format!("{}={name}", f.py));
            }
            packing.push(format!("\"body\": _r.pack({model}, {})", fields.join(", ")));
            continue;
        }
        let name = if Some(key.as_str()) == idempotency { "idempotency_key".to_owned() } else { py_ident(&key) };
        if matches!(arg.py_ty, Ty::Opt(_)) {
            optional.push(format!("{name}: {} = None", arg.py_ty.input()));
        } else {
            required.push(format!("{name}: {}", arg.py_ty.input()));
        }
        packing.push(format!("{}: _r.encode({}, {name}, {})", py_str(&key), arg.py_ty.conv(), py_str(&name)));
    }
    required.extend(optional);
    Params { signature: required, packing }
}

fn signature(params: &[String], extra: &[&str]) -> String {
    let all: Vec<String> = params.iter().cloned().chain(extra.iter().map(|s| (*s).to_owned())).collect();
    if all.is_empty() { String::new() } else { format!(", *, {}", all.join(", ")) }
}

/// Generates the Python layer of one provider from its generated Rust.
pub fn generate(spec: &Spec, generated: &Generated) -> Python {
    let provider = crate::runtime::provider_name(spec);
    let client = crate::runtime::client_name(spec);
    let api = Api::read(spec, generated, &client);
    let dispatch = dispatch(&provider, &client, &api);
    let module = render(spec, &provider, &client, &api, false);
    let stub = render(spec, &provider, &client, &api, true);
    Python { dispatch, module, stub }
}

fn render(spec: &Spec, provider: &str, client: &str, api: &Api, stub: bool) -> String {
    let mut out = String::new();
    let title = spec.title();
    let _ = writeln!(
        out,
        "\"\"\"{title}: typed sync and async clients, generated from `specs/{provider}.yaml`.\n\n\
         Generated by pspkit-codegen at build time: never edit; change the spec and rebuild.\n\"\"\"\n"
    );
    out.push_str("from __future__ import annotations\n\n");
    out.push_str("import datetime as _dt\nfrom decimal import Decimal\n");
    out.push_str("from typing import Any, AsyncIterator, Dict, Iterator, List, Mapping, Sequence\n\n");
    out.push_str("from . import _runtime as _r\n");
    if WEBHOOKS.contains(&provider) {
        let _ = writeln!(out, "from .webhooks import {provider} as webhooks");
    }
    out.push_str("from .errors import *  # noqa: F403 (the exceptions, importable from here too)\n\n");
    let mut exports: Vec<String> = vec![client.to_owned(), format!("Async{client}")];
    exports.extend(api.enums.iter().map(|e| e.name.clone()));
    exports.extend(api.models.iter().map(|m| m.name.clone()));
    if WEBHOOKS.contains(&provider) {
        exports.push("webhooks".into());
    }
    let _ = writeln!(out, "__all__ = [{}]\n", exports.iter().map(|e| py_str(e)).collect::<Vec<_>>().join(", "));

    // enums
    for e in &api.enums {
        let _ = writeln!(out, "\nclass {}(_r.OpenEnum):", e.name);
        let doc = if e.doc.is_empty() {
            format!("`{}`: a value the spec lists; others arrive as `str`.", e.name)
        } else {
            e.doc.clone()
        };
        out.push_str(&docstring(&doc, "    "));
        let mut taken = BTreeSet::new();
        for v in &e.values {
            let mut member = v.to_shouty_snake_case();
            member.retain(|c| c.is_ascii_alphanumeric() || c == '_');
            if member.is_empty() || member.starts_with(|c: char| c.is_ascii_digit()) {
                member = format!("V_{member}");
            }
            while !taken.insert(member.clone()) {
                member.push('_');
            }
            let _ = writeln!(out, "    {member} = {}", py_str(v));
        }
    }

    // models
    for m in &api.models {
        let _ = writeln!(out, "\nclass {}(_r.Model):", m.name);
        out.push_str(&docstring(if m.doc.is_empty() { &m.name } else { &m.doc }, "    "));
        if stub {
            // read-only properties, as at runtime (`_r.define`); stubtest checks that they match
            for f in &m.fields {
                let _ = write!(out, "    @property\n    def {}(self) -> {}:", f.py, f.ty.output());
                if f.doc.is_empty() {
                    out.push_str(" ...\n");
                } else {
                    out.push('\n');
                    out.push_str(&docstring(&f.doc, "        "));
                }
            }
            let mut required = Vec::new();
            let mut optional = Vec::new();
            for f in &m.fields {
                if f.required {
                    required.push(format!("{}: {}", f.py, f.ty.input()));
                } else {
                    optional.push(format!("{}: {} = None", f.py, Ty::Opt(Box::new(f.ty.strip().clone())).input()));
                }
            }
            required.extend(optional);
            let _ = writeln!(out, "    def __init__(self{}) -> None: ...", signature(&required, &[]));
        } else {
            out.push_str("    __slots__ = ()\n");
        }
    }
    if !stub {
        out.push('\n');
        for m in &api.models {
            let fields: Vec<String> =
                m.fields.iter().map(|f| format!("{}: ({}, {})", py_str(&f.py), py_str(&f.wire), f.ty.conv())).collect();
            let required: Vec<String> = m.fields.iter().filter(|f| f.required).map(|f| py_str(&f.py)).collect();
            let send_null: Vec<String> = m.fields.iter().filter(|f| f.send_null).map(|f| py_str(&f.py)).collect();
            let _ = writeln!(
                out,
                "_r.define({}, {{{}}}, required=({}), send_null=({}))",
                m.name,
                fields.join(", "),
                tuple(&required),
                tuple(&send_null)
            );
        }
    }

    // groups, sync and async
    let mut groups: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.tag.clone()).or_default().push(op);
    }
    let mut group_attrs = Vec::new();
    for (tag, ops) in &groups {
        let attr = group_name(tag);
        let names = method_names(ops, tag);
        let class = format!("_{}", heck::ToUpperCamelCase::to_upper_camel_case(attr.as_str()));
        group_attrs.push((attr, class.clone(), tag.clone()));
        for asynchronous in [false, true] {
            let cls = if asynchronous { format!("{class}Async") } else { class.clone() };
            let _ = writeln!(out, "\nclass {cls}(_r.Group):");
            out.push_str(&docstring(&format!("{title}: {tag}."), "    "));
            for (op, name) in ops.iter().zip(&names) {
                let p = params(&op.args, api, &BTreeSet::new(), op.idempotency.as_deref());
                let ret = if op.payload == Ty::Unit { "None".to_owned() } else { op.payload.output() };
                let def = if asynchronous { "async def" } else { "def" };
                let _ = writeln!(out, "\n    {def} {name}(self{}) -> {ret}:", signature(&p.signature, &[]));
                out.push_str(&docstring(&op.doc, "        "));
                if stub {
                    out.push_str("        ...\n");
                } else {
                    let call = if asynchronous { "await self._acall" } else { "self._call" };
                    let _ = writeln!(
                        out,
                        "        return {call}({}, {{{}}}, {})",
                        py_str(&op.rust),
                        p.packing.join(", "),
                        op.payload.conv()
                    );
                }
                let Some((fixed, item)) = &op.pages else { continue };
                let p = params(fixed, api, &op.paging_fields, op.idempotency.as_deref());
                let extra = ["page_size: int | None = None", "max_items: int | None = None"];
                let iter = if asynchronous { "AsyncIterator" } else { "Iterator" };
                for (suffix, ret, what) in [
                    ("all", format!("{iter}[{}]", item.output()), "Every item"),
                    ("pages", format!("{iter}[List[{}]]", item.output()), "Every page (a list of items)"),
                ] {
                    let _ =
                        writeln!(out, "\n    def {name}_{suffix}(self{}) -> {ret}:", signature(&p.signature, &extra));
                    let doc = format!(
                        "{what} of `{name}`, across pages, fetching the next page while this one is used{}. \
                         `page_size` sets the page size, `max_items` stops after that many items.",
                        if asynchronous { " (`async for`)" } else { "" }
                    );
                    out.push_str(&docstring(&doc, "        "));
                    if stub {
                        out.push_str("        ...\n");
                    } else {
                        let pager = if asynchronous { "_apages" } else { "_pages" };
                        let _ = writeln!(
                            out,
                            "        return self.{pager}({}, {{{}}}, {}, page_size, max_items, {})",
                            py_str(&op.rust),
                            p.packing.join(", "),
                            item.conv(),
                            if suffix == "all" { "True" } else { "False" }
                        );
                    }
                }
            }
        }
    }

    // the clients
    let credentials = CREDENTIALS.iter().find(|(p, _)| *p == provider).map_or(&[][..], |(_, c)| *c);
    let merchant = MERCHANT_HOSTED.contains(&provider);
    for asynchronous in [false, true] {
        let cls = if asynchronous { format!("Async{client}") } else { client.to_owned() };
        let base = if asynchronous { "_r.AsyncClient" } else { "_r.Client" };
        let _ = writeln!(out, "\nclass {cls}({base}):");
        let env: Vec<String> = credentials
            .iter()
            .map(|(n, _)| format!("`PSPKIT_{}_{}`", provider.to_uppercase(), n.to_uppercase()))
            .collect();
        let doc = format!(
            "The {title} client{}.\n\nCredentials come from the arguments or, when omitted, from {} \
             (and the base URL from `PSPKIT_{}_BASE_URL`{}). Operations are grouped by the spec's tags: {}. \
             Calls are signed and retried as the spec says; errors are `pspkit.PspError` subclasses.",
            if asynchronous {
                " for asyncio: every operation is a coroutine"
            } else {
                ": calls block (without holding the GIL)"
            },
            env.join(", "),
            provider.to_uppercase(),
            if merchant { ", required: the host is the merchant's own" } else { "" },
            group_attrs.iter().map(|(a, _, _)| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        );
        out.push_str(&docstring(&doc, "    "));
        if !stub {
            let _ = writeln!(out, "    _provider = {}", py_str(provider));
        }
        let cred_params: Vec<String> = credentials.iter().map(|(n, _)| format!("{n}: str | None = None")).collect();
        let _ = writeln!(
            out,
            "\n    def __init__(self, {}*, base_url: str | None = None, max_attempts: int | None = None, \
             timeout: float | None = None, deadline: float | None = None) -> None:",
            cred_params.iter().map(|p| format!("{p}, ")).collect::<String>()
        );
        if stub {
            out.push_str("        ...\n");
        } else {
            let creds: Vec<String> = credentials.iter().map(|(n, _)| format!("{}: {n}", py_str(n))).collect();
            let _ = writeln!(
                out,
                "        super().__init__({{{}}}, base_url=base_url, max_attempts=max_attempts, timeout=timeout, deadline=deadline)",
                creds.join(", ")
            );
        }
        for (attr, class, tag) in &group_attrs {
            let g = if asynchronous { format!("{class}Async") } else { class.clone() };
            let _ = writeln!(out, "\n    @property\n    def {attr}(self) -> {g}:");
            out.push_str(&docstring(&format!("Operations tagged `{tag}`."), "        "));
            if stub {
                out.push_str("        ...\n");
            } else {
                let _ = writeln!(out, "        return {g}(self)");
            }
        }
    }
    out
}

/// Generates the Python layer for the native module's `build.rs`: `dispatch.rs` into `OUT_DIR`,
/// and `<provider>.py` / `<provider>.pyi` into the Python package directory `package_dir`
/// (rewritten only when changed). Problems are reported as in [`crate::build`].
pub fn build(specs: &[&str], package_dir: &str) {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut dispatch = TokenStream::new();
    for spec_path in specs {
        println!("cargo:rerun-if-changed={spec_path}");
        let result = Spec::load(spec_path).and_then(|spec| crate::generate(&spec).map(|g| generate(&spec, &g)));
        match result {
            Ok(python) => {
                dispatch.extend(python.dispatch);
                let stem = std::path::Path::new(spec_path).file_stem().map(|s| s.to_string_lossy().into_owned());
                let stem = stem.unwrap_or_default();
                for (ext, text) in [("py", &python.module), ("pyi", &python.stub)] {
                    let path = std::path::Path::new(package_dir).join(format!("{stem}.{ext}"));
                    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
                        crate::generate::write_or_exit(&path, text);
                    }
                }
            }
            Err(error) => crate::generate::fail_build(&error),
        }
    }
    let file: syn::File = match syn::parse2(dispatch) {
        Ok(f) => f,
        Err(e) => {
            println!("cargo::error=the generated Python dispatch does not parse: {e}");
            std::process::exit(1);
        }
    };
    crate::generate::write_or_exit(&std::path::Path::new(&out_dir).join("dispatch.rs"), &prettyplease::unparse(&file));
}
