//! The `pspkit` command line, rendered from the models of every spec (for `pspkit-cli`'s
//! `build.rs`): per provider, a table of its operations (command names as Python names them,
//! parameters as flags, the spec's descriptions, retry class, whether the call moves money) that
//! the CLI builds its commands from, and a dispatch that calls an operation by name with JSON
//! arguments and answers JSON; for all providers, `AnyClient` and the table of providers.

use std::collections::BTreeMap;

use heck::ToKebabCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::Retry;
use crate::model::{Kind, Model, Operation, Shape};
use crate::spec::Spec;

/// Generates `OUT_DIR/cli.rs` from `specs` (problems are reported as in [`crate::build`]).
pub fn build(specs: &[&str]) {
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    let mut models = Vec::new();
    for spec_path in specs {
        println!("cargo:rerun-if-changed={spec_path}");
        match Spec::load(spec_path).and_then(|spec| crate::generate::model(&spec)) {
            Ok(model) => models.push(model),
            Err(error) => crate::generate::fail_build(&error),
        }
    }
    let tokens = render(&models);
    let file: syn::File = match syn::parse2(tokens) {
        Ok(f) => f,
        Err(e) => {
            println!("cargo::error=the generated CLI does not parse: {e}");
            std::process::exit(1);
        }
    };
    crate::generate::write_or_exit(&std::path::Path::new(&out_dir).join("cli.rs"), &prettyplease::unparse(&file));
}

/// The CLI's generated part for these providers.
pub fn render(models: &[Model]) -> TokenStream {
    let mut modules = Vec::new();
    let mut variants = Vec::new();
    let mut providers = Vec::new();
    for model in models {
        modules.push(provider(model));
        let module = format_ident!("{}", model.provider.name);
        let krate = format_ident!("pspkit_{}", model.provider.name);
        let client = format_ident!("{}", model.provider.client_name);
        variants.push((module.clone(), quote!(::#krate::#client), model.provider.name.clone()));
        let (name, title) = (&model.provider.name, &model.provider.title);
        let keys = model.provider.credentials.keys.iter().map(|k| {
            let (key, description, optional) = (&k.name, &k.description, k.optional);
            quote!(crate::catalog::Key { name: #key, description: #description, optional: #optional })
        });
        providers.push(quote! {
            crate::catalog::Provider { name: #name, title: #title, keys: &[#(#keys),*], operations: #module::OPERATIONS }
        });
    }
    let modules_ids: Vec<&syn::Ident> = variants.iter().map(|(m, _, _)| m).collect();
    let types: Vec<&TokenStream> = variants.iter().map(|(_, t, _)| t).collect();
    let names: Vec<&str> = variants.iter().map(|(_, _, n)| n.as_str()).collect();
    quote! {
        #(#modules)*

        /// Every provider the CLI knows, in the order `pspkit --help` lists them.
        pub static PROVIDERS: &[crate::catalog::Provider] = &[#(#providers),*];

        /// A client of any provider.
        #[derive(Clone, Debug)]
        #[allow(non_camel_case_types)]
        pub enum AnyClient { #(#modules_ids(#types)),* }

        impl AnyClient {
            /// A client of `provider` from keys read through `lookup`, for `base_url` or the
            /// spec's server.
            pub fn connect(
                provider: &str,
                base_url: ::core::option::Option<&str>,
                lookup: impl FnMut(&str) -> ::core::option::Option<::std::string::String>,
            ) -> ::core::result::Result<Self, ::pspkit::Error> {
                match provider {
                    #(#names => ::core::result::Result::Ok(AnyClient::#modules_ids(#types::from_lookup(base_url, lookup)?)),)*
                    other => ::core::result::Result::Err(::pspkit::Error::Config(::std::format!("unknown provider {other:?}"))),
                }
            }

            /// Calls `operation` with its arguments (JSON) and this call's settings.
            pub async fn call(&self, operation: &str, args: crate::Arguments, options: ::pspkit::CallOptions) -> ::core::result::Result<crate::Output, ::pspkit::Error> {
                match self { #(AnyClient::#modules_ids(c) => #modules_ids::call(c, operation, args, options).await),* }
            }

            /// Every page of list operation `operation`, each as JSON lines.
            pub fn pages(&self, operation: &str, args: crate::Arguments, options: ::pspkit::paginate::PageOptions, call_options: ::pspkit::CallOptions) -> ::core::result::Result<crate::JsonPages, ::pspkit::Error> {
                match self { #(AnyClient::#modules_ids(c) => #modules_ids::pages(c, operation, args, options, call_options)),* }
            }

            /// The base URL requests go to.
            pub fn base_url(&self) -> &str {
                match self { #(AnyClient::#modules_ids(c) => c.base_url()),* }
            }

            /// The normalized payments of `range`, page by page.
            pub fn payment_pages(&self, range: ::pspkit::normalized::Range) -> ::pspkit::normalized::PaymentPages {
                match self { #(AnyClient::#modules_ids(c) => ::pspkit::normalized::PaymentSource::payment_pages(c, range)),* }
            }
        }
    }
}

/// Whether values of this kind hold money somewhere (a request body with an amount).
fn holds_money(model: &Model, kind: &Kind, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match kind {
        Kind::Money => true,
        Kind::List(k) | Kind::Optional(k) | Kind::Map(k) => holds_money(model, k, depth + 1),
        Kind::Named(name) => match model.types.get(name).map(|t| &t.shape) {
            Some(Shape::Struct(fields)) => fields.iter().any(|f| holds_money(model, &f.ty.kind, depth + 1)),
            Some(Shape::Newtype(inner)) => holds_money(model, &inner.kind, depth + 1),
            _ => false,
        },
        _ => false,
    }
}

/// How the CLI reads one flag's text into JSON.
fn value_kind(kind: &Kind) -> TokenStream {
    match kind {
        Kind::Optional(k) => value_kind(k),
        Kind::Money => quote!(crate::catalog::ValueKind::Money),
        Kind::Integer { .. } => quote!(crate::catalog::ValueKind::Integer),
        Kind::Bool => quote!(crate::catalog::ValueKind::Bool),
        Kind::Text | Kind::Sensitive | Kind::Id | Kind::OpenEnum(_) | Kind::Timestamp | Kind::Date => {
            quote!(crate::catalog::ValueKind::Text)
        }
        Kind::List(_) => quote!(crate::catalog::ValueKind::List),
        _ => quote!(crate::catalog::ValueKind::Json),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn operation_entry(model: &Model, op: &Operation, group: &str, method: &str) -> TokenStream {
    let (rust, summary) = (&op.name, one_line(&op.summary));
    let description = op.description.as_deref().map(str::trim).unwrap_or("").to_owned();
    let route = format!("{} {}", op.method, op.path);
    let retry = match op.retry() {
        Retry::Safe => "safe: retried on 408, 429, 5xx and dropped connections (it changes nothing)",
        Retry::Idempotent => "idempotent: retried with the same idempotency key, which the provider deduplicates by",
        Retry::Unsafe => "unsafe: never retried once it may have reached the provider (not deduplicated)",
    };
    let writes = op.retry() != Retry::Safe;
    let moves_money = writes && op.body.as_ref().is_some_and(|b| holds_money(model, &b.ty.kind, 0));
    let paging = crate::python::dispatch::paging_params(op);
    let params = op.params.iter().map(|p| {
        let flag = if p.idempotency { "idempotency-key".to_owned() } else { p.rust.to_kebab_case() };
        let key = &p.rust;
        let required = p.required;
        let kind = value_kind(&p.ty.kind);
        let help = one_line(p.description.as_deref().unwrap_or(""));
        let is_paging = paging.contains(&p.wire.as_str());
        let idempotency = p.idempotency;
        quote!(crate::catalog::Param { flag: #flag, key: #key, required: #required, kind: #kind, help: #help, paging: #is_paging, idempotency: #idempotency })
    });
    let body = match &op.body {
        Some(b) => {
            let d = one_line(b.description.as_deref().unwrap_or("the request body"));
            quote!(::core::option::Option::Some(#d))
        }
        None => quote!(::core::option::Option::None),
    };
    // a body whose every field is optional may be left out (`{}` is sent)
    let body_required = op.body.as_ref().is_some_and(|b| match &b.ty.kind {
        Kind::Named(name) => match model.types.get(name).map(|t| &t.shape) {
            Some(Shape::Struct(fields)) => fields.iter().any(|f| f.must_be_given()),
            _ => true,
        },
        _ => true,
    });
    let pages = op.pagination().is_some();
    let (group, command) = (group.to_kebab_case(), method.to_kebab_case());
    quote! {
        crate::catalog::Operation {
            group: #group, command: #command, rust: #rust, summary: #summary, description: #description,
            route: #route, retry: #retry, writes: #writes, moves_money: #moves_money, pages: #pages,
            params: &[#(#params),*], body: #body, body_required: #body_required,
        }
    }
}

fn provider(model: &Model) -> TokenStream {
    let module = format_ident!("{}", model.provider.name);
    let krate = format_ident!("pspkit_{}", model.provider.name);
    let client = format_ident!("{}", model.provider.client_name);
    let names: BTreeMap<String, (String, String)> = crate::python::method_names(model);
    let mut entries = Vec::new();
    let mut arms = Vec::new();
    let mut page_arms = Vec::new();
    for op in &model.operations {
        let (group, method) = names.get(&op.name).cloned().unwrap_or_else(|| ("operations".into(), op.name.clone()));
        entries.push(operation_entry(model, op, &group, &method));
        let name = &op.name;
        let call = crate::python::dispatch::take_arguments(op, &krate, false);
        let answer = if op.streams {
            quote!(crate::Output::bytes(call.options(options).send().await?).await)
        } else {
            quote!(crate::Output::json(&call.options(options).send().await?))
        };
        arms.push(quote!(#name => { #call #answer }));
        if op.pagination().is_some() {
            let call = crate::python::dispatch::take_arguments(op, &krate, true);
            page_arms.push(quote!(#name => { #call ::core::result::Result::Ok(crate::JsonPages::new(call.options(call_options).pages(options))) }));
        }
    }
    quote! {
        /// Generated from the spec (never edited by hand).
        #[allow(unused_mut, clippy::all)]
        pub mod #module {
            /// Every operation, in the spec's order.
            pub static OPERATIONS: &[crate::catalog::Operation] = &[#(#entries),*];

            /// Calls `operation` with its arguments and answers its payload as JSON.
            pub async fn call(
                client: &::#krate::#client,
                operation: &str,
                args: crate::Arguments,
                options: ::pspkit::CallOptions,
            ) -> ::core::result::Result<crate::Output, ::pspkit::Error> {
                match operation {
                    #(#arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }

            /// Every page of list operation `operation`.
            pub fn pages(
                client: &::#krate::#client,
                operation: &str,
                args: crate::Arguments,
                options: ::pspkit::paginate::PageOptions,
                call_options: ::pspkit::CallOptions,
            ) -> ::core::result::Result<crate::JsonPages, ::pspkit::Error> {
                match operation {
                    #(#page_arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }
        }
    }
}
