//! Operation counts per spec and per `x-source` class: the coverage table of the README.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use crate::lint::SOURCES;
use crate::spec::Spec;

/// How many operations a spec has, in total and per source class.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    /// `info.title` of the spec.
    pub title: String,
    /// Number of operations.
    pub operations: usize,
    /// Operations per `x-source` value.
    pub by_source: BTreeMap<String, usize>,
    /// Operations whose method and path are weaker than the operation (`x-path-source`).
    pub inferred_paths: usize,
}

/// Counts the operations of one spec.
pub fn stats(spec: &Spec) -> Stats {
    let mut s = Stats { title: spec.title().to_owned(), ..Stats::default() };
    for op in spec.operations() {
        s.operations += 1;
        let source = op.str_field("x-source").unwrap_or("(none)").to_owned();
        *s.by_source.entry(source).or_default() += 1;
        if op.str_field("x-path-source").is_some() {
            s.inferred_paths += 1;
        }
    }
    s
}

/// A Markdown table of several specs' stats, one row per spec.
pub fn table(rows: &[(String, Stats)]) -> String {
    let mut out = String::from("| spec | operations |");
    for source in SOURCES {
        let _ = write!(out, " {source} |");
    }
    out.push_str(" path weaker |\n|---|---:|");
    for _ in SOURCES {
        out.push_str("---:|");
    }
    out.push_str("---:|\n");
    for (name, s) in rows {
        let _ = write!(out, "| {name} | {} |", s.operations);
        for source in SOURCES {
            let _ = write!(out, " {} |", s.by_source.get(source).copied().unwrap_or(0));
        }
        let _ = writeln!(out, " {} |", s.inferred_paths);
    }
    out
}
