//! A compact, stable text of a generated client's public API: every operation's signature and
//! every type's fields. Committed as an insta snapshot per provider, so that a spec edit shows
//! its effect on the API in review.

use std::fmt::Write as _;

use quote::ToTokens;

use crate::generate::Generated;

/// Renders the public API of a generated client: each operation's builder (its arguments,
/// setters and payload) with the retry class, one-of rules and pagination beside it, then the
/// client's own methods and the types.
pub fn api_summary(generated: &Generated) -> String {
    let model = &generated.model;
    let mut out = String::new();
    for op in &model.operations {
        operation_summary(op, model, &mut out);
    }
    let operations: Vec<&str> = model.operations.iter().map(|o| o.name.as_str()).collect();
    let mut types = String::new();
    let mut typed = String::new();
    for item in &generated.file.items {
        match item {
            // the typed client's own methods (constructors, options)
            syn::Item::Impl(imp) if imp.trait_.is_none() && tokens(&imp.self_ty) == model.provider.client_name => {
                for it in &imp.items {
                    if let syn::ImplItem::Fn(f) = it
                        && matches!(f.vis, syn::Visibility::Public(_))
                        && !operations.contains(&f.sig.ident.to_string().as_str())
                    {
                        let _ = writeln!(typed, "{}::{}", tokens(&imp.self_ty), signature(&f.sig));
                    }
                }
            }
            syn::Item::Mod(m) if m.ident == "types" => {
                for it in m.content.iter().flat_map(|(_, items)| items) {
                    type_summary(it, &mut types);
                }
            }
            _ => {}
        }
    }
    if !generated.skipped.is_empty() {
        out.push_str("\n# not generated (x-codegen-skip)\n");
        for (op, why) in &generated.skipped {
            let _ = writeln!(out, "{op}: {why}");
        }
    }
    let credentials = credentials_summary(&model.provider);
    let normalized = normalized_summary(model);
    format!(
        "# credentials (x-credentials)\n{credentials}\n# operations\n{out}\n\
         # normalized payments (x-normalize)\n{normalized}\n\
         # typed client (besides one method per operation)\n{typed}\n# types\n{types}"
    )
}

/// Each key with what it is, and where the base URL comes from.
fn credentials_summary(provider: &crate::model::Provider) -> String {
    let mut out = String::new();
    let env = |name: &str| crate::model::env_var(&provider.name, name);
    for key in &provider.credentials.keys {
        let kind = if key.public { "public" } else { "secret" };
        let need = if key.optional { "optional" } else { "required" };
        let _ = writeln!(out, "{}: {kind}, {need} ({})", key.name, env(&key.name));
    }
    let base = if provider.credentials.merchant_host {
        "required: the merchant's own host".to_owned()
    } else {
        format!("optional, default {}", provider.default_base_url)
    };
    let _ = writeln!(out, "base URL: {base} ({})", env("base_url"));
    out
}

/// A type as a reviewer reads it: paths a reviewer does not need spelled out are shortened
/// (`::std::option::Option<crate::generated::types::X>` -> `Option<types::X>`). The tests'
/// decoder tables spell their types this way too, so that they read like this summary.
pub fn short(ty: &str) -> String {
    let mut s = ty.to_owned();
    for (from, to) in [
        ("crate::generated::types::", "types::"),
        ("::std::option::Option", "Option"),
        ("::std::vec::Vec", "Vec"),
        ("::std::string::String", "String"),
        ("::std::num::", ""),
        ("::std::collections::HashMap", "HashMap"),
        ("::serde_json::", "serde_json::"),
        ("::pspkit::", "pspkit::"),
        ("::progenitor_client::", ""),
        ("::core::result::Result", "Result"),
        ("::core::option::Option", "Option"),
    ] {
        s = s.replace(from, to);
    }
    s
}

fn operation_summary(op: &crate::model::Operation, model: &crate::model::Model, out: &mut String) {
    let args: Vec<String> = crate::builders::required_params(op)
        .map(|p| format!("{}: {}", p.rust, short(&p.ty.tokens)))
        .chain(op.body.iter().map(|b| format!("body: {}", short(&b.ty.tokens))))
        .collect();
    let _ = writeln!(out, "{}({}) -> {}", op.name, args.join(", "), short(&op.success.tokens));
    let _ = writeln!(out, "    {} {}", op.method, op.path);
    for fact in crate::builders::facts(op) {
        let fact = fact.trim_start_matches("- ").replace('`', "");
        let _ = writeln!(out, "    {fact}");
    }
    if let Some(item) = crate::builders::page_item(model, op) {
        let _ = writeln!(out, "    .pages() / .stream() yield {}", short(&item));
    }
    let setters: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.required)
        .map(|p| {
            if p.idempotency {
                ".idempotency_key(String)".to_owned()
            } else if matches!(p.ty.kind, crate::model::Kind::Integer { positive: true }) {
                format!(".{}(u64 >= 1)", p.rust)
            } else {
                format!(".{}({})", p.rust, short(&p.ty.tokens))
            }
        })
        .collect();
    if !setters.is_empty() {
        let _ = writeln!(out, "    {}", setters.join(" "));
    }
}

fn signature(sig: &syn::Signature) -> String {
    let args: Vec<String> = sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => Some(format!("{}: {}", tokens(&t.pat), tokens(&t.ty))),
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let ret = match &sig.output {
        syn::ReturnType::Default => "()".to_owned(),
        syn::ReturnType::Type(_, ty) => tokens(ty),
    };
    format!("{}({}) -> {}", sig.ident, args.join(", "), ret)
}

fn type_summary(item: &syn::Item, out: &mut String) {
    // the request builders are listed by their operations' types, not as types of their own
    if let syn::Item::Struct(st) = item
        && st.ident.to_string().ends_with("Builder")
    {
        return;
    }
    match item {
        syn::Item::Struct(s) if matches!(s.vis, syn::Visibility::Public(_)) => match &s.fields {
            syn::Fields::Named(fields) => {
                let _ = writeln!(out, "struct {} {{", s.ident);
                for f in &fields.named {
                    let name = f.ident.as_ref().map(ToString::to_string).unwrap_or_default();
                    let _ = writeln!(out, "    {}{name}: {},", wire_name(&f.attrs, &name), tokens(&f.ty));
                }
                out.push_str("}\n");
            }
            syn::Fields::Unnamed(fields) => {
                let inner: Vec<String> = fields.unnamed.iter().map(|f| tokens(&f.ty)).collect();
                let _ = writeln!(out, "struct {}({})", s.ident, inner.join(", "));
            }
            syn::Fields::Unit => {
                let _ = writeln!(out, "struct {}", s.ident);
            }
        },
        syn::Item::Enum(e) if matches!(e.vis, syn::Visibility::Public(_)) => {
            let variants: Vec<String> = e
                .variants
                .iter()
                .map(|v| match &v.fields {
                    syn::Fields::Unit => v.ident.to_string(),
                    fields => format!("{}{}", v.ident, tokens(fields)),
                })
                .collect();
            let _ = writeln!(out, "enum {} {{ {} }}", e.ident, variants.join(", "));
        }
        syn::Item::Type(t) if matches!(t.vis, syn::Visibility::Public(_)) => {
            let _ = writeln!(out, "type {} = {}", t.ident, tokens(&t.ty));
        }
        syn::Item::Macro(m) if m.mac.path.segments.last().is_some_and(|s| s.ident == "open_enum") => {
            // an open enum: `::pspkit::open_enum! { pub enum Name { A = "a", ... } }`
            let text = m.mac.tokens.to_string();
            if let Some(rest) = text.split("pub enum ").nth(1) {
                let name = rest.split_whitespace().next().unwrap_or("");
                let values: Vec<&str> = rest.split('"').skip(1).step_by(2).collect();
                let values: Vec<&str> = values.into_iter().filter(|v| !v.starts_with('`')).collect();
                let _ = writeln!(out, "open enum {name} {{ {} | Unknown(String) }}", values.join(", "));
            }
        }
        _ => {}
    }
}

/// ` (wire "re-enrollment")` prefix when serde renames the field, so the wire name is reviewed too.
fn wire_name(attrs: &[syn::Attribute], rust_name: &str) -> String {
    for attr in attrs {
        if attr.path().is_ident("serde") {
            let text = tokens(&attr.meta);
            if let Some(rest) = text.split("rename = \"").nth(1) {
                let wire = rest.split('"').next().unwrap_or("");
                if wire != rust_name {
                    return format!("\"{wire}\" => ");
                }
            }
        }
    }
    String::new()
}

/// Token text with the spacing `quote` adds taken out around punctuation.
fn tokens(t: &impl ToTokens) -> String {
    let raw = t.to_token_stream().to_string();
    let mut s = raw;
    for (from, to) in [
        (" :: ", "::"),
        (":: ", "::"),
        (" ::", "::"),
        (" < ", "<"),
        ("< ", "<"),
        (" <", "<"),
        (" >", ">"),
        (" , ", ", "),
        ("& '", "&'"),
        ("& ", "&"),
        (" (", "("),
        ("( ", "("),
        (" )", ")"),
        (" ,>", ">"),
        ("> >", ">>"),
        ("&'a ", "&"),
        ("&'a::", "&::"),
    ] {
        s = s.replace(from, to);
    }
    short(&s).replace(" ,", ", ")
}

/// How each mapped list becomes normalized payments, as the spec declares it: a changed status
/// mapping or amount unit shows in review.
fn normalized_summary(model: &crate::model::Model) -> String {
    use crate::extensions::{AmountUnit, DirectionByField, DirectionRule, NormalDirection, RangeFormat};
    let direction = |d: NormalDirection| match d {
        NormalDirection::In => "in",
        NormalDirection::Out => "out",
    };
    let mut out = String::new();
    for op in &model.operations {
        let Some(n) = &op.ext.normalize else { continue };
        let _ = writeln!(out, "{} (source: {})", op.name, n.source.as_str());
        let dir = match &n.direction {
            DirectionRule::Fixed(d) => direction(*d).to_owned(),
            DirectionRule::ByField(DirectionByField { field, map, default }) => {
                let arms: Vec<String> = map.iter().map(|(raw, d)| format!("{raw} -> {}", direction(*d))).collect();
                format!("from `{field}`: {}, otherwise {}", arms.join(", "), direction(*default))
            }
        };
        let _ = writeln!(out, "  direction: {dir}");
        let unit = match n.amount.unit {
            AmountUnit::Major => "major units",
            AmountUnit::Minor => "minor units",
        };
        let _ = writeln!(
            out,
            "  id: `{}`  reference: {}  amount: `{}` in {unit} ({})",
            n.id,
            n.reference.as_deref().map(|r| format!("`{r}`")).unwrap_or_else(|| "-".into()),
            n.amount.field,
            n.amount.source.as_str()
        );
        let currency = match (&n.currency.field, &n.currency.default) {
            (Some(f), Some(d)) => format!("`{f}`, else {d}"),
            (Some(f), None) => format!("`{f}`"),
            (None, Some(d)) => format!("always {d}"),
            (None, None) => "-".into(),
        };
        let fee = n.fee.as_deref().map(|f| format!("`{f}`")).unwrap_or_else(|| "-".into());
        let updated = n.updated.as_deref().map(|f| format!("`{f}`")).unwrap_or_else(|| "-".into());
        let _ = writeln!(out, "  currency: {currency}  fee: {fee}  created: `{}`  updated: {updated}", n.created);
        let arms: Vec<String> = n.status.map.iter().map(|(raw, s)| format!("{raw} -> {}", s.as_str())).collect();
        let _ = writeln!(
            out,
            "  status from `{}` ({}): {}, anything else -> unknown",
            n.status.field,
            n.status.source.as_str(),
            if arms.is_empty() { "nothing mapped".to_owned() } else { arms.join(", ") }
        );
        if let Some(r) = &n.range {
            let format = match r.format {
                RangeFormat::DateTime => "date-time",
                RangeFormat::UnixMs => "unix ms",
                RangeFormat::UnixS => "unix s",
            };
            let _ = writeln!(out, "  range: `{}` .. `{}` ({format}, {})", r.since, r.until, r.source.as_str());
        }
    }
    if out.is_empty() {
        out.push_str("(none)\n");
    }
    out
}
