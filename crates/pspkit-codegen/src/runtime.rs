//! The code that ties a generated client to the shared runtime (`pspkit`):
//!
//! - `SPEC`, a `pspkit::ProviderSpec` built from the spec's extensions (retry classes,
//!   idempotency headers, pagination, envelope, error fields, default base URL);
//! - progenitor's `ClientHooks::exec` for the raw `Client`, sending through `pspkit::exec`;
//! - the typed client (`x-client-name`, e.g. `OnePay`): one method per operation returning its
//!   request builder (see [`crate::builders`]);
//! - the provider's `Keys` and the client's constructors from them (see [`crate::credentials`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::{PaginationStyle, Pointers, Retry};
use crate::model::Model;

/// Every item to append to the generated module, rendered from the model; `Err` names a list
/// operation whose `x-pagination` does not match the generated types.
pub fn items(model: &Model) -> Result<TokenStream, String> {
    let table = spec_table(model);
    let client = typed_client(model)?;
    let keys = crate::credentials::render(model);
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

        #keys
    })
}

fn opt_str(value: Option<&str>) -> TokenStream {
    match value {
        Some(s) => quote!(::core::option::Option::Some(#s)),
        None => quote!(::core::option::Option::None),
    }
}

fn pointers(p: &Option<Pointers>) -> Vec<&str> {
    p.as_ref().map(|p| p.as_slice().iter().map(String::as_str).collect()).unwrap_or_default()
}

fn spec_table(model: &Model) -> TokenStream {
    let provider = &model.provider;
    let (name, title, base_url) = (&provider.name, &provider.title, &provider.default_base_url);
    let envelope = match &provider.envelope {
        Some(e) => {
            let (s, d, er) = (&e.success, &e.data, &e.error);
            quote!(::core::option::Option::Some(::pspkit::Envelope { success: #s, data: #d, error: #er }))
        }
        None => quote!(::core::option::Option::None),
    };
    let e = &provider.error;
    let [code, message, fields, request_id] = [&e.code, &e.message, &e.fields, &e.request_id].map(pointers);
    let api_key_header = opt_str(provider.api_key_header.as_deref());
    let operations = model.operations.iter().map(|op| {
        let (id, verb, path) = (&op.name, &op.method, &op.path);
        let retry = match op.retry() {
            Retry::Safe => quote!(::pspkit::RetryClass::Safe),
            Retry::Idempotent => quote!(::pspkit::RetryClass::Idempotent),
            Retry::Unsafe => quote!(::pspkit::RetryClass::Unsafe),
        };
        let header = opt_str(op.idempotency_header());
        let pagination = match op.pagination() {
            Some(p) => {
                let style = match p.style {
                    PaginationStyle::PageNumber => quote!(PageNumber),
                    PaginationStyle::PageUntilShort => quote!(PageUntilShort),
                    PaginationStyle::Keyset => quote!(Keyset),
                    PaginationStyle::NextUrl => quote!(NextUrl),
                    PaginationStyle::Offset => quote!(Offset),
                };
                let first = p.first_page.unwrap_or(0);
                let max = match p.max_page_size {
                    Some(m) => quote!(::core::option::Option::Some(#m)),
                    None => quote!(::core::option::Option::None),
                };
                quote!(::core::option::Option::Some(::pspkit::Pagination {
                    style: ::pspkit::PaginationStyle::#style, first_page: #first, max_page_size: #max
                }))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::pspkit::OperationSpec {
                name: #id, method: #verb, path: #path, retry: #retry,
                idempotency_header: #header, pagination: #pagination,
            }
        }
    });
    let sensitive = model.sensitive_fields();
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
            sensitive_fields: &[#(#sensitive),*],
        };
    }
}

/// The typed client: one method per operation returning its request builder.
fn typed_client(model: &Model) -> Result<TokenStream, String> {
    let client = format_ident!("{}", model.provider.client_name);
    let title = &model.provider.title;
    let doc = format!(
        "The {title} client.\n\nEach method returns a request builder: set its optional parameters, \
         then `.send()` for the decoded payload or one [`pspkit::Error`]. Requests are signed and \
         retried as the spec says (`x-retry`), and an idempotency key is generated when the caller \
         gives none. [`Self::raw`] is the generated client underneath."
    );
    let (methods, builders) = crate::builders::render(model)?;
    let client_name = client.to_string();
    Ok(quote! {
        #[doc = #doc]
        #[derive(Clone)]
        pub struct #client {
            // shared: every request builder holds a clone of the client
            shared: ::std::sync::Arc<Shared>,
        }

        /// What every clone of a client shares.
        struct Shared {
            raw: Client,
            // parsed once, for the URL of every call
            base: ::pspkit::request::BaseUrl,
        }

        /// The base URL without user-info or query, and the context with its credentials
        /// redacted: nothing that may be a secret.
        impl ::core::fmt::Debug for #client {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#client_name)
                    .field("base_url", &self.shared.base)
                    .field("context", self.context())
                    .finish()
            }
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
                Self::sharing(base_url, http, context)
            }

            /// The same client (same connection pool) with another retry policy: attempts,
            /// per-attempt timeout and overall deadline, e.g. for one slow call.
            pub fn with_policy(&self, policy: ::pspkit::RetryPolicy) -> Self {
                let context = self.context().with_policy(policy);
                Self::sharing(self.base_url(), self.raw().client().clone(), context)
            }

            /// The same client (same connection pool and credentials) sending to another base URL,
            /// e.g. the sandbox.
            pub fn with_base_url(&self, base_url: &str) -> Self {
                Self::sharing(base_url, self.raw().client().clone(), self.context().clone())
            }

            fn sharing(base_url: &str, http: ::reqwest::Client, context: ::pspkit::Context) -> Self {
                let base = ::pspkit::request::BaseUrl::new(base_url);
                let raw = Client::new_with_client(&base.for_raw_client(), http, context);
                Self { shared: ::std::sync::Arc::new(Shared { raw, base }) }
            }

            /// The generated client underneath: progenitor's `ResponseValue` and `Error`, the same
            /// signing and retries. It sends to the base URL without its user-info, if it had
            /// any (its `Debug` prints the URL it holds).
            pub fn raw(&self) -> &Client {
                &self.shared.raw
            }

            /// The runtime context: spec facts, credentials (redacted in `Debug`), retry policy.
            pub fn context(&self) -> &::pspkit::Context {
                self.shared.raw.inner()
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                self.shared.base.as_str()
            }

            /// The base URL, parsed, for the request builders.
            pub(crate) fn base(&self) -> &::pspkit::request::BaseUrl {
                &self.shared.base
            }

            #methods
        }

        #builders
    })
}
