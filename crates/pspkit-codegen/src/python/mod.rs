//! The Python layer of one provider, generated from the same model as the provider crate, so
//! that a spec edit changes both on the next build:
//!
//! - `dispatch`: Rust for the native module, rendered from the model: one match arm per
//!   operation turning the keyword arguments (JSON) into the request builder's owned values,
//!   sending it, and returning the decoded payload itself; one arm per list operation returning
//!   its pages; and, for every type, how Python reads it (`models::ToPy`, and `models::Fields`
//!   for a struct read field by field).
//! - `module` and `stub`: `pspkit/<provider>.py` and `.pyi`: a model class per generated type,
//!   an enum class per open enum, a sync and an async client whose operations are grouped by the
//!   spec's tags (`client.cashouts.create(...)`), with the spec's docs as docstrings.
//! - and for all providers together, `pspkit/_providers.py`: their names, client classes and
//!   credential keywords (see `providers`).
//!
//! The Python types follow the generated Rust types, which carry the conventions (exact money,
//! timestamps, open enums), so the two languages cannot drift apart. Split by job: `api` reads the
//! Python-side view from the model, `dispatch` renders the native dispatch, `render` the module
//! and the stub, `providers` the list of providers.

use proc_macro2::TokenStream;

use crate::model::Model;
use crate::spec::Spec;

mod api;
pub(crate) mod dispatch;
mod providers;
mod render;

use api::Api;
use dispatch::dispatch;
use render::render;

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

/// Generates the Python layer of one provider from its model.
pub fn generate(spec: &Spec, model: &Model) -> Python {
    let provider = &model.provider.name;
    let client = &model.provider.client_name;
    let api = Api::read(model);
    let dispatch = dispatch(model);
    let keys = &model.provider.credentials;
    let module = render(spec, provider, client, keys, &api, false);
    let stub = render(spec, provider, client, keys, &api, true);
    Python { dispatch, module, stub }
}

/// The Python API of one provider for review (a snapshot test keeps it): every group's methods,
/// named by the rule of `method_names`, with their keyword arguments and return types.
pub fn api_summary(model: &Model) -> String {
    render::api_summary(&model.provider.client_name, &Api::read(model))
}

/// Each operation's group and method names in Python (`cashouts`, `list`), by operation name:
/// the names the CLI's commands take too, so both surfaces say the same thing.
pub(crate) fn method_names(model: &Model) -> std::collections::BTreeMap<String, (String, String)> {
    let api = Api::read(model);
    let mut groups: std::collections::BTreeMap<String, Vec<&api::Operation>> = std::collections::BTreeMap::new();
    for op in &api.operations {
        groups.entry(op.tag.clone()).or_default().push(op);
    }
    let mut names = std::collections::BTreeMap::new();
    for (tag, ops) in &groups {
        for (op, method) in ops.iter().zip(api::method_names(ops, tag)) {
            names.insert(op.rust.clone(), (api::group_name(tag), method));
        }
    }
    names
}

/// Generates the Python layer for the native module's `build.rs`: `dispatch.rs` into `OUT_DIR`,
/// and `<provider>.py` / `<provider>.pyi` into the Python package directory `package_dir`
/// (rewritten only when changed). Problems are reported as in [`crate::build`].
pub fn build(specs: &[&str], package_dir: &str) {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut dispatch = TokenStream::new();
    let mut clients = Vec::new();
    let mut providers = Vec::new();
    for spec_path in specs {
        println!("cargo:rerun-if-changed={spec_path}");
        let result = Spec::load(spec_path).and_then(|spec| {
            crate::generate::model(&spec).map(|model| {
                clients.push((model.provider.name.clone(), model.provider.client_name.clone()));
                providers.push(model.provider.clone());
                generate(&spec, &model)
            })
        });
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
    let path = std::path::Path::new(package_dir).join("_providers.py");
    let text = providers::render(&providers);
    if std::fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        crate::generate::write_or_exit(&path, &text);
    }
    dispatch.extend(any_client(&clients));
    let file: syn::File = match syn::parse2(dispatch) {
        Ok(f) => f,
        Err(e) => {
            println!("cargo::error=the generated Python dispatch does not parse: {e}");
            std::process::exit(1);
        }
    };
    crate::generate::write_or_exit(&std::path::Path::new(&out_dir).join("dispatch.rs"), &prettyplease::unparse(&file));
}

/// `AnyClient`: one variant per provider, each forwarding to the provider's dispatch, so the
/// native module's `Client` holds any of them.
fn any_client(clients: &[(String, String)]) -> TokenStream {
    let modules: Vec<syn::Ident> = clients.iter().map(|(p, _)| quote::format_ident!("{}", p)).collect();
    let names: Vec<&str> = clients.iter().map(|(p, _)| p.as_str()).collect();
    let types: Vec<TokenStream> = clients
        .iter()
        .map(|(p, c)| {
            let krate = quote::format_ident!("pspkit_{}", p);
            let client = quote::format_ident!("{}", c);
            quote::quote!(::#krate::#client)
        })
        .collect();
    quote::quote! {
        /// A client of any provider.
        #[derive(Clone)]
        #[allow(non_camel_case_types)]
        pub(crate) enum AnyClient { #(#modules(#types)),* }

        impl AnyClient {
            /// A client of `provider` from keys read through `lookup` (the spec's
            /// `x-credentials`), for `base_url` or the spec's server.
            pub(crate) fn connect(
                provider: &str,
                base_url: ::core::option::Option<&str>,
                lookup: impl FnMut(&str) -> ::core::option::Option<::std::string::String>,
            ) -> ::core::result::Result<Self, ::pspkit::Error> {
                match provider {
                    #(#names => ::core::result::Result::Ok(AnyClient::#modules(#types::from_lookup(base_url, lookup)?)),)*
                    other => ::core::result::Result::Err(::pspkit::Error::Config(::std::format!("unknown provider {other:?}"))),
                }
            }

            /// Calls `operation` with its keyword arguments and this call's settings.
            pub(crate) async fn call(&self, operation: &str, args: ::serde_json::Value, options: ::pspkit::CallOptions) -> ::core::result::Result<crate::Reply, ::pspkit::Error> {
                match self { #(AnyClient::#modules(c) => #modules::call(c, operation, args, options).await),* }
            }

            /// The pages of list operation `operation`.
            pub(crate) fn pages(&self, operation: &str, args: ::serde_json::Value, options: ::pspkit::paginate::PageOptions, call_options: ::pspkit::CallOptions) -> ::core::result::Result<crate::PageStream, ::pspkit::Error> {
                match self { #(AnyClient::#modules(c) => #modules::pages(c, operation, args, options, call_options)),* }
            }

            /// The keyword argument carrying `operation`'s idempotency key, if it has one.
            pub(crate) fn idempotency_arg(&self, operation: &str) -> ::core::option::Option<&'static str> {
                match self { #(AnyClient::#modules(_) => #modules::idempotency_arg(operation)),* }
            }

            /// The runtime context: spec facts, credentials, retry policy.
            pub(crate) fn context(&self) -> &::pspkit::Context {
                match self { #(AnyClient::#modules(c) => c.context()),* }
            }

            /// The same client (same connection pool and credentials) sending to another base URL.
            pub(crate) fn with_base_url(&self, base_url: &str) -> Self {
                match self { #(AnyClient::#modules(c) => AnyClient::#modules(c.with_base_url(base_url))),* }
            }

            /// The same client on a connection pool of its own (a forked child cannot use its
            /// parent's connections: their tasks ran on the parent's runtime).
            pub(crate) fn reconnected(&self) -> Self {
                match self { #(AnyClient::#modules(c) => AnyClient::#modules(#types::with_context(c.base_url(), c.context().clone()))),* }
            }

            /// The normalized payments of `range`, page by page (`x-normalize`).
            pub(crate) fn payment_pages(&self, range: ::pspkit::normalized::Range) -> ::pspkit::normalized::PaymentPages {
                match self { #(AnyClient::#modules(c) => ::pspkit::normalized::PaymentSource::payment_pages(c, range)),* }
            }

            /// The base URL requests go to.
            pub(crate) fn base_url(&self) -> &str {
                match self { #(AnyClient::#modules(c) => c.base_url()),* }
            }

            /// The same client with another retry policy.
            pub(crate) fn with_policy(&self, policy: ::pspkit::RetryPolicy) -> Self {
                match self { #(AnyClient::#modules(c) => AnyClient::#modules(c.with_policy(policy))),* }
            }
        }
    }
}
