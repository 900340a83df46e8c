//! The provider's normalized payments (`x-normalize`), rendered from the model:
//!
//! - a `normalize` module with one function per mapped list operation, turning one item into a
//!   `pspkit::normalized::Payment` (a `match` per raw status, so the mapping is visible in the
//!   generated code and an unmapped status is `Unknown`);
//! - `pspkit::normalized::PaymentSource` for the typed client, walking every mapped list in turn
//!   with the range's request parameters set where the spec declares them.
//!
//! A mapping that does not fit the generated types (a field that is not there, or of a kind that
//! cannot be that part of a payment, an enum value left unmapped) is an error naming the
//! operation, at build time.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::{
    AmountUnit, DirectionByField, DirectionRule, NormalDirection, NormalStatus, Normalize, ParamPlace, RangeFormat,
    RangeRule,
};
use crate::model::{Field, Kind, Model, Operation, Shape};

/// The `normalize` module and the `PaymentSource` implementation; `Err` is `"<operation>: why"`.
pub fn render(model: &Model) -> Result<TokenStream, String> {
    let mut functions = Vec::new();
    let mut walks = Vec::new();
    for op in &model.operations {
        let Some(rule) = &op.ext.normalize else { continue };
        let fail = |why: String| format!("{}: x-normalize: {why}", op.id);
        let item = crate::builders::page_item(model, op).ok_or_else(|| fail("the operation is not a list".into()))?;
        let fields = struct_fields(model, &item).ok_or_else(|| fail(format!("{item} is not a struct")))?;
        functions.push(function(model, op, rule, &item, fields).map_err(fail)?);
        walks.push(walk(model, op, rule).map_err(fail)?);
    }
    if functions.is_empty() {
        return Ok(TokenStream::new());
    }
    let client = format_ident!("{}", model.provider.client_name);
    Ok(quote! {
        /// Each mapped list's items as normalized payments (`x-normalize` in the spec).
        pub mod normalize {
            #[allow(unused_imports)]
            use super::types;
            #(#functions)*
        }

        impl ::pspkit::normalized::PaymentSource for #client {
            fn provider(&self) -> &'static str {
                SPEC.name
            }

            fn payment_pages(&self, range: ::pspkit::normalized::Range) -> ::pspkit::normalized::PaymentPages {
                ::pspkit::normalized::chain(::std::vec![#(#walks),*])
            }
        }
    })
}

fn struct_fields<'m>(model: &'m Model, tokens: &str) -> Option<&'m [Field]> {
    match &model.types.get(tokens.strip_prefix("types::")?)?.shape {
        Shape::Struct(fields) => Some(fields),
        _ => None,
    }
}

fn field<'f>(fields: &'f [Field], wire: &str) -> Result<&'f Field, String> {
    fields.iter().find(|f| f.wire == wire).ok_or_else(|| format!("the item has no field `{wire}`"))
}

/// An `Option<String>` of a field that reads as text (text, ids, open enums, whole numbers).
fn text(f: &Field) -> Result<TokenStream, String> {
    let name = format_ident!("{}", f.rust);
    let texty = |k: &Kind| matches!(k, Kind::Text | Kind::Id | Kind::OpenEnum(_) | Kind::Integer { .. });
    match &f.ty.kind {
        k if texty(k) => Ok(quote!(::core::option::Option::Some(::std::string::ToString::to_string(&item.#name)))),
        Kind::Optional(k) if texty(k) => Ok(quote!(item.#name.as_ref().map(::std::string::ToString::to_string))),
        other => Err(format!("`{}` ({other:?}) cannot be read as text", f.wire)),
    }
}

/// An `Option<Decimal>` of a money (or whole-number) field.
fn money(f: &Field) -> Result<TokenStream, String> {
    let name = format_ident!("{}", f.rust);
    match &f.ty.kind {
        Kind::Money => Ok(quote!(::core::option::Option::Some(*item.#name))),
        Kind::Integer { .. } => Ok(quote!(::core::option::Option::Some(::pspkit::Decimal::from(item.#name)))),
        Kind::Optional(k) if **k == Kind::Money => Ok(quote!(item.#name.as_ref().map(|v| **v))),
        Kind::Optional(k) if matches!(**k, Kind::Integer { .. }) => Ok(quote!(item.#name.map(::pspkit::Decimal::from))),
        other => Err(format!("`{}` ({other:?}) is not an amount", f.wire)),
    }
}

/// An `Option<DateTime<Utc>>` of a timestamp field.
fn time(f: &Field) -> Result<TokenStream, String> {
    let name = format_ident!("{}", f.rust);
    match &f.ty.kind {
        Kind::Timestamp => Ok(quote!(::core::option::Option::Some(item.#name.to_utc()))),
        Kind::Optional(k) if **k == Kind::Timestamp => Ok(quote!(item.#name.map(::pspkit::Timestamp::to_utc))),
        other => Err(format!("`{}` ({other:?}) is not a timestamp", f.wire)),
    }
}

/// The values the spec lists for an open-enum field, to check a map covers them.
fn listed_values<'m>(model: &'m Model, f: &Field) -> &'m [String] {
    let kind = match &f.ty.kind {
        Kind::Optional(k) => k.as_ref(),
        k => k,
    };
    match kind {
        Kind::OpenEnum(name) => match model.types.get(name).map(|t| &t.shape) {
            Some(Shape::OpenEnum(values)) => values,
            _ => &[],
        },
        _ => &[],
    }
}

fn covers<V>(model: &Model, f: &Field, map: &std::collections::BTreeMap<String, V>) -> Result<(), String> {
    match listed_values(model, f).iter().find(|v| !map.contains_key(*v)) {
        Some(missing) => Err(format!("`{}` lists the value {missing:?}, which the map leaves out", f.wire)),
        None => Ok(()),
    }
}

fn status_variant(s: NormalStatus) -> syn::Ident {
    format_ident!("{}", heck::ToUpperCamelCase::to_upper_camel_case(s.as_str()))
}

fn direction_variant(d: NormalDirection) -> TokenStream {
    match d {
        NormalDirection::In => quote!(::pspkit::normalized::Direction::In),
        NormalDirection::Out => quote!(::pspkit::normalized::Direction::Out),
    }
}

fn function(
    model: &Model,
    op: &Operation,
    rule: &Normalize,
    item: &str,
    fields: &[Field],
) -> Result<TokenStream, String> {
    let name = format_ident!("{}", op.name);
    let item_ty = crate::builders::ty(item);
    let provider = &model.provider.name;

    let id = text(field(fields, &rule.id)?)?;
    let reference = match &rule.reference {
        Some(wire) => text(field(fields, wire)?)?,
        None => quote!(::core::option::Option::None),
    };

    let status_field = field(fields, &rule.status.field)?;
    covers(model, status_field, &rule.status.map)?;
    let raw_status = text(status_field)?;
    let status_arms = rule.status.map.iter().map(|(raw, s)| {
        let v = status_variant(*s);
        quote!(#raw => ::pspkit::normalized::Status::#v,)
    });

    let direction = match &rule.direction {
        DirectionRule::Fixed(d) => direction_variant(*d),
        DirectionRule::ByField(DirectionByField { field: wire, map, default }) => {
            let f = field(fields, wire)?;
            covers(model, f, map)?;
            let raw = text(f)?;
            let arms = map.iter().map(|(raw, d)| {
                let d = direction_variant(*d);
                quote!(::core::option::Option::Some(#raw) => #d,)
            });
            let default = direction_variant(*default);
            quote!(match #raw.as_deref() { #(#arms)* _ => #default })
        }
    };

    let currency = match (&rule.currency.field, &rule.currency.default) {
        (Some(wire), default) => {
            let sent = text(field(fields, wire)?)?;
            let default = default.as_deref().unwrap_or_default();
            quote!(#sent.filter(|c| !c.trim().is_empty()).map(|c| ::pspkit::normalized::currency_code(&c)).unwrap_or_else(|| ::std::string::String::from(#default)))
        }
        (None, Some(fixed)) => quote!(::std::string::String::from(#fixed)),
        (None, None) => return Err("`currency` needs a field or a default".into()),
    };

    let amount = money(field(fields, &rule.amount.field)?)?;
    // positive whatever the provider's sign: the direction says which way it moves
    let amount = match rule.amount.unit {
        AmountUnit::Major => quote!(#amount.unwrap_or_default().abs()),
        AmountUnit::Minor => {
            quote!(::pspkit::normalized::from_minor_units(#amount.unwrap_or_default(), &currency).abs())
        }
    };
    let fee = match &rule.fee {
        Some(wire) => {
            let fee = money(field(fields, wire)?)?;
            match rule.amount.unit {
                AmountUnit::Major => fee,
                AmountUnit::Minor => quote!(#fee.map(|f| ::pspkit::normalized::from_minor_units(f, &currency))),
            }
        }
        None => quote!(::core::option::Option::None),
    };
    let created = time(field(fields, &rule.created)?)?;
    let updated = match &rule.updated {
        Some(wire) => time(field(fields, wire)?)?,
        None => quote!(::core::option::Option::None),
    };

    let doc = format!(
        "One item of `{}` as a normalized payment (`x-normalize`, source: {}). A raw status the \
         spec does not map is `Unknown`; an absent amount is zero.",
        op.name,
        rule.source.as_str()
    );
    Ok(quote! {
        #[doc = #doc]
        pub fn #name(item: &#item_ty) -> ::pspkit::normalized::Payment {
            let raw_status: ::std::string::String = #raw_status.unwrap_or_default();
            let status = match raw_status.as_str() {
                #(#status_arms)*
                _ => ::pspkit::normalized::Status::Unknown,
            };
            let currency = #currency;
            ::pspkit::normalized::Payment {
                provider: ::std::string::String::from(#provider),
                provider_id: #id.unwrap_or_default(),
                reference: #reference,
                direction: #direction,
                amount: #amount,
                fee: #fee,
                currency,
                status,
                raw_status,
                created: #created,
                updated: #updated,
            }
        }
    })
}

/// How a range bound is written into a value of type `tokens`: the expression from a
/// `DateTime<Utc>` named `at`.
fn bound(format: RangeFormat, tokens: &str) -> TokenStream {
    let inner =
        tokens.trim().strip_prefix("::std::option::Option<").and_then(|t| t.strip_suffix('>')).unwrap_or(tokens);
    let ty = crate::builders::ty(inner);
    match format {
        RangeFormat::DateTime => quote!(::pspkit::Timestamp::from(at)),
        RangeFormat::UnixMs => quote!(at.timestamp_millis() as #ty),
        RangeFormat::UnixS => quote!(at.timestamp() as #ty),
    }
}

/// One mapped list's pages of payments: the request (required range bounds set, the body built
/// when the operation takes one), walked with the default page options.
fn walk(model: &Model, op: &Operation, rule: &Normalize) -> Result<TokenStream, String> {
    let method = format_ident!("{}", op.name);
    let range = rule.range.as_ref();
    let is_bound = |wire: &str| range.is_some_and(|r: &RangeRule| r.since == wire || r.until == wire);
    // A required bound always gets a value (the epoch, or tomorrow, for an open end); an optional
    // one is sent only when the range gives it, so an open walk asks for everything.
    let value = |wire: &str, tokens: &str| -> TokenStream {
        let Some(r) = range else { return TokenStream::new() };
        let at = if r.since == wire { quote!(range.since_or_epoch()) } else { quote!(range.until_or_tomorrow()) };
        let written = bound(r.format, tokens);
        quote!({ let at = #at; #written })
    };
    let set_if_given = |target: TokenStream, setter: &syn::Ident, wire: &str, tokens: &str| -> TokenStream {
        let Some(r) = range else { return TokenStream::new() };
        let end = if r.since == wire { quote!(range.since) } else { quote!(range.until) };
        let written = bound(r.format, tokens);
        quote! {
            let #target = match #end {
                ::core::option::Option::Some(at) => #target.#setter(#written),
                ::core::option::Option::None => #target,
            };
        }
    };

    // Query and path parameters: required ones must be range bounds (nothing else can be
    // guessed); optional bounds are set by their setters.
    let mut args = Vec::new();
    let mut sets = Vec::new();
    for p in &op.params {
        if !is_bound(&p.wire) {
            if p.required {
                return Err(format!("the list needs the parameter `{}`, which a walk cannot guess", p.wire));
            }
            continue;
        }
        if p.required {
            args.push(value(&p.wire, &p.ty.tokens));
        } else {
            let setter = format_ident!("{}", p.rust);
            sets.push(set_if_given(quote!(call), &setter, &p.wire, &p.ty.tokens));
        }
    }
    let paged_in_body = op.pagination().is_some_and(|p| p.place == ParamPlace::Body);
    let body = match &op.body {
        Some(b) => {
            let fields = struct_fields(model, &b.ty.tokens)
                .ok_or_else(|| format!("its request body {} is not a struct", b.ty.tokens))?;
            let paging: Vec<&str> = op
                .pagination()
                .filter(|_| paged_in_body)
                .map(|p| {
                    [
                        p.page.as_deref(),
                        p.page_size.as_deref(),
                        p.cursor.as_deref(),
                        p.offset.as_deref(),
                        p.limit.as_deref(),
                    ]
                })
                .into_iter()
                .flatten()
                .flatten()
                .collect();
            let mut setters = Vec::new();
            for f in fields {
                if is_bound(&f.wire) {
                    let setter = format_ident!("{}", f.rust);
                    if f.must_be_given() {
                        let v = value(&f.wire, &f.ty.tokens);
                        setters.push(quote!(let builder = builder.#setter(#v);));
                    } else {
                        setters.push(set_if_given(quote!(builder), &setter, &f.wire, &f.ty.tokens));
                    }
                } else if f.must_be_given() && !paging.contains(&f.wire.as_str()) {
                    return Err(format!("its request body needs `{}`, which a walk cannot guess", f.wire));
                }
            }
            let ty = crate::builders::ty(&b.ty.tokens);
            quote! {
                let builder = <#ty>::builder();
                #(#setters)*
                let body = match builder.build() {
                    ::core::result::Result::Ok(body) => body,
                    ::core::result::Result::Err(e) => return ::pspkit::normalized::failed(e),
                };
            }
        }
        None => TokenStream::new(),
    };
    if let Some(r) = range {
        let body_fields = op.body.as_ref().and_then(|b| struct_fields(model, &b.ty.tokens)).unwrap_or_default();
        for bound in [&r.since, &r.until] {
            if !op.params.iter().any(|p| &p.wire == bound) && !body_fields.iter().any(|f| &f.wire == bound) {
                return Err(format!("`range` names `{bound}`, which is neither a parameter nor a body field"));
            }
        }
    }
    let body_arg = op.body.as_ref().map(|_| quote!(body));
    let all_args = args.iter().chain(body_arg.iter());
    let convert = format_ident!("{}", op.name);
    Ok(quote! {
        {
            #body
            let call = self.#method(#(#all_args),*);
            #(#sets)*
            ::pspkit::normalized::map_pages(call.pages(::pspkit::paginate::PageOptions::new()), range, normalize::#convert)
        }
    })
}
