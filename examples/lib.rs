//! Examples of pspkit: see `reconcile.rs` (`cargo run -p pspkit-examples --example reconcile`).

/// The `content-length` of an HTTP head parsed by `httparse`, when it has a readable one: the
/// benchmarks' fixed-response server and its load generator read bodies by it.
pub fn content_length(headers: &[httparse::Header<'_>]) -> Option<usize> {
    let header = headers.iter().find(|h| h.name.eq_ignore_ascii_case("content-length"))?;
    std::str::from_utf8(header.value).ok()?.trim().parse().ok()
}
