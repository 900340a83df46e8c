//! `<operation>_pages` and `<operation>_all` for every list operation with `x-pagination`: the
//! glue between a generated method and `pspkit::paginate`, built from the spec's field names and
//! the generated types.

use std::collections::BTreeSet;

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{ToTokens, format_ident, quote};
use serde_json::Value;
use syn::visit_mut::VisitMut;

use crate::syntax::{generic_arg, last_ident};

/// The paging methods of one generated method, or `None` if it does not paginate.
pub fn methods(op: &Value, f: &syn::ImplItemFn, payload: &syn::Type, file: &syn::File) -> Option<TokenStream> {
    let p = op.get("x-pagination")?;
    let key = |k: &str| p.get(k).and_then(Value::as_str);
    let style = key("style")?;
    let in_body = key("in") == Some("body");
    let types = TypesModule::of(file);

    // request side: which arguments (query) or body fields carry the position, size and cursor
    // keyset walks by cursor alone: no position
    let (position_name, size_name) = match style {
        "offset" => (key("offset"), key("limit")?),
        "keyset" => (None, key("page-size")?),
        _ => (key("page"), key("page-size")?),
    };
    let cursor_name = key("cursor");
    let args: Vec<(syn::Ident, syn::Type)> = f
        .sig
        .inputs
        .iter()
        .filter_map(|a| match a {
            syn::FnArg::Typed(t) => match &*t.pat {
                syn::Pat::Ident(i) => Some((i.ident.clone(), (*t.ty).clone())),
                _ => None,
            },
            syn::FnArg::Receiver(_) => None,
        })
        .collect();
    let paging_args: BTreeSet<String> = if in_body {
        BTreeSet::new()
    } else {
        position_name.into_iter().chain([size_name]).map(|n| n.to_snake_case()).collect()
    };
    if !in_body && !args.iter().any(|(i, _)| paging_args.contains(&i.to_string())) {
        return None;
    }
    let fixed: Vec<&(syn::Ident, syn::Type)> =
        args.iter().filter(|(i, _)| !paging_args.contains(&i.to_string())).collect();

    let mut owned = Vec::new();
    let mut call_args = Vec::new();
    let mut body_edits = Vec::new();
    for (ident, ty) in &args {
        let name = ident.to_string();
        if !in_body && position_name.is_some_and(|p| name == p.to_snake_case()) {
            call_args.push(quote!(::pspkit::paginate::param(request.position)));
            continue;
        }
        if !in_body && name == size_name.to_snake_case() {
            call_args.push(quote!(::pspkit::paginate::param(request.size)));
            continue;
        }
        let (to_owned, borrow) = ownership(ident, ty);
        owned.push(to_owned);
        if in_body && name == "body" {
            let body_struct = referenced_struct(ty)?;
            let field = |json: &str| types.field(&body_struct, json).map(|(i, _)| i);
            let size = field(size_name)?;
            body_edits.push(quote! {
                let mut body = body.clone();
                body.#size = ::pspkit::paginate::param(request.size);
            });
            if let Some(p) = position_name {
                let position = field(p)?;
                body_edits.push(quote!(body.#position = ::pspkit::paginate::param(request.position);));
            }
            if let Some(c) = cursor_name {
                let cursor = field(c)?;
                body_edits.push(quote!(body.#cursor = ::pspkit::paginate::cursor(request.cursor.clone());));
            }
            call_args.push(quote!(&body));
        } else {
            call_args.push(borrow);
        }
    }
    let clones: Vec<TokenStream> = fixed.iter().map(|(i, _)| quote!(let #i = #i.clone();)).collect();

    // response side: the items and what says there is a next page
    let response_struct = last_ident(payload);
    let items_name = key("items")?;
    let (items_expr, item_type) = if items_name == "." {
        (quote!(response), generic_arg(payload)?)
    } else {
        let (field, ty) = types.field(&response_struct?, items_name)?;
        let inner = generic_arg(&ty)?;
        let inner = if last_ident(&inner).as_deref() == Some("Vec") { generic_arg(&inner)? } else { inner };
        (quote!(response.#field), inner)
    };
    let response_struct = last_ident(payload).unwrap_or_default();
    let info_field = |k: &str| key(k).and_then(|json| types.field(&response_struct, json)).map(|(i, _)| i);
    let total_pages = match info_field("total-pages") {
        Some(f) => quote!(::pspkit::paginate::PageField::count(&response.#f)),
        None => quote!(::core::option::Option::None),
    };
    let has_next_url = match info_field("next-url") {
        Some(f) => quote!(::core::option::Option::Some(::pspkit::paginate::present(&response.#f))),
        None => quote!(::core::option::Option::None),
    };
    let next_cursor = match info_field("next-cursor") {
        Some(f) => quote!(::pspkit::paginate::PageField::cursor(&response.#f)),
        None => quote!(::core::option::Option::None),
    };
    let item_type = types.qualify(item_type);

    let name = &f.sig.ident;
    let name_str = name.to_string();
    let pages = format_ident!("{}_pages", name);
    let all = format_ident!("{}_all", name);
    let generics = &f.sig.generics;
    let params: Vec<TokenStream> = fixed.iter().map(|(i, t)| quote!(#i: #t)).collect();
    let param_names: Vec<&syn::Ident> = fixed.iter().map(|(i, _)| i).collect();
    let pages_doc = format!(
        "Every page of [`Self::{name}`], as a `Stream`, fetching the next page while this one is consumed \
         ({style} pagination; `options` sets the page size, a maximum number of items and where to start)."
    );
    let all_doc = format!("Every item of [`Self::{name}`] across pages, as a `Stream` (see [`Self::{pages}`]).");
    Some(quote! {
        #[doc = #pages_doc]
        pub fn #pages #generics (&self, #(#params,)* options: ::pspkit::paginate::PageOptions) -> ::pspkit::paginate::Pages<#item_type> {
            let client = self.clone();
            #(#owned)*
            let fetch: ::pspkit::paginate::FetchPage<#item_type> = ::std::sync::Arc::new(move |request: ::pspkit::paginate::PageRequest| {
                let client = client.clone();
                #(#clones)*
                ::std::boxed::Box::pin(async move {
                    #(#body_edits)*
                    let response = client.#name(#(#call_args),*).await?;
                    let info = ::pspkit::paginate::PageInfo {
                        total_pages: #total_pages,
                        has_next_url: #has_next_url,
                        next_cursor: #next_cursor,
                    };
                    ::core::result::Result::Ok((::pspkit::paginate::IntoItems::into_items(#items_expr), info))
                })
            });
            ::pspkit::paginate::Pages::new(&SPEC, #name_str, options, fetch)
        }

        #[doc = #all_doc]
        pub fn #all #generics (&self, #(#params,)* options: ::pspkit::paginate::PageOptions) -> ::pspkit::paginate::Items<#item_type> {
            self.#pages(#(#param_names,)* options).items()
        }
    })
}

/// How to keep an argument past the call (`to_owned`) and pass it again (`borrow`).
fn ownership(ident: &syn::Ident, ty: &syn::Type) -> (TokenStream, TokenStream) {
    match ty {
        // &str / &T -> String / T
        syn::Type::Reference(r) => {
            let is_str = r.elem.to_token_stream().to_string() == "str";
            let owned = if is_str {
                quote!(let #ident: ::std::string::String = #ident.to_owned();)
            } else {
                quote!(let #ident = #ident.clone();)
            };
            (owned, quote!(&#ident))
        }
        // Option<&str> / Option<&T>
        syn::Type::Path(_)
            if generic_arg(ty).is_some_and(|a| matches!(a, syn::Type::Reference(_)))
                && last_ident(ty).as_deref() == Some("Option") =>
        {
            let inner = generic_arg(ty).expect("checked");
            let is_str = matches!(&inner, syn::Type::Reference(r) if r.elem.to_token_stream().to_string() == "str");
            if is_str {
                (
                    quote!(let #ident: ::core::option::Option<::std::string::String> = #ident.map(str::to_owned);),
                    quote!(#ident.as_deref()),
                )
            } else {
                (quote!(let #ident = #ident.cloned();), quote!(#ident.as_ref()))
            }
        }
        _ => (quote!(), quote!(#ident.clone())),
    }
}

/// `X` of `&'a types::X`.
fn referenced_struct(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Reference(r) => last_ident(&r.elem),
        _ => None,
    }
}

/// The generated `types` module, for looking up struct fields.
struct TypesModule<'a> {
    items: &'a [syn::Item],
}

impl<'a> TypesModule<'a> {
    fn of(file: &'a syn::File) -> Self {
        let items = file
            .items
            .iter()
            .find_map(|i| match i {
                syn::Item::Mod(m) if m.ident == "types" => m.content.as_ref().map(|(_, items)| items.as_slice()),
                _ => None,
            })
            .unwrap_or(&[]);
        Self { items }
    }

    /// The Rust field (ident, type) of struct `name` for the JSON field `json`.
    fn field(&self, name: &str, json: &str) -> Option<(syn::Ident, syn::Type)> {
        let fields = self.items.iter().find_map(|i| match i {
            syn::Item::Struct(s) if s.ident == name => match &s.fields {
                syn::Fields::Named(f) => Some(&f.named),
                _ => None,
            },
            _ => None,
        })?;
        fields.iter().find_map(|f| {
            let ident = f.ident.clone()?;
            let renamed = f.attrs.iter().any(|a| {
                a.path().is_ident("serde")
                    && a.meta.to_token_stream().to_string().contains(&format!("rename = \"{json}\""))
            });
            let plain = ident == json || ident == json.to_snake_case() || ident == format!("{json}_");
            (renamed || plain).then(|| (ident, f.ty.clone()))
        })
    }

    /// Prefixes `types::` to the names of types defined in the module.
    fn qualify(&self, mut ty: syn::Type) -> syn::Type {
        struct Qualify<'b>(&'b BTreeSet<String>);
        impl VisitMut for Qualify<'_> {
            fn visit_type_path_mut(&mut self, p: &mut syn::TypePath) {
                if p.qself.is_none() && p.path.leading_colon.is_none() && p.path.segments.len() == 1 {
                    let ident = p.path.segments[0].ident.to_string();
                    if self.0.contains(&ident) {
                        p.path.segments.insert(0, syn::PathSegment::from(format_ident!("types")));
                    }
                }
                syn::visit_mut::visit_type_path_mut(self, p);
            }
        }
        let names: BTreeSet<String> = self
            .items
            .iter()
            .filter_map(|i| match i {
                syn::Item::Struct(s) => Some(s.ident.to_string()),
                syn::Item::Enum(e) => Some(e.ident.to_string()),
                syn::Item::Type(t) => Some(t.ident.to_string()),
                _ => None,
            })
            .collect();
        Qualify(&names).visit_type_mut(&mut ty);
        ty
    }
}
