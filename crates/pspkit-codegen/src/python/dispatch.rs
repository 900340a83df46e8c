//! The native module's dispatch of one provider, rendered from the model.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// The owned Rust type of a parameter or body, named from outside the provider crate.
pub(super) fn outside(tokens: &str, krate: &syn::Ident) -> TokenStream {
    let qualified = tokens.replace("<types::", &format!("<::{krate}::types::"));
    let qualified = match qualified.strip_prefix("types::") {
        Some(rest) => format!("::{krate}::types::{rest}"),
        None => qualified,
    };
    qualified.parse().unwrap_or_else(|_| quote!(::serde_json::Value))
}

/// The native dispatch of one provider, rendered from the model: each arm takes the keyword
/// arguments (JSON) into the owned values the request builder takes, builds the call with the
/// required ones, sets the optional ones that were given, and sends it.
pub(super) fn dispatch(model: &crate::model::Model) -> TokenStream {
    let module = format_ident!("{}", model.provider.name);
    let krate = format_ident!("pspkit_{}", model.provider.name);
    let client = format_ident!("{}", model.provider.client_name);
    let mut arms = Vec::new();
    let mut page_arms = Vec::new();
    let mut key_arms = Vec::new();
    for op in &model.operations {
        let name = &op.name;
        let build = |walk: bool| take_arguments(op, &krate, walk);
        if let Some(key) = op.params.iter().find(|p| p.idempotency) {
            let arg = &key.rust;
            key_arms.push(quote!(#name => ::core::option::Option::Some(#arg),));
        }
        let call = build(false);
        let reply = if op.streams {
            quote!(crate::Reply::bytes(#name, call.options(options).send_with_response().await?).await)
        } else {
            quote!(::core::result::Result::Ok(crate::Reply::native(call.options(options).send_with_response().await?)))
        };
        arms.push(quote! {
            #name => {
                #call
                #reply
            }
        });
        if op.pagination().is_some() {
            let call = build(true);
            page_arms.push(quote! {
                #name => {
                    #call
                    ::core::result::Result::Ok(crate::PageStream::new(call.options(call_options).pages(options)))
                }
            });
        }
    }
    let native = native_types(model, &krate);
    quote! {
        /// Generated dispatch for one provider (never edited by hand).
        #[allow(unused_mut, clippy::all)]
        pub mod #module {
            #native

            /// Calls `operation` with its keyword arguments (JSON) and the caller's settings for
            /// this call, returning the payload and the answer's metadata.
            pub async fn call(
                client: &::#krate::#client,
                operation: &str,
                args: ::serde_json::Value,
                options: ::pspkit::CallOptions,
            ) -> ::core::result::Result<crate::Reply, ::pspkit::Error> {
                match operation {
                    #(#arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }

            /// The pages of list operation `operation`, each page's call with `call_options`.
            pub fn pages(
                client: &::#krate::#client,
                operation: &str,
                args: ::serde_json::Value,
                options: ::pspkit::paginate::PageOptions,
                call_options: ::pspkit::CallOptions,
            ) -> ::core::result::Result<crate::PageStream, ::pspkit::Error> {
                match operation {
                    #(#page_arms)*
                    other => ::core::result::Result::Err(crate::unknown_operation(other)),
                }
            }

            /// The keyword argument carrying `operation`'s idempotency key, if it has one.
            pub fn idempotency_arg(operation: &str) -> ::core::option::Option<&'static str> {
                match operation {
                    #(#key_arms)*
                    _ => ::core::option::Option::None,
                }
            }
        }
    }
}

/// The query parameters a walk sets itself (position and size), which a caller of `pages`
/// does not give.
pub(crate) fn paging_params(op: &crate::model::Operation) -> Vec<&str> {
    match op.pagination() {
        Some(p) if p.place == crate::extensions::ParamPlace::Query => {
            let (position, size) = p.position_and_size();
            position.into_iter().chain(size).collect()
        }
        _ => Vec::new(),
    }
}

/// The body fields a walk sets itself on every page (position and size), with a placeholder
/// each for a body given without them: the body's type requires them to be read at all.
fn paging_placeholders(op: &crate::model::Operation) -> TokenStream {
    match op.pagination() {
        Some(p) if p.place == crate::extensions::ParamPlace::Body => {
            let (position, size) = p.position_and_size();
            let pairs = position.map(|p| quote!((#p, 0u64),)).into_iter().chain(size.map(|s| quote!((#s, 1u64),)));
            quote!(.with_paging_placeholders(&[#(#pairs)*]))
        }
        _ => quote!(),
    }
}

/// The start of one dispatch arm, shared by every surface that calls operations by name with
/// JSON arguments (the Python module, the CLI): takes each argument into the owned value the
/// request builder wants (`crate::Args`, a wrong one naming the field), refuses unknown ones,
/// builds the call with the required ones and sets the optional ones that were given. For a
/// `walk` (the call of each page), the paging parameters the walk sets itself are left out, and
/// paging fields of the body get placeholders. Leaves `call` in scope.
pub(crate) fn take_arguments(op: &crate::model::Operation, krate: &syn::Ident, walk: bool) -> TokenStream {
    use crate::model::Kind;
    let name = &op.name;
    let skip = if walk { paging_params(op) } else { Vec::new() };
    let placeholders = if walk { paging_placeholders(op) } else { quote!() };
    let method = format_ident!("{}", name);
    let mut takes = Vec::new();
    let mut required = Vec::new();
    let mut sets = Vec::new();
    for p in op.params.iter().filter(|p| !skip.contains(&p.wire.as_str())) {
        let ident = format_ident!("{}", p.rust);
        let key = &p.rust;
        let owned = outside(&p.ty.tokens, krate);
        let value =
            if matches!(p.ty.kind, Kind::Integer { positive: true }) { quote!(#ident.get()) } else { quote!(#ident) };
        if p.required {
            takes.push(quote!(let #ident: #owned = args.take(#key)?;));
            required.push(value);
        } else {
            takes.push(quote!(let #ident: ::core::option::Option<#owned> = args.take(#key)?;));
            let setter = if p.idempotency { format_ident!("idempotency_key") } else { ident.clone() };
            sets.push(quote! {
                if let ::core::option::Option::Some(#ident) = #ident {
                    call = call.#setter(#value);
                }
            });
        }
    }
    if let Some(body) = &op.body {
        let owned = outside(&body.ty.tokens, krate);
        takes.push(quote!(let body: #owned = args.take_body()?;));
        required.push(quote!(body));
    }
    quote! {
        let mut args = crate::Args::new(#name, args)?#placeholders;
        #(#takes)*
        args.finish()?;
        let mut call = client.#method(#(#required),*);
        #(#sets)*
    }
}

/// How Python reads each type of the provider (`crate::models`): a struct as an object of its
/// model class reading its fields from a record, an open enum as its member (or its text, for a
/// value the spec does not list), a newtype as the value it wraps, any other type the provider
/// defines (a tagged union) as its JSON form. Every value so reaches Python in its final form.
fn native_types(model: &crate::model::Model, krate: &syn::Ident) -> TokenStream {
    use crate::model::Shape;
    let python_module = format!("pspkit.{}", model.provider.name);
    let mut out = Vec::new();
    for def in model.types.values() {
        let ty: TokenStream = match format!("::{krate}::types::{}", def.name).parse() {
            Ok(ty) => ty,
            Err(_) => continue,
        };
        let to_py = match &def.shape {
            Shape::Struct(fields) => {
                let wires = fields.iter().map(|f| &f.wire);
                let converts = fields.iter().enumerate().map(|(i, f)| {
                    let field = format_ident!("{}", f.rust);
                    quote!(#i => crate::models::ToPy::to_py_in(&self.#field, py, origin, crate::models::Step::new(#i, 0)),)
                });
                let elements = fields.iter().enumerate().map(|(i, f)| {
                    let field = format_ident!("{}", f.rust);
                    quote!(#i => crate::models::ToPy::element(&self.#field, index),)
                });
                out.push(quote! {
                    impl crate::models::Fields for #ty {
                        fn wires(&self) -> &'static [&'static str] {
                            &[#(#wires),*]
                        }
                        fn convert(&self, py: ::pyo3::Python<'_>, origin: &crate::models::Origin<'_>, position: usize) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                            match position {
                                #(#converts)*
                                _ => ::core::result::Result::Ok(py.None()),
                            }
                        }
                        fn element(&self, position: usize, index: usize) -> ::core::option::Option<&dyn crate::models::Fields> {
                            match position {
                                #(#elements)*
                                _ => ::core::option::Option::None,
                            }
                        }
                        fn to_json(&self) -> ::serde_json::Result<::std::vec::Vec<u8>> {
                            ::serde_json::to_vec(self)
                        }
                    }
                });
                let name = &def.name;
                // one lookup of the model class, shared by the owned and the in-place conversion
                let class = format_ident!("CLASS_OF_{}", def.name);
                out.push(quote! {
                    #[allow(non_upper_case_globals)]
                    static #class: ::pyo3::sync::PyOnceLock<::pyo3::Py<::pyo3::PyAny>> = ::pyo3::sync::PyOnceLock::new();
                });
                let class = quote!(&crate::models::lookup(py, &#class, #python_module, &[#name])?);
                quote! {
                    const IN_PLACE: bool = true;
                    fn to_py(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                        crate::models::ToPy::into_py_owned(::core::clone::Clone::clone(self), py)
                    }
                    fn into_py_owned(self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                        crate::models::model(py, #class, self)
                    }
                    fn to_py_in(&self, py: ::pyo3::Python<'_>, origin: &crate::models::Origin<'_>, step: crate::models::Step) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                        crate::models::model_in(py, #class, self, origin, step)
                    }
                    fn element(&self, index: usize) -> ::core::option::Option<&dyn crate::models::Fields> {
                        (index == 0).then_some(self as &dyn crate::models::Fields)
                    }
                }
            }
            Shape::OpenEnum(_) => {
                let name = &def.name;
                quote! {
                    fn to_py(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                        static MEMBERS: ::pyo3::sync::PyOnceLock<::std::vec::Vec<::pyo3::Py<::pyo3::PyAny>>> = ::pyo3::sync::PyOnceLock::new();
                        crate::models::member(py, &MEMBERS, #python_module, #name, Self::KNOWN_VALUES, self.as_str())
                    }
                }
            }
            // `bool`, `Vec<...>` and the like: converted by their own impls
            Shape::Other if def.doc.is_empty() => continue,
            // as the value it wraps (Python names a newtype by that value's type)
            Shape::Newtype(_) => quote! {
                fn to_py(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                    crate::models::ToPy::to_py(&**self, py)
                }
            },
            Shape::Other => quote! {
                fn to_py(&self, py: ::pyo3::Python<'_>) -> ::pyo3::PyResult<::pyo3::Py<::pyo3::PyAny>> {
                    crate::models::via_json(py, self)
                }
            },
        };
        out.push(quote! {
            impl crate::models::ToPy for #ty {
                #to_py
            }
        });
    }
    quote!(#(#out)*)
}
