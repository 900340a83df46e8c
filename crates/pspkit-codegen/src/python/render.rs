//! `pspkit/<provider>.py` and `.pyi`: the Python module and its stub.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use heck::ToShoutySnakeCase;

use crate::extensions::Credentials;
use crate::spec::Spec;

use super::api::*;

pub(super) fn docstring(text: &str, indent: &str) -> String {
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
pub(super) fn tuple(items: &[String]) -> String {
    match items {
        [one] => format!("{one},"),
        _ => items.join(", "),
    }
}

pub(super) fn py_str(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The keyword parameters of one Python method, and how to pack them for `dispatch`.
pub(super) struct Params {
    /// `name: type` or `name: type = None`, required first.
    pub(super) signature: Vec<String>,
    /// `"key": expr` entries of the argument dict.
    pub(super) packing: Vec<String>,
    /// Each keyword's name and the spec's description of it, in signature order.
    pub(super) docs: Vec<(String, String)>,
}

/// The keywords every operation method takes besides the operation's own, with their docs.
const CALL_KEYWORDS: [(&str, &str); 4] = [
    (
        "timeout: float | None = None",
        "Seconds this call may take, retries and waits included (else the client's setting).",
    ),
    (
        "extra_headers: Mapping[str, str] | None = None",
        "Headers to send with this call; pspkit's own (credentials, signature, idempotency key) win.",
    ),
    (
        "extra_query: Mapping[str, str] | None = None",
        "Query parameters the spec does not list, sent after the operation's own (one it sends already is refused).",
    ),
    (
        "extra_body: Mapping[str, Any] | None = None",
        "Fields the spec does not list, added to the JSON body (one it has already is refused; no floats).",
    ),
];

/// `(name, doc)` of [`CALL_KEYWORDS`], for docstrings.
fn call_keyword_docs() -> Vec<(&'static str, &'static str)> {
    CALL_KEYWORDS.iter().map(|(sig, doc)| (sig.split(':').next().unwrap_or(sig), *doc)).collect()
}

/// The text of an idempotency key's keyword, for docstrings.
const IDEMPOTENCY_DOC: &str = "The key the provider deduplicates this write by: give your own (e.g. your order id) \
     to make a repeat of the same call safe; one is generated when omitted. Sent identically on every retry.";

/// A method's docstring: the spec's summary and description, the route and retry rule, then
/// each keyword argument as the Python signature names it.
pub(super) fn method_doc(op: &Operation, intro: Option<&str>, params: &Params, extra: &[(&str, &str)]) -> String {
    let mut parts: Vec<String> = Vec::new();
    if let Some(intro) = intro {
        parts.push(intro.to_owned());
    } else {
        parts.extend([op.summary.clone(), op.description.clone()].into_iter().filter(|p| !p.is_empty()));
    }
    parts.push(format!("`{}`. {}", op.route, op.retry));
    let args: Vec<(String, String)> =
        params.docs.iter().cloned().chain(extra.iter().map(|(n, d)| ((*n).to_owned(), (*d).to_owned()))).collect();
    if !args.is_empty() {
        let lines: Vec<String> = args
            .iter()
            .map(|(name, doc)| {
                let doc =
                    if doc.is_empty() { "(not described by the provider)".to_owned() } else { doc.replace('\n', " ") };
                format!("    {name}: {doc}")
            })
            .collect();
        parts.push(format!("Args:\n{}", lines.join("\n")));
    }
    parts.join("\n\n")
}

/// The spec's description of a keyword, or for an undescribed enum the values the spec lists.
fn describe(doc: &str, ty: &Ty, api: &Api) -> String {
    if !doc.is_empty() {
        return doc.to_owned();
    }
    match ty.strip() {
        Ty::Enum(name) => match api.enums.iter().find(|e| &e.name == name) {
            Some(e) if !e.values.is_empty() => {
                let values: Vec<String> = e.values.iter().map(|v| format!("`{v}`")).collect();
                format!("One of {} (`{name}`).", values.join(", "))
            }
            _ => String::new(),
        },
        _ => String::new(),
    }
}

pub(super) fn params(op_args: &[Arg], api: &Api, skip: &BTreeSet<String>, idempotency: Option<&str>) -> Params {
    let mut required = Vec::new();
    let mut optional = Vec::new();
    let mut packing = Vec::new();
    let (mut required_docs, mut optional_docs) = (Vec::new(), Vec::new());
    let param_names: BTreeSet<String> =
        op_args.iter().filter(|a| a.rust != "body").map(|a| py_ident(&a.rust.to_string())).collect();
    for arg in op_args {
        let key = arg.rust.to_string();
        if key == "body" {
            let Ty::Model(model) = arg.py_ty.strip() else {
                required.push(format!("body: {}", arg.py_ty.input()));
                required_docs.push(("body".to_owned(), arg.doc.clone()));
                packing.push(format!("\"body\": _r.encode({}, body, \"body\")", arg.py_ty.conv()));
                continue;
            };
            let Some(m) = api.model(model) else { continue };
            let mut fields = Vec::new();
            for f in m.fields.iter().filter(|f| !skip.contains(&f.wire)) {
                let name = if param_names.contains(&f.py) { format!("body_{}", f.py) } else { f.py.clone() };
                if f.required {
                    required.push(format!("{name}: {}", f.ty.input()));
                    required_docs.push((name.clone(), describe(&f.doc, &f.ty, api)));
                } else {
                    optional.push(format!("{name}: {} = None", Ty::Opt(Box::new(f.ty.strip().clone())).input()));
                    optional_docs.push((name.clone(), describe(&f.doc, &f.ty, api)));
                }
                fields.push(format!("{}={name}", f.py));
            }
            packing.push(format!("\"body\": _r.pack({model}, {})", fields.join(", ")));
            continue;
        }
        let is_key = Some(key.as_str()) == idempotency;
        let name = if is_key { "idempotency_key".to_owned() } else { py_ident(&key) };
        let doc = if is_key { IDEMPOTENCY_DOC.to_owned() } else { describe(&arg.doc, &arg.py_ty, api) };
        if matches!(arg.py_ty, Ty::Opt(_)) {
            optional.push(format!("{name}: {} = None", arg.py_ty.input()));
            optional_docs.push((name.clone(), doc));
        } else {
            required.push(format!("{name}: {}", arg.py_ty.input()));
            required_docs.push((name.clone(), doc));
        }
        packing.push(format!("{}: _r.encode({}, {name}, {})", py_str(&key), arg.py_ty.conv(), py_str(&name)));
    }
    required.extend(optional);
    required_docs.extend(optional_docs);
    Params { signature: required, packing, docs: required_docs }
}

pub(super) fn signature(params: &[String], extra: &[&str]) -> String {
    let all: Vec<String> = params.iter().cloned().chain(extra.iter().map(|s| (*s).to_owned())).collect();
    if all.is_empty() { String::new() } else { format!(", *, {}", all.join(", ")) }
}

pub(super) fn render(spec: &Spec, provider: &str, client: &str, keys: &Credentials, api: &Api, stub: bool) -> String {
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
    out.push_str("from .errors import *  # noqa: F403 (the exceptions, importable from here too)\n\n");
    let mut exports: Vec<String> = vec![client.to_owned(), format!("Async{client}")];
    exports.extend(api.enums.iter().map(|e| e.name.clone()));
    exports.extend(api.models.iter().map(|m| m.name.clone()));
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
            let sensitive: Vec<String> = m.fields.iter().filter(|f| f.sensitive).map(|f| py_str(&f.py)).collect();
            let sensitive =
                if sensitive.is_empty() { String::new() } else { format!(", sensitive=({})", tuple(&sensitive)) };
            let _ = writeln!(
                out,
                "_r.define({}, {{{}}}, required=({}), send_null=({}){sensitive})",
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
    let call_keywords: Vec<&str> = CALL_KEYWORDS.iter().map(|(sig, _)| *sig).collect();
    for (tag, ops) in &groups {
        let attr = group_name(tag);
        let names = method_names(ops, tag);
        let class = format!("_{}", heck::ToUpperCamelCase::to_upper_camel_case(attr.as_str()));
        group_attrs.push((attr, class.clone(), tag.clone()));
        for (asynchronous, raw) in [(false, false), (true, false), (false, true), (true, true)] {
            let base = if asynchronous { format!("{class}Async") } else { class.clone() };
            let cls = if raw { format!("{base}Raw") } else { base.clone() };
            let raw_cls = format!("{base}Raw");
            if raw && !stub {
                // at run time the raw group is the group with one flag set: its methods are the
                // group's own; only the stub spells out their `RawResponse` return types
                let _ = writeln!(out, "\nclass {cls}({base}):");
                out.push_str(&docstring(
                    &format!("{title}: {tag}, each method returning the answer before parsing."),
                    "    ",
                ));
                out.push_str("    __slots__ = ()\n    _raw = True\n");
                continue;
            }
            let _ = writeln!(out, "\nclass {cls}(_r.Group):");
            let doc = if raw {
                format!(
                    "{title}: {tag}, each method returning the answer before parsing: `RawResponse` (status, \
                     headers, request id, attempts, idempotency key; `.parse()` for the payload)."
                )
            } else {
                format!("{title}: {tag}.")
            };
            out.push_str(&docstring(&doc, "    "));
            let _ = writeln!(out, "\n    @property\n    def with_raw_response(self) -> {raw_cls}:");
            out.push_str(&docstring(
                "The same operations, each returning the HTTP answer (`RawResponse`: status, headers, request id) \
                 with `.parse()` for the payload.",
                "        ",
            ));
            if stub {
                out.push_str("        ...\n");
            } else {
                let _ = writeln!(out, "        return {raw_cls}(self._client)");
            }
            for (op, name) in ops.iter().zip(&names) {
                let p = params(&op.args, api, &BTreeSet::new(), op.idempotency.as_deref());
                let payload = if op.payload == Ty::Unit { "None".to_owned() } else { op.payload.output() };
                let ret = if raw { format!("_r.RawResponse[{payload}]") } else { payload };
                let def = if asynchronous { "async def" } else { "def" };
                let _ = writeln!(out, "\n    {def} {name}(self{}) -> {ret}:", signature(&p.signature, &call_keywords));
                out.push_str(&docstring(&method_doc(op, None, &p, &call_keyword_docs()), "        "));
                if stub {
                    out.push_str("        ...\n");
                } else {
                    let call = if asynchronous { "await self._acall" } else { "self._call" };
                    let _ = writeln!(
                        out,
                        "        return {call}({}, {{{}}}, timeout, extra_headers, extra_query, extra_body)",
                        py_str(&op.rust),
                        p.packing.join(", ")
                    );
                }
                let Some((fixed, item)) = &op.pages else { continue };
                let p = params(fixed, api, &op.paging_fields, op.idempotency.as_deref());
                let mut extra = vec!["page_size: int | None = None", "max_items: int | None = None"];
                extra.extend(&call_keywords);
                let pager = if asynchronous { "_r.AsyncPager" } else { "_r.Pager" };
                for (suffix, ret, what) in [
                    ("all", format!("{pager}[{}]", item.output()), "Every item"),
                    (
                        "pages",
                        format!("{pager}[_r.Page[{}]]", item.output()),
                        "Every page (a list of items with the page's position, total pages and next cursor)",
                    ),
                ] {
                    let _ =
                        writeln!(out, "\n    def {name}_{suffix}(self{}) -> {ret}:", signature(&p.signature, &extra));
                    let intro = format!(
                        "{what} of `{name}`, across pages, fetching the next page while this one is used{}; \
                         `close()` or a `with` block stops the walk.",
                        if asynchronous { " (`async for`)" } else { "" }
                    );
                    let mut walk = vec![
                        ("page_size", "Items per page (the provider's maximum, if it has one, is the limit)."),
                        ("max_items", "Stop after this many items."),
                    ];
                    walk.extend(call_keyword_docs());
                    out.push_str(&docstring(&method_doc(op, Some(&intro), &p, &walk), "        "));
                    if stub {
                        out.push_str("        ...\n");
                    } else {
                        let pager = if asynchronous { "_apages" } else { "_pages" };
                        let _ = writeln!(
                            out,
                            "        return self.{pager}({}, {{{}}}, page_size, max_items, {}, timeout, extra_headers, extra_query, \
                             extra_body)",
                            py_str(&op.rust),
                            p.packing.join(", "),
                            if suffix == "all" { "True" } else { "False" }
                        );
                    }
                }
            }
        }
    }

    // the clients
    let credentials = &keys.keys;
    let merchant = keys.merchant_host;
    for asynchronous in [false, true] {
        let cls = if asynchronous { format!("Async{client}") } else { client.to_owned() };
        let base = if asynchronous { "_r.AsyncClient" } else { "_r.Client" };
        let _ = writeln!(out, "\nclass {cls}({base}):");
        let env: Vec<String> =
            credentials.iter().map(|k| format!("`{}`", crate::model::env_var(provider, &k.name))).collect();
        let doc = format!(
            "The {title} client{}.\n\nCredentials come from the arguments or, when omitted, from {} \
             (and the base URL from `{}`{}). Operations are grouped by the spec's tags: {}. \
             Calls are signed and retried as the spec says; errors are `pspkit.PspError` subclasses.",
            if asynchronous {
                " for asyncio: every operation is a coroutine"
            } else {
                ": calls block (without holding the GIL)"
            },
            env.join(", "),
            crate::model::env_var(provider, "base_url"),
            if merchant { ", required: the host is the merchant's own" } else { "" },
            group_attrs.iter().map(|(a, _, _)| format!("`{a}`")).collect::<Vec<_>>().join(", ")
        );
        out.push_str(&docstring(&doc, "    "));
        if !stub {
            let _ = writeln!(out, "    _provider = {}", py_str(provider));
        }
        let cred_params: Vec<String> = credentials.iter().map(|k| format!("{}: str | None = None", k.name)).collect();
        let _ = writeln!(
            out,
            "\n    def __init__(self, {}*, base_url: str | None = None, max_retries: int | None = None, \
             timeout: float | None = None, deadline: float | None = None) -> None:",
            cred_params.iter().map(|p| format!("{p}, ")).collect::<String>()
        );
        if stub {
            out.push_str("        ...\n");
        } else {
            let creds: Vec<String> = credentials.iter().map(|k| format!("{}: {}", py_str(&k.name), k.name)).collect();
            let _ = writeln!(
                out,
                "        super().__init__({{{}}}, base_url=base_url, max_retries=max_retries, timeout=timeout, deadline=deadline)",
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

/// The Python API of one provider in review form: each group's methods with their keyword
/// arguments and return types, and the operation and route behind each. The per-call keywords
/// every method takes (`timeout`, `extra_headers`, `extra_query`, `extra_body`) and the async and
/// raw-response twins (same names) are left out.
pub(super) fn api_summary(client: &str, api: &Api) -> String {
    let mut out = format!("{client} (and Async{client}): Python methods by group\n");
    let mut groups: BTreeMap<String, Vec<&Operation>> = BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.tag.clone()).or_default().push(op);
    }
    for (tag, ops) in &groups {
        let _ = writeln!(out, "\nclient.{}  ({tag})", group_name(tag));
        for (op, name) in ops.iter().zip(method_names(ops, tag)) {
            let p = params(&op.args, api, &BTreeSet::new(), op.idempotency.as_deref());
            let ret = if op.payload == Ty::Unit { "None".to_owned() } else { op.payload.output() };
            let _ = writeln!(out, "  {name}({}) -> {ret}", p.signature.join(", "));
            let _ = writeln!(out, "      {}: {}", op.rust, op.route);
            if let Some((fixed, item)) = &op.pages {
                let p = params(fixed, api, &op.paging_fields, op.idempotency.as_deref());
                let mut args = p.signature.clone();
                args.extend(["page_size".to_owned(), "max_items".to_owned()]);
                let _ = writeln!(out, "  {name}_all({}) -> Pager[{}]", args.join(", "), item.output());
                let _ = writeln!(out, "  {name}_pages({}) -> Pager[Page[{}]]", args.join(", "), item.output());
            }
        }
    }
    out
}
