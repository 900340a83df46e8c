//! Running progenitor on a prepared spec and shaping its output.

use std::panic::{self, AssertUnwindSafe};

use heck::ToUpperCamelCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::conventions::{self, OpenEnum};
use crate::lint;
use crate::model::Model;
use crate::problem::Error;
use crate::spec::Spec;

/// Where a provider crate includes the generated code: `mod generated { include!(...) }` at its
/// root. Replaced types are named by absolute path, so the location is fixed.
pub const GENERATED_MODULE: &str = "crate::generated";

/// The generated client of one spec.
#[derive(Clone, Debug)]
pub struct Generated {
    /// The generated module, formatted.
    pub source: String,
    /// The same, parsed.
    pub file: syn::File,
    /// Operations the spec marks `x-codegen-skip`, with the reason.
    pub skipped: Vec<(String, String)>,
    /// The model every surface renders from.
    pub model: Model,
}

/// Lints the spec, applies the conventions and builds the model alone, without parsing and
/// printing the client's code: what a build that renders from several specs needs (the Python
/// layer, the CLI, the test tables).
pub fn model(spec: &Spec) -> Result<Model, Error> {
    let (prepared, _, generator) = progenitor_output(spec)?;
    Model::build(spec, &prepared, generator.get_type_space())
}

/// Lints the spec, applies the conventions and generates the client module.
pub fn generate(spec: &Spec) -> Result<Generated, Error> {
    let (prepared, tokens, generator) = progenitor_output(spec)?;
    let model = Model::build(spec, &prepared, generator.get_type_space())?;
    let mut file: syn::File = syn::parse2(tokens)
        .map_err(|e| Error::one(&spec.file, None, "progenitor", format!("generated code does not parse: {e}")))?;
    derive_json_schema(&mut file);
    let mut extra_types: Vec<TokenStream> = prepared.enums.iter().map(open_enum_tokens).collect();
    extra_types.extend(crate::request_builders::render(&model));
    inject_into_types(&mut file, extra_types)
        .map_err(|e| Error::one(&spec.file, None, "runtime", format!("generated types do not parse: {e}")))?;
    install_crypto_provider_in_new(&mut file);
    let glue = crate::runtime::items(&model).map_err(|e| {
        let operation = e.split(':').next().map(str::to_owned);
        Error::one(&spec.file, operation, "x-pagination", e)
    })?;
    let normalized = crate::normalize::render(&model).map_err(|e| {
        let operation = e.split(':').next().map(str::to_owned);
        Error::one(&spec.file, operation, "x-normalize", e)
    })?;
    let glue = quote!(#glue #normalized);
    let runtime: syn::File = syn::parse2(glue)
        .map_err(|e| Error::one(&spec.file, None, "runtime", format!("runtime glue does not parse: {e}")))?;
    file.items.extend(runtime.items);
    let source = prettyplease::unparse(&file);
    Ok(Generated { source, file, skipped: conventions::skipped_operations(spec), model })
}

/// The spec linted and prepared, and progenitor's client for it (its tokens, and the generator
/// holding the type space).
fn progenitor_output(spec: &Spec) -> Result<(conventions::Prepared, TokenStream, progenitor::Generator), Error> {
    lint::lint(spec)?;
    let prepared = conventions::apply(spec);
    let openapi: openapiv3::OpenAPI = serde_json::from_value(prepared.doc.clone())
        .map_err(|e| Error::one(&spec.file, None, "openapi-3.0", format!("not an OpenAPI 3.0 document: {e}")))?;

    let mut settings = progenitor::GenerationSettings::default();
    settings
        .with_interface(progenitor::InterfaceStyle::Positional)
        .with_tag(progenitor::TagStyle::Merged)
        .with_crate("pspkit", progenitor::CrateVers::Any, None)
        // the raw client carries the runtime context and must send through pspkit::exec
        .with_inner_type(quote!(::pspkit::Context))
        .with_hooks(progenitor::HooksMode::Expected);
    for e in &prepared.enums {
        settings.with_replacement(
            &e.name,
            format!("{GENERATED_MODULE}::types::{}", e.name),
            [progenitor::TypeImpl::Display, progenitor::TypeImpl::FromStr].into_iter(),
        );
    }

    let (tokens, generator) = run_progenitor(spec, &settings, &openapi)?;
    Ok((prepared, tokens, generator))
}

/// Calls progenitor, turning its errors and panics into a [`Error`] that names the spec file
/// (and the operation, when progenitor's message names one).
fn run_progenitor(
    spec: &Spec,
    settings: &progenitor::GenerationSettings,
    openapi: &openapiv3::OpenAPI,
) -> Result<(TokenStream, progenitor::Generator), Error> {
    let silent = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let result = panic::catch_unwind(AssertUnwindSafe(|| {
        let mut generator = progenitor::Generator::new(settings);
        generator.generate_tokens(openapi).map(|tokens| (tokens, generator))
    }));
    panic::set_hook(silent);
    let message = match result {
        Ok(Ok(done)) => return Ok(done),
        Ok(Err(e)) => e.to_string(),
        Err(payload) => payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
            .unwrap_or_else(|| "progenitor panicked".into()),
    };
    let operation = spec
        .operations()
        .iter()
        .filter_map(|op| op.id())
        .find(|id| message.contains(id) || message.contains(&heck::ToSnakeCase::to_snake_case(*id)))
        .map(str::to_owned);
    Err(Error::one(&spec.file, operation, "progenitor", format!("progenitor cannot generate this spec: {message}")))
}

/// Rust identifier of an enum value: `pending` -> `Pending`, `exchange_AUTO` -> `ExchangeAuto`.
fn variant_ident(value: &str, taken: &mut Vec<String>) -> syn::Ident {
    let mut name = value.to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name = format!("V{name}");
    }
    if name == "Unknown" {
        name = "UnknownValue".into();
    }
    let base = name.clone();
    let mut n = 2;
    while taken.contains(&name) {
        name = format!("{base}{n}");
        n += 1;
    }
    taken.push(name.clone());
    format_ident!("{}", name)
}

fn open_enum_tokens(e: &OpenEnum) -> TokenStream {
    let name = format_ident!("{}", e.name);
    let doc = e.doc();
    let mut taken = Vec::new();
    let variants = e.values.iter().map(|v| {
        let ident = variant_ident(v, &mut taken);
        let vdoc = format!("`{v}`");
        quote! { #[doc = #vdoc] #ident = #v }
    });
    let schema_doc = format!("One of {}, or another value the provider added later.", e.values.join(", "));
    let type_name = &e.name;
    quote! {
        ::pspkit::open_enum! {
            #[doc = #doc]
            pub enum #name { #(#variants),* }
        }

        // an open enum takes any string: the known values are documented, not enforced
        #[cfg(feature = "schemars")]
        impl ::schemars::JsonSchema for #name {
            fn schema_name() -> ::std::string::String {
                #type_name.into()
            }

            fn json_schema(_: &mut ::schemars::r#gen::SchemaGenerator) -> ::schemars::schema::Schema {
                ::schemars::schema::SchemaObject {
                    instance_type: ::core::option::Option::Some(::schemars::schema::InstanceType::String.into()),
                    metadata: ::core::option::Option::Some(::std::boxed::Box::new(::schemars::schema::Metadata {
                        description: ::core::option::Option::Some(#schema_doc.into()),
                        ..::core::default::Default::default()
                    })),
                    ..::core::default::Default::default()
                }
                .into()
            }
        }
    }
}

/// Every generated type derives `schemars::JsonSchema` when the provider crate is built with
/// its `schemars` feature (off by default: it adds to the build time of every user).
fn derive_json_schema(file: &mut syn::File) {
    let attr: syn::Attribute = syn::parse_quote!(#[cfg_attr(feature = "schemars", derive(::schemars::JsonSchema))]);
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            for item in items {
                match item {
                    syn::Item::Struct(s) => s.attrs.push(attr.clone()),
                    syn::Item::Enum(e) => e.attrs.push(attr.clone()),
                    _ => {}
                }
            }
        }
    }
}

/// Appends items (the open enums, the request builders) to the generated `types` module, where
/// the replacement paths point.
fn inject_into_types(file: &mut syn::File, extra: Vec<TokenStream>) -> syn::Result<()> {
    for item in &mut file.items {
        if let syn::Item::Mod(module) = item
            && module.ident == "types"
            && let Some((_, items)) = &mut module.content
        {
            for tokens in &extra {
                let parsed: syn::File = syn::parse2(tokens.clone())?;
                items.extend(parsed.items);
            }
        }
    }
    Ok(())
}

/// The workspace builds reqwest on rustls without a built-in crypto provider (to keep aws-lc
/// out of a 2-core build); progenitor's `Client::new` builds a reqwest client, which would then
/// panic. Its first statement becomes `::pspkit::install_crypto_provider()` (ring).
fn install_crypto_provider_in_new(file: &mut syn::File) {
    for item in &mut file.items {
        let syn::Item::Impl(imp) = item else { continue };
        if imp.trait_.is_some() {
            continue;
        }
        for it in &mut imp.items {
            if let syn::ImplItem::Fn(f) = it
                && f.sig.ident == "new"
            {
                f.block.stmts.insert(0, syn::parse_quote!(::pspkit::install_crypto_provider();));
            }
        }
    }
}

/// Generates a spec's client for a provider crate's `build.rs`: writes `generated.rs` into
/// `OUT_DIR` and asks cargo to rerun when the spec changes. On any problem it prints every
/// problem (file, operation, rule) and exits with status 1: a clear build error, no backtrace.
pub fn build(spec_path: &str) {
    println!("cargo:rerun-if-changed={spec_path}");
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR for build scripts");
    match Spec::load(spec_path).and_then(|spec| generate(&spec)) {
        Ok(generated) => write_or_exit(&std::path::Path::new(&out_dir).join("generated.rs"), &generated.source),
        Err(error) => fail_build(&error),
    }
}

/// Ends a build script on a spec problem: every problem as a `cargo::error` line (file,
/// operation, rule), exit status 1, no backtrace.
pub(crate) fn fail_build(error: &Error) -> ! {
    eprintln!("error: {error}");
    for p in &error.problems {
        println!("cargo::error={p}");
    }
    std::process::exit(1);
}

/// Writes a generated file, ending the build script if it cannot.
pub(crate) fn write_or_exit(path: &std::path::Path, text: &str) {
    if let Err(e) = std::fs::write(path, text) {
        eprintln!("error: cannot write {}: {e}", path.display());
        std::process::exit(1);
    }
}
