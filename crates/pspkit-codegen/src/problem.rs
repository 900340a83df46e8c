//! The one error type of the generator: every problem names the spec file, the operation and the
//! rule, so a maintainer knows where to look without a backtrace.

use std::fmt;

/// One thing wrong with a spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The spec file, as given to the generator (e.g. `specs/onepay.yaml`).
    pub file: String,
    /// The operation (its `operationId`, or `METHOD /path` when it has none), if the problem
    /// belongs to one.
    pub operation: Option<String>,
    /// The rule that was broken, e.g. `one-success-response` (see `specs/README.md`).
    pub rule: &'static str,
    /// What is wrong and where, in words.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(op) = &self.operation {
            write!(f, ": operation {op}")?;
        }
        write!(f, ": [{}] {}", self.rule, self.message)
    }
}

/// Why a spec could not be turned into a client: one or more [`Problem`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// Every problem found; never empty.
    pub problems: Vec<Problem>,
}

impl Error {
    pub(crate) fn one(file: &str, operation: Option<String>, rule: &'static str, message: String) -> Self {
        Self { problems: vec![Problem { file: file.to_owned(), operation, rule, message }] }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        writeln!(f, "{n} problem{} in the spec:", if n == 1 { "" } else { "s" })?;
        for p in &self.problems {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
