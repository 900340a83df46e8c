//! One request builder per operation, rendered from the model:
//! `client.list_cashouts().limit(50).send().await?`.
//!
//! The client method takes what the spec requires (path parameters, required query and header
//! parameters, the JSON body); every optional parameter is a setter. Each builder also has
//! `.policy()`, `.timeout()`, `.header()`, `.idempotency_key()` (for operations the provider
//! deduplicates), `.send()` and `.send_with_response()`, and for list operations with
//! `x-pagination`, `.pages()` and `.stream()`. Underneath, `send` calls progenitor's positional
//! method inside `pspkit::call_with`, so signing, retries and errors are the runtime's.

use heck::ToPascalCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::extensions::ParamPlace;
use crate::model::{Kind, Model, Operation, Param, Place, RustType, Shape};

/// Tokens of a type the model wrote as text.
pub(crate) fn ty(t: &str) -> TokenStream {
    t.parse().unwrap_or_else(|_| quote!(::serde_json::Value))
}

/// The unsigned integer a positive integer type is built from (`NonZeroU64` -> `u64`).
fn positive_input(tokens: &str) -> Option<TokenStream> {
    let last = tokens.rsplit("::").next()?;
    let raw = last.strip_prefix("NonZero")?.to_ascii_lowercase();
    raw.parse().ok()
}

/// How a setter takes a value: its parameter type, and the expression storing `value` (which
/// may record an invalid value instead).
fn setter_input(p: &Param, target: &TokenStream) -> (TokenStream, TokenStream) {
    let t = ty(&p.ty.tokens);
    let name = &p.rust;
    match &p.ty.kind {
        Kind::Integer { positive: true } => match positive_input(&p.ty.tokens) {
            Some(raw) => (
                raw,
                quote! {
                    match <#t>::new(value) {
                        ::core::option::Option::Some(v) => ::core::option::Option::Some(v),
                        ::core::option::Option::None => {
                            #target.invalid = ::core::option::Option::Some((#name, "must be at least 1"));
                            ::core::option::Option::None
                        }
                    }
                },
            ),
            None => (t, quote!(::core::option::Option::Some(value))),
        },
        Kind::Integer { .. } | Kind::Bool | Kind::List(_) | Kind::Map(_) | Kind::Other | Kind::Optional(_) => {
            (t, quote!(::core::option::Option::Some(value)))
        }
        _ => (quote!(impl ::core::convert::Into<#t>), quote!(::core::option::Option::Some(value.into()))),
    }
}

/// Whether progenitor's positional method takes this parameter by value (integers, booleans)
/// rather than by reference.
fn by_value(p: &Param) -> bool {
    matches!(p.ty.kind, Kind::Integer { .. } | Kind::Bool)
}

/// The checks of a parameter's value the spec allows before sending: a path segment is never
/// empty, and an identifier (`format: id`, whose pattern the spec lint holds to `^\S+$`) has no
/// white space, and an amount keeps to the decimal pattern's digit limits. (The other patterns
/// belong to times and dates, whose types hold them.)
fn param_checks(operation: &str, p: &Param) -> Vec<TokenStream> {
    let f = format_ident!("{}", p.rust);
    let key = &p.rust;
    let mut checks = Vec::new();
    if matches!(p.ty.kind, Kind::Text | Kind::Id) && p.place == Place::Path {
        checks.push(quote!(::pspkit::validate::path_segment(#operation, #key, self.#f.as_deref())?;));
    }
    if p.ty.kind == Kind::Id {
        checks.push(quote!(::pspkit::validate::no_white_space(#operation, #key, self.#f.as_deref())?;));
    }
    if p.ty.kind == Kind::Money {
        checks.push(quote!(::pspkit::validate::amount(#operation, #key, self.#f.as_ref())?;));
    }
    checks
}

/// The same identifier check for the identifiers at the top of the request body (`paymentId`),
/// and the decimal pattern's digit limits for its amounts, named by their wire path
/// (`body.paymentId`, `body.splits[0].split_value`): at the top of the body and nested in its
/// objects and lists. Nested identifiers are left to the provider.
fn body_checks(model: &Model, op: &Operation) -> Vec<TokenStream> {
    let operation = &op.name;
    let Some(Kind::Named(name)) = op.body.as_ref().map(|b| &b.ty.kind) else { return Vec::new() };
    let Some(Shape::Struct(fields)) = model.types.get(name).map(|t| &t.shape) else { return Vec::new() };
    fields
        .iter()
        .filter_map(|f| {
            let field = format_ident!("{}", f.rust);
            let key = format!("body.{}", f.wire);
            Some(match &f.ty.kind {
                Kind::Id => quote!(::pspkit::validate::no_white_space(#operation, #key, ::core::option::Option::Some(self.body.#field.as_str()))?;),
                Kind::Optional(inner) if **inner == Kind::Id => {
                    quote!(::pspkit::validate::no_white_space(#operation, #key, self.body.#field.as_deref())?;)
                }
                // amounts at the top of the body as well as inside it
                kind => nested_amounts(model, operation, kind, quote!(&self.body.#field), &format_path(&key), &[], 0)?,
            })
        })
        .collect()
}

/// How deep [`nested_amounts`] looks into a body field: deeper than any body of the specs, and
/// a bound for types that hold themselves.
const NESTED_AMOUNT_DEPTH: usize = 8;

/// `path` as a literal part of a `format!` string.
fn format_path(path: &str) -> String {
    path.replace('{', "{{").replace('}', "}}")
}

/// The digit-limit checks of the amounts inside `value` (an expression of a reference to a value
/// of `kind`), through options, lists and structs; `path` is the `format!` string of its wire
/// path, with a `{}` for each list index in `indices`. `None` when it holds no amount.
fn nested_amounts(
    model: &Model,
    operation: &str,
    kind: &Kind,
    value: TokenStream,
    path: &str,
    indices: &[syn::Ident],
    depth: usize,
) -> Option<TokenStream> {
    if depth > NESTED_AMOUNT_DEPTH {
        return None;
    }
    match kind {
        Kind::Money => Some(quote! {
            if let ::core::option::Option::Some(rule) = ::pspkit::validate::amount_problem(#value) {
                return ::core::result::Result::Err(::pspkit::Error::InvalidRequest {
                    operation: #operation,
                    field: ::std::format!(#path, #(#indices),*),
                    rule,
                });
            }
        }),
        Kind::Optional(inner) => {
            let item = format_ident!("value_{depth}");
            let check = nested_amounts(model, operation, inner, quote!(#item), path, indices, depth + 1)?;
            Some(quote!(if let ::core::option::Option::Some(#item) = (#value).as_ref() { #check }))
        }
        Kind::List(inner) => {
            let (index, item) = (format_ident!("index_{depth}"), format_ident!("item_{depth}"));
            let indices: Vec<_> = indices.iter().cloned().chain([index.clone()]).collect();
            let check =
                nested_amounts(model, operation, inner, quote!(#item), &format!("{path}[{{}}]"), &indices, depth + 1)?;
            Some(quote!(for (#index, #item) in (#value).iter().enumerate() { #check }))
        }
        Kind::Named(name) => {
            let Some(Shape::Struct(fields)) = model.types.get(name).map(|t| &t.shape) else { return None };
            let checks: Vec<TokenStream> = fields
                .iter()
                .filter_map(|f| {
                    let field = format_ident!("{}", f.rust);
                    let path = format!("{path}.{}", format_path(&f.wire));
                    nested_amounts(model, operation, &f.ty.kind, quote!(&(#value).#field), &path, indices, depth + 1)
                })
                .collect();
            (!checks.is_empty()).then(|| quote!(#(#checks)*))
        }
        _ => None,
    }
}

fn is_text(p: &Param) -> bool {
    p.ty.tokens == "::std::string::String"
}

/// The type of one item of a list field (`Vec<T>` or `Option<Vec<T>>` -> `T`).
fn item_type(tokens: &str) -> Option<String> {
    let mut t = tokens.trim();
    if let Some(inner) = t.strip_prefix("::std::option::Option<") {
        t = inner.strip_suffix('>')?;
    }
    t.strip_prefix("::std::vec::Vec<")?.strip_suffix('>').map(str::to_owned)
}

/// The type of one item a list operation's pages hold.
pub fn page_item(model: &Model, op: &Operation) -> Option<String> {
    let p = op.pagination()?;
    if p.items == "." {
        item_type(&op.success.tokens)
    } else {
        item_type(&field_of(model, &op.success.tokens, &p.items)?.1.tokens)
    }
}

/// The Rust name of field `wire` of struct type `type_tokens` (`types::X`), with its type.
fn field_of<'m>(model: &'m Model, type_tokens: &str, wire: &str) -> Option<(&'m str, &'m RustType)> {
    let name = type_tokens.strip_prefix("types::")?;
    let Shape::Struct(fields) = &model.types.get(name)?.shape else { return None };
    fields.iter().find(|f| f.wire == wire).map(|f| (f.rust.as_str(), &f.ty))
}

/// The builder's type name: the operation in PascalCase (`list_cashouts` -> `ListCashouts`).
pub fn builder_name(op: &Operation) -> syn::Ident {
    format_ident!("{}", op.id.to_pascal_case())
}

/// The client method's arguments: required parameters, then the body.
pub fn required_params(op: &Operation) -> impl Iterator<Item = &Param> {
    op.params.iter().filter(|p| p.required)
}

/// The client methods (one per operation) and the `builders` module.
pub fn render(model: &Model) -> Result<(TokenStream, TokenStream), String> {
    let mut methods = Vec::new();
    let mut builders = Vec::new();
    for (index, op) in model.operations.iter().enumerate() {
        let (method, builder) = operation(model, index, op)?;
        methods.push(method);
        builders.push(builder);
    }
    let client = format_ident!("{}", model.provider.client_name);
    let module = quote! {
        /// The request builders returned by the client's methods: set optional parameters, then
        /// `.send()`.
        pub mod builders {
            #[allow(unused_imports)]
            use super::types;
            use super::#client;
            #[allow(unused_imports)]
            use ::progenitor_client::ClientInfo as _;
            #(#builders)*
        }
    };
    Ok((quote!(#(#methods)*), module))
}

fn operation(model: &Model, index: usize, op: &Operation) -> Result<(TokenStream, TokenStream), String> {
    let name = &op.name;
    let method = format_ident!("{}", name);
    let builder = builder_name(op);
    let client = format_ident!("{}", model.provider.client_name);
    let success = ty(&op.success.tokens);

    // the client method: required parameters and the body are its arguments
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for p in &op.params {
        let field = format_ident!("{}", p.rust);
        let t = ty(&p.ty.tokens);
        fields.push(quote!(pub(super) #field: ::core::option::Option<#t>));
        let target = if p.required { quote!(this) } else { quote!(self) };
        let (input, store) = setter_input(p, &target);
        let doc = param_doc(p);
        if p.required {
            args.push(quote!(#field: #input));
            inits.push(quote!(this.#field = { let value = #field; #store };));
        } else if !p.idempotency {
            setters.push(quote! {
                #[doc = #doc]
                pub fn #field(mut self, value: #input) -> Self {
                    self.#field = #store;
                    self
                }
            });
        } else {
            setters.push(quote! {
                /// The idempotency key the provider deduplicates this write by; one is generated
                /// when none is given. The same key is sent on every attempt of this call.
                pub fn idempotency_key(mut self, key: impl ::core::convert::Into<::std::string::String>) -> Self {
                    self.#field = ::core::option::Option::Some(key.into());
                    self
                }
            });
        }
    }
    let body_ty = op.body.as_ref().map(|b| ty(&b.ty.tokens));
    if let Some(body_ty) = &body_ty {
        args.push(quote!(body: #body_ty));
        fields.push(quote!(pub(super) body: #body_ty));
    }
    let body_init = body_ty.as_ref().map(|_| quote!(body,));
    let field_names: Vec<syn::Ident> = op.params.iter().map(|p| format_ident!("{}", p.rust)).collect();

    let checks: Vec<TokenStream> = op
        .params
        .iter()
        .flat_map(|p| param_checks(name, p))
        .chain(body_checks(model, op))
        .chain(
            op.ext
                .require_one_of
                .iter()
                .map(|group| quote!(::pspkit::validate::require_one_of(#name, &self.body, &[#(#group),*])?;)),
        )
        .collect();
    let invalid = quote! {
        if let ::core::option::Option::Some((field, rule)) = self.invalid {
            return ::core::result::Result::Err(::pspkit::Error::InvalidRequest {
                operation: #name,
                field: field.into(),
                rule: rule.into(),
            });
        }
    };
    let sending = if op.streams {
        let call = positional_call(op, body_ty.is_some());
        quote! {
            /// Sends the request and returns the decoded payload.
            pub async fn send(self) -> ::core::result::Result<#success, ::pspkit::Error> {
                self.send_with_response().await.map(::pspkit::Response::into_value)
            }

            /// Sends the request and returns the payload with the answer's status, headers,
            /// request id, attempts and idempotency key.
            pub async fn send_with_response(self) -> ::core::result::Result<::pspkit::Response<#success>, ::pspkit::Error> {
                #invalid
                #(#checks)*
                #call
            }
        }
    } else {
        let request = request(op)?;
        let payload = if op.success.kind == Kind::Unit { quote!(empty) } else { quote!(json) };
        quote! {
            /// Sends the request and returns the decoded payload.
            ///
            /// The request is made and checked when this is called (a bad argument is the
            /// future's error); nothing is sent until the future is awaited.
            pub fn send(self) -> impl ::core::future::Future<Output = ::core::result::Result<#success, ::pspkit::Error>> + ::core::marker::Send + 'static {
                let sending = self.send_with_response();
                async move { sending.await.map(::pspkit::Response::into_value) }
            }

            /// Sends the request and returns the payload with the answer's status, headers,
            /// request id, attempts and idempotency key.
            ///
            /// The request is made and checked when this is called (a bad argument is the
            /// future's error); nothing is sent until the future is awaited.
            pub fn send_with_response(self) -> ::pspkit::Sending<#success> {
                match self.request() {
                    ::core::result::Result::Ok(request) => ::pspkit::send(
                        self.client.context(),
                        self.client.raw().client(),
                        &super::SPEC.operations[#index],
                        &self.options,
                        request,
                        ::pspkit::Payload::#payload(),
                    ),
                    ::core::result::Result::Err(error) => ::pspkit::Sending::failed(error),
                }
            }

            /// The request as the spec describes it, its arguments checked.
            fn request(&self) -> ::core::result::Result<::reqwest::RequestBuilder, ::pspkit::Error> {
                #invalid
                #(#checks)*
                #request
            }
        }
    };

    let doc = operation_doc(op);
    let client_method = quote! {
        #[doc = #doc]
        pub fn #method(&self, #(#args),*) -> builders::#builder {
            #[allow(unused_mut)]
            let mut this = builders::#builder {
                client: self.clone(),
                options: ::core::default::Default::default(),
                invalid: ::core::option::Option::None,
                #(#field_names: ::core::option::Option::None,)*
                #body_init
            };
            #(#inits)*
            this
        }
    };
    let builder_doc = format!(
        "The request of [`{client}::{name}`](super::{client}::{name}): set what it needs, then `.send()`.\n\n{doc}"
    );
    let paging = match op.pagination() {
        Some(_) => pages(model, op)?,
        None => quote!(),
    };
    let (derive_debug, debug_impl) = builder_debug(op, &builder, body_ty.is_some());
    let builder_item = quote! {
        #[doc = #builder_doc]
        #[derive(Clone #derive_debug)]
        #[must_use = "a request builder sends nothing until `.send()`"]
        pub struct #builder {
            pub(super) client: #client,
            pub(super) options: ::pspkit::CallOptions,
            pub(super) invalid: ::core::option::Option<(&'static str, &'static str)>,
            #(#fields,)*
        }

        impl #builder {
            #(#setters)*

            /// Every per-call setting at once (what [`Self::policy`], [`Self::timeout`],
            /// [`Self::header`], [`Self::query_param`] and [`Self::body_field`] set), replacing
            /// any set before.
            pub fn options(mut self, options: ::pspkit::CallOptions) -> Self {
                self.options = options;
                self
            }

            /// Another retry policy for this call only (attempts, timeouts, deadline).
            pub fn policy(mut self, policy: ::pspkit::RetryPolicy) -> Self {
                self.options.policy = ::core::option::Option::Some(policy);
                self
            }

            /// At most this long for the whole call, retries and waits included.
            pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
                self.options.set_timeout(self.client.context().policy(), timeout);
                self
            }

            /// An extra request header for this call. The runtime's own headers (credentials,
            /// signature, idempotency key) are set after it and win; an invalid name or value
            /// fails the call before it is sent.
            pub fn header(mut self, name: &str, value: &str) -> Self {
                self.options.add_header(name, value);
                self
            }

            /// A query parameter the spec does not list (one the provider added since), sent
            /// after the operation's own; a name the operation sends already fails the call
            /// before it is sent.
            pub fn query_param(mut self, name: &str, value: &str) -> Self {
                self.options.add_query(name, value);
                self
            }

            /// A field the spec does not list, added to the JSON body; a field the body has
            /// already, or an operation without a JSON body, fails the call before it is sent.
            pub fn body_field(mut self, name: &str, value: ::serde_json::Value) -> Self {
                self.options.add_body_field(name, value);
                self
            }

            #sending

            #paging
        }

        #debug_impl
    };
    Ok((client_method, builder_item))
}

/// The builder's `Debug`: derived, unless a parameter is marked `x-sensitive` (a customer's
/// session token, a card number to filter by), which a written one shows as `[redacted]` so that
/// logging a builder with `{:?}` does not log the value. Returns what goes into the derive list,
/// and the written impl.
fn builder_debug(op: &Operation, builder: &syn::Ident, has_body: bool) -> (TokenStream, TokenStream) {
    if !op.params.iter().any(|p| p.sensitive) {
        return (quote!(, Debug), quote!());
    }
    let name = builder.to_string();
    let params = op.params.iter().map(|p| {
        let (field, key) = (format_ident!("{}", p.rust), &p.rust);
        if p.sensitive {
            quote!(.field(#key, &self.#field.as_ref().map(|_| "[redacted]")))
        } else {
            quote!(.field(#key, &self.#field))
        }
    });
    let body = has_body.then(|| quote!(.field("body", &self.body)));
    let debug = quote! {
        impl ::core::fmt::Debug for #builder {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.debug_struct(#name)
                    .field("client", &self.client)
                    .field("options", &self.options)
                    .field("invalid", &self.invalid)
                    #(#params)*
                    #body
                    .finish()
            }
        }
    };
    (quote!(), debug)
}

/// The rest of the builder's `request` for a JSON (or empty) answer: the request made from the
/// builder's fields as the spec describes it, which `send_with_response` sends by `pspkit::send`.
fn request(op: &Operation) -> Result<TokenStream, String> {
    let name = &op.name;
    let mut statements = Vec::new();
    // required parameters first, in the order of the arguments, so the first missing one is named
    for p in op.params.iter().filter(|p| p.required && p.place != Place::Path) {
        let (f, key) = (format_ident!("{}", p.rust), &p.rust);
        statements.push(quote!(::pspkit::validate::required(#name, #key, self.#f.as_ref())?;));
    }
    // the URL's path: the template with each parameter percent-encoded (the base goes before it)
    let mut literal = 0;
    let mut url = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(open) = rest.find('{') {
        let close =
            rest[open..].find('}').map(|c| open + c).ok_or_else(|| format!("{name}: unclosed `{{` in the path"))?;
        let text = &rest[..open];
        literal += text.len();
        if !text.is_empty() {
            url.push(quote!(url.push_str(#text);));
        }
        let wire = &rest[open + 1..close];
        let p = op
            .params
            .iter()
            .find(|p| p.place == Place::Path && p.wire == wire)
            .ok_or_else(|| format!("{name}: the path names `{wire}`, which is no path parameter"))?;
        let (f, key) = (format_ident!("{}", p.rust), &p.rust);
        url.push(if matches!(p.ty.kind, Kind::Text | Kind::Id) {
            quote!(::pspkit::request::push_segment(&mut url, ::pspkit::validate::required(#name, #key, self.#f.as_deref())?);)
        } else {
            quote!(::pspkit::request::push_segment(&mut url, &::pspkit::validate::required(#name, #key, self.#f.as_ref())?.to_string());)
        });
        rest = &rest[close + 1..];
    }
    literal += rest.len();
    if !rest.is_empty() {
        url.push(quote!(url.push_str(#rest);));
    }
    let room = literal + 24 * op.params.iter().filter(|p| p.place == Place::Path).count();
    let method = format_ident!("{}", op.method.to_ascii_uppercase());
    let queries = op.params.iter().filter(|p| p.place == Place::Query).map(|p| {
        let (f, wire) = (format_ident!("{}", p.rust), &p.wire);
        quote!(.query(&::progenitor_client::QueryParam::new(#wire, &self.#f)))
    });
    let json = op.body.as_ref().map(|_| quote!(.json(&self.body)));
    let headers = op.params.iter().filter(|p| p.place == Place::Header).map(|p| {
        let (f, wire) = (format_ident!("{}", p.rust), p.wire.to_ascii_lowercase());
        // named as the caller set it
        let key = if p.idempotency { "idempotency_key" } else { p.rust.as_str() };
        quote!(let request = ::pspkit::request::header(request, #name, #key, #wire, self.#f.as_ref())?;)
    });
    Ok(quote! {
        #(#statements)*
        let mut url = ::std::string::String::with_capacity(#room);
        #(#url)*
        let request = self
            .client
            .base()
            .request(self.client.raw().client(), ::reqwest::Method::#method, &url)
            .header(::reqwest::header::ACCEPT, ::reqwest::header::HeaderValue::from_static("application/json"))
            #(#queries)*
            #json;
        #(#headers)*
        ::core::result::Result::Ok(request)
    })
}

/// The body of `send_with_response` for a file download: progenitor's positional method, run
/// inside `pspkit::call_stream_with`.
fn positional_call(op: &Operation, has_body: bool) -> TokenStream {
    let name = &op.name;
    let method = format_ident!("{}", name);
    let passes = op
        .params
        .iter()
        .map(|p| {
            let f = format_ident!("{}", p.rust);
            let key = &p.rust;
            match (p.required, by_value(p)) {
                (true, true) => quote!(::pspkit::validate::required(#name, #key, self.#f)?),
                (true, false) if is_text(p) => {
                    quote!(::pspkit::validate::required(#name, #key, self.#f.as_deref())?)
                }
                (true, false) => quote!(::pspkit::validate::required(#name, #key, self.#f.as_ref())?),
                (false, true) => quote!(self.#f),
                (false, false) if is_text(p) => quote!(self.#f.as_deref()),
                (false, false) => quote!(self.#f.as_ref()),
            }
        })
        .chain(has_body.then(|| quote!(&self.body)));
    quote! {
        let raw = self.client.raw();
        ::pspkit::call_stream_with(self.client.context(), #name, ::core::clone::Clone::clone(&self.options), raw.#method(#(#passes),*)).await
    }
}

fn param_doc(p: &Param) -> String {
    let place = match p.place {
        crate::model::Place::Path => "path",
        crate::model::Place::Query => "query",
        crate::model::Place::Header => "header",
    };
    let mut doc = format!("`{}` ({place} parameter)", p.wire);
    if let Some(d) = &p.description {
        doc.push_str(": ");
        doc.push_str(d);
    }
    if matches!(p.ty.kind, Kind::Integer { positive: true }) {
        doc.push_str("\n\nAt least 1; 0 fails the call before anything is sent.");
    }
    doc
}

/// The client method's docs: the spec's summary and description, then the facts a caller
/// needs before sending it.
pub fn operation_doc(op: &Operation) -> String {
    let mut doc = format!("{}\n\n`{} {}`", op.summary.trim(), op.method, op.path);
    if let Some(d) = &op.description {
        doc.push_str("\n\n");
        doc.push_str(d.trim());
    }
    doc.push_str("\n\n");
    doc.push_str(&facts(op).join("\n"));
    doc
}

/// One line per fact the spec states about the operation's safety and shape.
pub fn facts(op: &Operation) -> Vec<String> {
    let mut out = vec![format!(
        "- Retry: `{}`{}",
        op.retry().as_str(),
        match op.idempotency_header() {
            Some(h) => format!(", deduplicated by the `{h}` header (`.idempotency_key()`)"),
            None => String::new(),
        }
    )];
    for group in &op.ext.require_one_of {
        out.push(format!(
            "- Requires at least one of: {}",
            group.iter().map(|g| format!("`{g}`")).collect::<Vec<_>>().join(", ")
        ));
    }
    if let Some(p) = op.pagination() {
        let place = if p.place == ParamPlace::Body { "body" } else { "query" };
        out.push(format!("- Pagination: `{}` (in the {place}; `.pages()`, `.stream()`)", p.style.as_str()));
    }
    out
}

/// `.pages()` and `.stream()` of a list operation.
fn pages(model: &Model, op: &Operation) -> Result<TokenStream, String> {
    let p = op.pagination().expect("called for list operations");
    let name = &op.name;
    let fail = |what: &str| format!("{name}: `x-pagination` names {what} the generated types do not have");
    let (position, size) = p.position_and_size();
    let size = size.ok_or_else(|| fail("no page size"))?;
    let mut edits = Vec::new();
    match p.place {
        ParamPlace::Query => {
            let param = |wire: &str| op.params.iter().find(|q| q.wire == wire).map(|q| format_ident!("{}", q.rust));
            let size = param(size).ok_or_else(|| fail(&format!("the query parameter `{size}`")))?;
            edits.push(quote!(call.#size = ::pspkit::paginate::param(request.size);));
            if let Some(position) = position {
                let position = param(position).ok_or_else(|| fail(&format!("the query parameter `{position}`")))?;
                edits.push(quote!(call.#position = ::pspkit::paginate::param(request.position);));
            }
            if let Some(cursor) = &p.cursor {
                let cursor = param(cursor).ok_or_else(|| fail(&format!("the query parameter `{cursor}`")))?;
                edits.push(quote!(call.#cursor = ::pspkit::paginate::cursor(request.cursor.clone());));
            }
        }
        ParamPlace::Body => {
            let body = op.body.as_ref().ok_or_else(|| fail("a request body"))?;
            let field = |wire: &str| {
                field_of(model, &body.ty.tokens, wire)
                    .map(|(f, _)| format_ident!("{}", f))
                    .ok_or_else(|| fail(&format!("the body field `{wire}`")))
            };
            let size = field(size)?;
            edits.push(quote!(call.body.#size = ::pspkit::paginate::param(request.size);));
            if let Some(position) = position {
                let position = field(position)?;
                edits.push(quote!(call.body.#position = ::pspkit::paginate::param(request.position);));
            }
            if let Some(cursor) = &p.cursor {
                let cursor = field(cursor)?;
                edits.push(quote!(call.body.#cursor = ::pspkit::paginate::cursor(request.cursor.clone());));
            }
        }
    }
    let items = if p.items == "." {
        quote!(response)
    } else {
        let (f, _) = field_of(model, &op.success.tokens, &p.items).ok_or_else(|| fail("the items field"))?;
        let f = format_ident!("{}", f);
        quote!(response.#f)
    };
    let item = ty(&page_item(model, op).ok_or_else(|| fail("a list of items"))?);
    let info = |key: &Option<String>, make: &dyn Fn(syn::Ident) -> TokenStream| -> Result<TokenStream, String> {
        Ok(match key {
            Some(wire) => {
                let (f, _) =
                    field_of(model, &op.success.tokens, wire).ok_or_else(|| fail(&format!("the field `{wire}`")))?;
                make(format_ident!("{}", f))
            }
            None => quote!(::core::option::Option::None),
        })
    };
    let total_pages = info(&p.total_pages, &|f| quote!(::pspkit::paginate::PageField::count(&response.#f)))?;
    let total_items = info(&p.total_items, &|f| quote!(::pspkit::paginate::PageField::count(&response.#f)))?;
    let has_next_url =
        info(&p.next_url, &|f| quote!(::core::option::Option::Some(::pspkit::paginate::present(&response.#f))))?;
    let next_cursor = info(&p.next_cursor, &|f| quote!(::pspkit::paginate::PageField::cursor(&response.#f)))?;
    let style = p.style.as_str();
    let pages_doc = format!(
        "Every page, as a `Stream`, fetching the next page while this one is consumed ({style} pagination; \
         `options` sets the page size, a maximum number of items and where to start)."
    );
    Ok(quote! {
        #[doc = #pages_doc]
        pub fn pages(self, options: ::pspkit::paginate::PageOptions) -> ::pspkit::paginate::Pages<#item> {
            let fetch: ::pspkit::paginate::FetchPage<#item> = ::std::sync::Arc::new(move |request: ::pspkit::paginate::PageRequest| {
                let mut call = self.clone();
                #(#edits)*
                ::std::boxed::Box::pin(async move {
                    let response = call.send().await?;
                    let (total_pages, total_items) = (#total_pages, #total_items);
                    let (has_next_url, next_cursor) = (#has_next_url, #next_cursor);
                    let items: ::std::vec::Vec<#item> = ::pspkit::paginate::IntoItems::into_items(#items);
                    let fingerprint = ::pspkit::paginate::fingerprint(&items);
                    let info = ::pspkit::paginate::PageInfo { total_pages, total_items, has_next_url, next_cursor, fingerprint };
                    ::core::result::Result::Ok((items, info))
                })
            });
            ::pspkit::paginate::Pages::new(&super::SPEC, #name, options, fetch)
        }

        /// Every item across pages, as a `Stream` (see `.pages()`).
        pub fn stream(self, options: ::pspkit::paginate::PageOptions) -> ::pspkit::paginate::Items<#item> {
            self.pages(options).items()
        }
    })
}
