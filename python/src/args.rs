//! The keyword arguments of one call (JSON from Python), taken one by one into the Rust types
//! the generated dispatch asks for; a wrong one is an error naming the operation and the field.

use pspkit::Error;

/// The keyword arguments of one call, taken one by one into their Rust types.
pub struct Args {
    operation: &'static str,
    map: serde_json::Map<String, serde_json::Value>,
}

impl Args {
    /// The arguments of `operation`: a JSON object.
    pub fn new(operation: &'static str, args: serde_json::Value) -> Result<Self, Error> {
        match args {
            serde_json::Value::Object(map) => Ok(Self { operation, map }),
            serde_json::Value::Null => Ok(Self { operation, map: serde_json::Map::new() }),
            _ => Err(invalid(operation, "arguments", "must be keyword arguments")),
        }
    }

    /// Argument `name` as a `T` (absent is `null`, i.e. `None`); a mismatch names the field
    /// and the rule, before anything is sent.
    pub fn take<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        let value = self.map.remove(name).unwrap_or(serde_json::Value::Null);
        serde_path_to_error::deserialize(value).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { name.to_owned() } else { format!("{name}.{path}") };
            invalid(self.operation, &field, &e.into_inner().to_string())
        })
    }

    /// Fails on an argument the operation does not have.
    pub fn finish(self) -> Result<(), Error> {
        match self.map.keys().next() {
            Some(extra) => Err(invalid(self.operation, extra, "is not an argument of this operation")),
            None => Ok(()),
        }
    }
}

pub(crate) fn invalid(operation: &'static str, field: &str, rule: &str) -> Error {
    Error::InvalidRequest { operation, field: field.to_owned(), rule: rule.to_owned() }
}

/// An operation name the generated dispatch does not know.
pub fn unknown_operation(name: &str) -> Error {
    Error::Config(format!("unknown operation {name:?}"))
}

pub(crate) fn parse_args(args: &[u8]) -> Result<serde_json::Value, Error> {
    serde_json::from_slice(args).map_err(|e| Error::Config(format!("arguments are not JSON: {e}")))
}
