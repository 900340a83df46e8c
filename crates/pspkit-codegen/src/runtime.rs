//! The code that ties a generated client to the shared runtime (`pspkit`):
//!
//! - `SPEC`, a `pspkit::ProviderSpec` built from the spec's extensions (retry classes,
//!   idempotency headers, pagination, envelope, error fields, default base URL);
//! - progenitor's `ClientHooks::exec` for the raw `Client`, sending through `pspkit::exec`;
//! - the typed client (`x-client-name`, e.g. `OnePay`): one method per operation returning
//!   `Result<T, pspkit::Error>`, each a call of the raw method inside `pspkit::call`.

use heck::ToSnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::spec::Spec;

/// Every item to append to the generated module; `Err` names a list operation whose
/// `x-pagination` does not match the generated types.
pub fn items(spec: &Spec, prepared: &Value, file: &syn::File) -> Result<TokenStream, String> {
    let table = spec_table(spec, prepared);
    let client = typed_client(spec, prepared, file)?;
    Ok(quote! {
        #table

        impl ClientHooks<::pspkit::Context> for Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                ::pspkit::exec(self.inner(), self.client(), request, info).await
            }
        }

        #client
    })
}

/// The provider's short name: the spec's file stem (`specs/onepay.yaml` -> `onepay`).
pub fn provider_name(spec: &Spec) -> String {
    spec.path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

/// The typed client's name (`x-client-name`).
pub fn client_name(spec: &Spec) -> String {
    spec.doc.get("x-client-name").and_then(Value::as_str).unwrap_or("Api").to_owned()
}

fn pointers(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(items)) => items.iter().filter_map(Value::as_str).map(str::to_owned).collect(),
        _ => Vec::new(),
    }
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
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

fn spec_table(spec: &Spec, prepared: &Value) -> TokenStream {
    let name = provider_name(spec);
    let title = spec.title();
    let base_url = default_base_url(&spec.doc);
    let envelope = match spec.doc.get("x-envelope") {
        Some(e) => {
            let field = |k: &str| e.get(k).and_then(Value::as_str).unwrap_or("").to_owned();
            let (s, d, er) = (field("success"), field("data"), field("error"));
            quote!(::core::option::Option::Some(::pspkit::Envelope { success: #s, data: #d, error: #er }))
        }
        None => quote!(::core::option::Option::None),
    };
    let error = spec.doc.get("x-error");
    let [code, message, fields, request_id] =
        ["code", "message", "fields", "request-id"].map(|k| pointers(error.and_then(|e| e.get(k))));
    let api_key_header = spec
        .doc
        .pointer("/components/securitySchemes")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(_, s)| {
            s.get("type").and_then(Value::as_str) == Some("apiKey")
                && s.get("in").and_then(Value::as_str) == Some("header")
        })
        .and_then(|(_, s)| s.get("name").and_then(Value::as_str));
    let api_key_header = opt_str(api_key_header);

    let mut operations = Vec::new();
    for (path, item) in prepared.get("paths").and_then(Value::as_object).into_iter().flatten() {
        for method in crate::spec::METHODS {
            let Some(op) = item.get(method) else { continue };
            let id = op.get("operationId").and_then(Value::as_str).unwrap_or("").to_snake_case();
            let retry = match op.get("x-retry").and_then(Value::as_str) {
                Some("safe") => quote!(::pspkit::RetryClass::Safe),
                Some("idempotent") => quote!(::pspkit::RetryClass::Idempotent),
                _ => quote!(::pspkit::RetryClass::Unsafe),
            };
            let header = opt_str(op.pointer("/x-idempotency/header").and_then(Value::as_str));
            let pagination = match op.get("x-pagination") {
                Some(p) => {
                    let style = match p.get("style").and_then(Value::as_str) {
                        Some("page-number") => quote!(PageNumber),
                        Some("page-until-short") => quote!(PageUntilShort),
                        Some("keyset") => quote!(Keyset),
                        Some("next-url") => quote!(NextUrl),
                        _ => quote!(Offset),
                    };
                    let first = p.get("first-page").and_then(Value::as_u64).unwrap_or(0);
                    let max = match p.get("max-page-size").and_then(Value::as_u64) {
                        Some(m) => quote!(::core::option::Option::Some(#m)),
                        None => quote!(::core::option::Option::None),
                    };
                    quote!(::core::option::Option::Some(::pspkit::Pagination {
                        style: ::pspkit::PaginationStyle::#style, first_page: #first, max_page_size: #max
                    }))
                }
                None => quote!(::core::option::Option::None),
            };
            let verb = method.to_uppercase();
            operations.push(quote! {
                ::pspkit::OperationSpec {
                    name: #id, method: #verb, path: #path, retry: #retry,
                    idempotency_header: #header, pagination: #pagination,
                }
            });
        }
    }
    quote! {
        /// What the spec says about this provider and each operation, for the runtime.
        pub static SPEC: ::pspkit::ProviderSpec = ::pspkit::ProviderSpec {
            name: #name,
            title: #title,
            default_base_url: #base_url,
            envelope: #envelope,
            error_fields: ::pspkit::ErrorFields {
                code: &[#(#code),*],
                message: &[#(#message),*],
                fields: &[#(#fields),*],
                request_id: &[#(#request_id),*],
            },
            api_key_header: #api_key_header,
            operations: &[#(#operations),*],
        };
    }
}

/// The typed client: the raw client's methods with `pspkit::Error` and the payload type.
fn typed_client(spec: &Spec, prepared: &Value, file: &syn::File) -> Result<TokenStream, String> {
    let operations: std::collections::BTreeMap<String, &Value> = prepared
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| crate::spec::METHODS.iter().filter_map(move |m| item.get(*m)))
        .filter_map(|op| Some((op.get("operationId")?.as_str()?.to_snake_case(), op)))
        .collect();
    let client = format_ident!("{}", client_name(spec));
    let title = spec.title();
    let doc = format!(
        "The {title} client.\n\nEvery method returns the decoded payload or one [`pspkit::Error`]; \
         requests are signed and retried as the spec says (`x-retry`), and an idempotency key is \
         generated when the caller gives none. [`Self::raw`] is the generated client underneath."
    );
    let mut methods = Vec::new();
    for item in &file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() || !matches!(&*imp.self_ty, syn::Type::Path(p) if p.path.is_ident("Client")) {
            continue;
        }
        for it in &imp.items {
            let syn::ImplItem::Fn(f) = it else { continue };
            if f.sig.asyncness.is_none() || !matches!(f.vis, syn::Visibility::Public(_)) {
                continue;
            }
            let Some((payload, _)) = crate::syntax::response_types(&f.sig.output) else { continue };
            let docs: Vec<&syn::Attribute> = f.attrs.iter().filter(|a| a.path().is_ident("doc")).collect();
            let name = &f.sig.ident;
            let name_str = name.to_string();
            let generics = &f.sig.generics;
            let inputs = &f.sig.inputs;
            let args: Vec<&syn::Pat> = f
                .sig
                .inputs
                .iter()
                .filter_map(|a| match a {
                    syn::FnArg::Typed(t) => Some(&*t.pat),
                    syn::FnArg::Receiver(_) => None,
                })
                .collect();
            // A file download has no JSON to locate a decode error in.
            let runner =
                if quote!(#payload).to_string().contains("ByteStream") { quote!(call_stream) } else { quote!(call) };
            // `x-require-one-of`: either-or body fields, checked before anything is sent
            let groups: Vec<Vec<String>> = operations
                .get(&name_str)
                .and_then(|op| op.get("x-require-one-of"))
                .and_then(|g| serde_json::from_value(g.clone()).ok())
                .unwrap_or_default();
            let checks = groups
                .iter()
                .map(|group| quote!(::pspkit::validate::require_one_of(#name_str, body, &[#(#group),*])?;));
            methods.push(quote! {
                #(#docs)*
                pub async fn #name #generics (#inputs) -> ::core::result::Result<#payload, ::pspkit::Error> {
                    #(#checks)*
                    ::pspkit::#runner(self.raw.inner(), #name_str, self.raw.#name(#(#args),*)).await
                }
            });
            if let Some(op) = operations.get(&name_str).filter(|op| op.get("x-pagination").is_some()) {
                let paging = crate::paging::methods(op, f, &payload, file).ok_or_else(|| {
                    format!("{name_str}: `x-pagination` names a parameter or field the generated types do not have")
                })?;
                methods.push(paging);
            }
        }
    }
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone, Debug)]
        pub struct #client {
            raw: Client,
        }

        impl #client {
            /// A client for `base_url` with these credentials.
            pub fn with_credentials(
                base_url: &str,
                credentials: ::pspkit::Credentials,
            ) -> ::core::result::Result<Self, ::pspkit::Error> {
                ::core::result::Result::Ok(Self::with_context(base_url, ::pspkit::Context::new(&SPEC, credentials)?))
            }

            /// A client for `base_url` with a prepared context.
            pub fn with_context(base_url: &str, context: ::pspkit::Context) -> Self {
                let http = context.http_client();
                Self { raw: Client::new_with_client(base_url.trim_end_matches('/'), http, context) }
            }

            /// The same client (same connection pool) with another retry policy: attempts,
            /// per-attempt timeout and overall deadline, e.g. for one slow call.
            pub fn with_policy(&self, policy: ::pspkit::RetryPolicy) -> Self {
                let context = self.raw.inner().with_policy(policy);
                Self { raw: Client::new_with_client(self.raw.baseurl(), self.raw.client().clone(), context) }
            }

            /// The same client (same connection pool and credentials) sending to another base URL,
            /// e.g. the sandbox.
            pub fn with_base_url(&self, base_url: &str) -> Self {
                Self { raw: Client::new_with_client(base_url.trim_end_matches('/'), self.raw.client().clone(), self.raw.inner().clone()) }
            }

            /// The generated client underneath: progenitor's `ResponseValue` and `Error`, the same
            /// signing and retries.
            pub fn raw(&self) -> &Client {
                &self.raw
            }

            /// The runtime context: spec facts, credentials (redacted in `Debug`), retry policy.
            pub fn context(&self) -> &::pspkit::Context {
                self.raw.inner()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.raw.baseurl()
            }

            #(#methods)*
        }
    })
}
