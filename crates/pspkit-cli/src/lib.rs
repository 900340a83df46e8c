//! The `pspkit` command: every operation of every provider, normalized payments, reconciliation
//! against your ledger, and the local sandbox.
//!
//! ```text
//! pspkit <provider> <group> <operation> [--<param> value ...] [--body FILE|-] [--all]
//! pspkit payments --provider onepay [--since 2026-01-01] [--until 2026-02-01] [--format jsonl|csv]
//! pspkit reconcile --ledger books.csv --provider onepay [--since ...] [--format table|json|jsonl|csv]
//! pspkit sandbox [--port 8080]
//! ```
//!
//! The commands, their flags and their help are generated from the specs (`build.rs`), with the
//! names the Python package uses (`pspkit onepay cashouts list` is `client.cashouts.list()`).
//! Credentials come from the same `PSPKIT_<PROVIDER>_<KEY>` variables as the libraries, and
//! `PSPKIT_<PROVIDER>_BASE_URL` or `--base-url` point a provider anywhere. Secrets are never
//! printed, `--verbose` included.
//!
//! Exit codes: 0 done (for `reconcile`: everything matched), 1 the provider or the network
//! failed (for `reconcile`: discrepancies found), 2 bad input, refused before any request.
//!
//! The same code runs as the Python package's console script (`pip install pspkit` installs
//! `pspkit`), through [`run`].

mod args;
pub mod catalog;
mod command;
mod operation;
mod output;
mod payments;
mod progress;
mod reconcile;
mod sandbox;

#[allow(missing_docs, clippy::all)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/cli.rs"));
}

pub use args::{Args, Arguments, unknown_operation};
pub use generated::{AnyClient, PROVIDERS};
pub use output::{JsonPages, Output};

use std::ffi::OsString;

/// Exit code: the command did what was asked.
pub const EXIT_OK: u8 = 0;
/// Exit code: the provider or the network failed, or `reconcile` found discrepancies.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad input (an unknown command or flag, a malformed value, ledger or body), refused
/// before any request was sent.
pub const EXIT_BAD_INPUT: u8 = 2;

/// Runs the command line `argv` (the program name first) and returns its exit code. Prints to
/// stdout and stderr; never panics on any input.
pub fn run<I, T>(argv: I) -> u8
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let matches = match command::root().try_get_matches_from(argv) {
        Ok(m) => m,
        Err(e) if !e.use_stderr() => {
            // --help and --version
            let _ = e.print();
            return EXIT_OK;
        }
        Err(e) => return fail(EXIT_BAD_INPUT, &one_line(&e.to_string())),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(r) => r,
        Err(e) => return fail(EXIT_FAILED, &format!("cannot start the async runtime: {e}")),
    };
    let verbose = matches.get_flag("verbose");
    let base_url = matches.get_one::<String>("base-url").cloned();
    let outcome = runtime.block_on(async move {
        match matches.subcommand() {
            Some(("sandbox", m)) => sandbox::run(m).await,
            Some(("payments", m)) => payments::run(m, base_url.as_deref()).await,
            Some(("reconcile", m)) => reconcile::run(m, base_url.as_deref()).await,
            Some((provider, m)) => operation::run(provider, m, base_url.as_deref(), verbose).await,
            None => Err(Failure::bad_input("a command is needed: see pspkit --help")),
        }
    });
    // a walk's prefetch task may still be running: do not wait for it
    runtime.shutdown_background();
    match outcome {
        Ok(code) => code,
        // the reader went away (`| head`): what it wanted was printed
        Err(f) if f.code == EXIT_OK => EXIT_OK,
        Err(f) => fail(f.code, &f.message),
    }
}

/// A failed write to stdout: a closed pipe (`pspkit ... | head`) ends the command quietly.
pub(crate) fn write_failed(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure { code: EXIT_OK, message: String::new() }
    } else {
        Failure::failed(format!("cannot write: {e}"))
    }
}

/// Why a command stopped, and with which exit code.
#[derive(Debug)]
pub(crate) struct Failure {
    code: u8,
    message: String,
}

impl Failure {
    /// Bad input: exit code 2.
    pub(crate) fn bad_input(message: impl Into<String>) -> Self {
        Self { code: EXIT_BAD_INPUT, message: message.into() }
    }

    /// A failure of the provider or the network: exit code 1.
    pub(crate) fn failed(message: impl Into<String>) -> Self {
        Self { code: EXIT_FAILED, message: message.into() }
    }
}

impl From<pspkit::Error> for Failure {
    fn from(e: pspkit::Error) -> Self {
        // refused before sending: the caller's input (or configuration) was wrong
        let code = match e {
            pspkit::Error::InvalidRequest { .. } | pspkit::Error::Config(_) => EXIT_BAD_INPUT,
            _ => EXIT_FAILED,
        };
        Self { code, message: e.to_string() }
    }
}

/// clap's message without its usage block, on one line: `the following required arguments were
/// not provided: --id <TEXT> (see --help)`.
fn one_line(message: &str) -> String {
    let body: Vec<&str> = message
        .lines()
        .take_while(|l| !l.starts_with("Usage:") && !l.starts_with("For more information"))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let text = body.join(" ");
    format!("{} (see --help)", text.strip_prefix("error: ").unwrap_or(&text))
}

fn fail(code: u8, message: &str) -> u8 {
    // one line: the error's own text never holds a secret (pspkit redacts them)
    eprintln!("pspkit: error: {}", message.replace('\n', " "));
    code
}

/// A client of `provider` from `PSPKIT_<PROVIDER>_*`, sending to `base_url` when given (else
/// `PSPKIT_<PROVIDER>_BASE_URL`, else the spec's server).
pub(crate) fn client(provider: &str, base_url: Option<&str>) -> Result<AnyClient, Failure> {
    let from_env = pspkit::auth::env_credential(provider, "base_url");
    let base_url = base_url.map(str::to_owned).or(from_env);
    AnyClient::connect(provider, base_url.as_deref(), |key| pspkit::auth::env_credential(provider, key))
        .map_err(Failure::from)
}
