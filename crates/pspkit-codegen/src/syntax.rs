//! Small readers of generated Rust types, shared by the summary, the runtime glue and paging.

/// The type arguments of a path type: `[A, B]` for `X<A, B>`.
pub fn generic_args(ty: &syn::Type) -> Vec<syn::Type> {
    let syn::Type::Path(p) = ty else { return Vec::new() };
    let Some(last) = p.path.segments.last() else { return Vec::new() };
    let syn::PathArguments::AngleBracketed(args) = &last.arguments else { return Vec::new() };
    args.args
        .iter()
        .filter_map(|a| match a {
            syn::GenericArgument::Type(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// The first type argument: `A` for `X<A, ...>`.
pub fn generic_arg(ty: &syn::Type) -> Option<syn::Type> {
    generic_args(ty).into_iter().next()
}

/// The last segment's name: `Cashout` for `types::Cashout`.
pub fn last_ident(ty: &syn::Type) -> Option<String> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()),
        _ => None,
    }
}

/// `(T, E)` of a generated method's `Result<ResponseValue<T>, Error<E>>`.
pub fn response_types(output: &syn::ReturnType) -> Option<(syn::Type, syn::Type)> {
    let syn::ReturnType::Type(_, ty) = output else { return None };
    let args = generic_args(ty);
    Some((generic_arg(args.first()?)?, generic_arg(args.get(1)?)?))
}
