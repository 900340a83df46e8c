//! What the CLI knows about each provider and operation: a table generated from the specs
//! (`OUT_DIR/cli.rs`), which the commands, their flags and their help are built from.

/// One provider.
#[derive(Debug)]
pub struct Provider {
    /// Its name (`onepay`): the first word of its commands and of its `PSPKIT_<PROVIDER>_*`
    /// variables.
    pub name: &'static str,
    /// The spec's title.
    pub title: &'static str,
    /// The keys a client is built from (`PSPKIT_<PROVIDER>_<NAME>`).
    pub keys: &'static [Key],
    /// Every operation, in the spec's order.
    pub operations: &'static [Operation],
}

/// One credential key of a provider.
#[derive(Debug)]
pub struct Key {
    /// `snake_case` name.
    pub name: &'static str,
    /// What it is and where the merchant finds it.
    pub description: &'static str,
    /// A client works without it.
    pub optional: bool,
}

/// One operation, as a command: `pspkit <provider> <group> <command>`.
#[derive(Debug)]
pub struct Operation {
    /// The group (the spec's tag, as Python names it): `cashouts`.
    pub group: &'static str,
    /// The command (the Python method name, in kebab case): `list`.
    pub command: &'static str,
    /// The operation's Rust name: `list_cashouts`.
    pub rust: &'static str,
    /// The spec's summary.
    pub summary: &'static str,
    /// The spec's description.
    pub description: &'static str,
    /// Method and path: `GET /cashouts`.
    pub route: &'static str,
    /// The retry class and what it means.
    pub retry: &'static str,
    /// It changes something at the provider.
    pub writes: bool,
    /// It changes something and its request carries an amount.
    pub moves_money: bool,
    /// It is a list that `--all` can walk.
    pub pages: bool,
    /// Its parameters, as flags.
    pub params: &'static [Param],
    /// The request body's description, when it takes one (`--body FILE|-`).
    pub body: Option<&'static str>,
    /// The body has required fields: `--body` must be given (else `{}` is sent).
    pub body_required: bool,
}

/// One parameter, as a flag.
#[derive(Debug)]
pub struct Param {
    /// The flag: `--page-size`.
    pub flag: &'static str,
    /// The argument's name in the dispatch (the Rust name).
    pub key: &'static str,
    /// The operation cannot be called without it.
    pub required: bool,
    /// How its text becomes a value.
    pub kind: ValueKind,
    /// The spec's description.
    pub help: &'static str,
    /// A paging parameter that `--all` sets itself.
    pub paging: bool,
    /// The idempotency key.
    pub idempotency: bool,
}

/// How a flag's text becomes a JSON value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// As given.
    Text,
    /// An exact decimal (`150000`, `12.50`): never a float, an exponent or a comma.
    Money,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Bool,
    /// Comma-separated values.
    List,
    /// JSON text.
    Json,
}

impl Operation {
    /// One line for `--help`: the retry class, and whether it writes money.
    pub fn facts(&self) -> String {
        let effect = if self.moves_money {
            "WRITES MONEY"
        } else if self.writes {
            "changes state"
        } else {
            "read-only"
        };
        format!("{}; {effect}; retry {}", self.route, self.retry)
    }
}
