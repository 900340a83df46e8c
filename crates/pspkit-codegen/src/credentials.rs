//! A provider's credentials as one generated type, from the spec's `x-credentials`:
//!
//! - `Keys`: the keys a client is built from, secrets as `pspkit::SecretString` (redacted in
//!   `Debug`), public keys as text; `Keys::from_lookup` reads them from any source (a Python
//!   call's keywords, a CLI's flags) and names the missing one, `Keys::from_env` from the
//!   `PSPKIT_<PROVIDER>_<NAME>` variables;
//! - the client's `from_lookup` and `from_env`, which add the base URL (required when the API
//!   lives on the merchant's own host) and hand the keys to the provider crate's own
//!   `from_keys`, the one place that knows how they sign a request.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::model::Model;

/// `Keys` and the client's constructors from keys, appended to the generated module.
pub fn render(model: &Model) -> TokenStream {
    let provider = &model.provider;
    let name = &provider.name;
    let client = format_ident!("{}", provider.client_name);
    let credentials = &provider.credentials;
    let merchant_host = credentials.merchant_host;
    let env = |key: &str| crate::model::env_var(name, key);
    let base_env = env("base_url");

    let fields = credentials.keys.iter().map(|key| {
        let field = format_ident!("{}", key.name);
        let doc = format!("{} (`{}`)", key.description.trim(), env(&key.name));
        let text = if key.public { quote!(::std::string::String) } else { quote!(::pspkit::SecretString) };
        let ty = if key.optional { quote!(::core::option::Option<#text>) } else { text };
        quote! { #[doc = #doc] pub #field: #ty }
    });
    let reads = credentials.keys.iter().map(|key| {
        let (field, wire) = (format_ident!("{}", key.name), &key.name);
        let given = quote!(lookup(#wire).filter(|v| !v.trim().is_empty()));
        if key.optional {
            quote! { let #field = #given.map(::core::convert::Into::into); }
        } else {
            quote! {
                let #field = match #given {
                    ::core::option::Option::Some(v) => v.into(),
                    ::core::option::Option::None => return ::core::result::Result::Err(missing(#wire)),
                };
            }
        }
    });
    let field_names = credentials.keys.iter().map(|k| format_ident!("{}", k.name));
    let table = credentials.keys.iter().map(|key| {
        let (wire, required) = (&key.name, !key.optional);
        quote!((#wire, #required))
    });
    let listed: Vec<String> = credentials
        .keys
        .iter()
        .map(|k| format!("`{}`{}", env(&k.name), if k.optional { " (optional)" } else { "" }))
        .collect();
    let keys_doc = format!(
        "What a [`{client}`] client is built from, as the spec's `x-credentials` declares it.\n\n\
         [`Keys::from_env`] reads {}.",
        listed.join(", ")
    );
    let base_doc = if merchant_host {
        format!("`{base_env}` (required: the API lives on the merchant's own host)")
    } else {
        format!("`{base_env}` (optional; the spec's server otherwise)")
    };
    let from_env_doc = format!("A client from {} and {base_doc}.", listed.join(", "));
    let base_url = if merchant_host {
        let message = format!(
            "{name}: `base_url` is missing (the API lives on the merchant's own host): pass it or set {base_env}"
        );
        quote! {
            base_url.ok_or_else(|| ::pspkit::Error::Config(#message.into()))?
        }
    } else {
        quote!(base_url.unwrap_or(SPEC.default_base_url))
    };

    quote! {
        #[doc = #keys_doc]
        #[derive(Clone, Debug)]
        pub struct Keys {
            #(#fields,)*
        }

        impl Keys {
            /// Each key's name, in the order constructors take them, and whether it is required.
            pub const NAMES: &'static [(&'static str, bool)] = &[#(#table),*];

            /// Whether a client needs a base URL: the API lives on the merchant's own host.
            pub const MERCHANT_HOST: bool = #merchant_host;

            /// The keys from `lookup(name)` (blank counts as absent); a missing required key is
            /// a [`pspkit::Error::Config`] naming it and its environment variable.
            pub fn from_lookup(
                mut lookup: impl FnMut(&str) -> ::core::option::Option<::std::string::String>,
            ) -> ::core::result::Result<Self, ::pspkit::Error> {
                let missing = |key: &str| {
                    ::pspkit::Error::Config(::std::format!(
                        "{}: `{key}` is missing: pass it or set {}",
                        SPEC.name,
                        ::pspkit::auth::env_name(SPEC.name, key),
                    ))
                };
                #(#reads)*
                ::core::result::Result::Ok(Self { #(#field_names),* })
            }

            /// The keys from the `PSPKIT_<PROVIDER>_<NAME>` environment variables.
            pub fn from_env() -> ::core::result::Result<Self, ::pspkit::Error> {
                Self::from_lookup(|key| ::pspkit::auth::env_credential(SPEC.name, key))
            }
        }

        impl #client {
            /// A client from keys read through `lookup` (see [`Keys::from_lookup`]) for
            /// `base_url` (the spec's server when `None`, unless the API lives on the
            /// merchant's own host).
            pub fn from_lookup(
                base_url: ::core::option::Option<&str>,
                lookup: impl FnMut(&str) -> ::core::option::Option<::std::string::String>,
            ) -> ::core::result::Result<Self, ::pspkit::Error> {
                let keys = Keys::from_lookup(lookup)?;
                Self::from_keys(#base_url, keys)
            }

            #[doc = #from_env_doc]
            pub fn from_env() -> ::core::result::Result<Self, ::pspkit::Error> {
                let base_url = ::pspkit::auth::env_credential(SPEC.name, "base_url");
                Self::from_lookup(base_url.as_deref(), |key| ::pspkit::auth::env_credential(SPEC.name, key))
            }
        }
    }
}
