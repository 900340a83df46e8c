//! A builder for every struct a request sends (the request bodies and the structs inside them),
//! rendered from the model: `types::CreateCashoutRequest::builder().amount(..).build()?`, which
//! names the first required field left unset instead of a provider's 400.

use std::collections::BTreeSet;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::builders::ty;
use crate::model::{Kind, Model, Shape};

/// Struct types reachable from a request body.
fn request_structs(model: &Model) -> BTreeSet<String> {
    fn named(kind: &Kind, out: &mut Vec<String>) {
        match kind {
            Kind::Named(n) => out.push(n.clone()),
            Kind::List(k) | Kind::Optional(k) => named(k, out),
            _ => {}
        }
    }
    let mut todo: Vec<String> = Vec::new();
    for op in &model.operations {
        if let Some(body) = &op.body {
            named(&body.ty.kind, &mut todo);
        }
    }
    let mut seen = BTreeSet::new();
    while let Some(name) = todo.pop() {
        let Some(def) = model.types.get(&name) else { continue };
        let Shape::Struct(fields) = &def.shape else { continue };
        if seen.insert(name) {
            for f in fields {
                named(&f.ty.kind, &mut todo);
            }
        }
    }
    seen
}

/// A type as named inside the `types` module (`Vec<types::X>` -> `Vec<X>`).
fn local(tokens: &str) -> String {
    let s = tokens.replace("<types::", "<").replace(" types::", " ");
    s.strip_prefix("types::").map(str::to_owned).unwrap_or(s)
}

/// The builders, as items of the generated `types` module.
pub fn render(model: &Model) -> Vec<TokenStream> {
    let mut out = Vec::new();
    for name in request_structs(model) {
        let Shape::Struct(fields) = &model.types[&name].shape else { continue };
        let ident = format_ident!("{}", name);
        let builder = format_ident!("{}Builder", name);
        let mut slots = Vec::new();
        let mut setters = Vec::new();
        let mut builds = Vec::new();
        for f in fields {
            let field = format_ident!("{}", f.rust);
            let (inner, optional) = match f.ty.tokens.strip_prefix("::std::option::Option<") {
                Some(inner) => (inner.strip_suffix('>').unwrap_or(inner).to_owned(), true),
                None => (f.ty.tokens.clone(), false),
            };
            // inside the `types` module its own types are named without the module
            let inner = ty(&local(&inner));
            slots.push(quote!(#field: ::core::option::Option<#inner>));
            let mut doc = format!("`{}`", f.wire);
            if let Some(d) = &f.description {
                doc.push_str(": ");
                doc.push_str(d);
            }
            if f.required {
                doc.push_str(" (required)");
            }
            setters.push(quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: impl ::core::convert::Into<#inner>) -> Self {
                    self.#field = ::core::option::Option::Some(value.into());
                    self
                }
            });
            let wire = &f.wire;
            builds.push(if optional {
                quote!(#field: self.#field)
            } else if f.required {
                quote!(#field: ::pspkit::validate::required(#name, #wire, self.#field)?)
            } else if let Some(default) = &f.default {
                // the spec's default, as typify's serde default would read it
                let text = default.to_string();
                quote!(#field: match self.#field {
                    ::core::option::Option::Some(value) => value,
                    ::core::option::Option::None => ::serde_json::from_str(#text).map_err(|e| {
                        ::pspkit::Error::Config(::std::format!("the spec's default of `{}` does not decode: {e}", #wire))
                    })?,
                })
            } else {
                quote!(#field: self.#field.unwrap_or_default())
            });
        }
        let doc = format!("Builds a [`{name}`], checking that every required field is set.");
        let fn_doc = format!("A builder of `{name}` that checks its required fields.");
        out.push(quote! {
            impl #ident {
                #[doc = #fn_doc]
                pub fn builder() -> #builder {
                    ::core::default::Default::default()
                }
            }

            #[doc = #doc]
            #[derive(Clone, Debug, Default)]
            #[must_use = "a builder does nothing until `.build()`"]
            pub struct #builder {
                #(#slots,)*
            }

            impl #builder {
                #(#setters)*

                /// The value, or an error naming the first required field left unset.
                pub fn build(self) -> ::core::result::Result<#ident, ::pspkit::Error> {
                    ::core::result::Result::Ok(#ident { #(#builds,)* })
                }
            }
        });
    }
    out
}
