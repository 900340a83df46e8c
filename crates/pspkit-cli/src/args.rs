//! The arguments of one call by name (keyword arguments from Python, flags from the command
//! line), taken one by one into the Rust types the generated dispatch asks for; a wrong one is an
//! error naming the operation and the field, before anything is sent.

use pspkit::Error;

/// The arguments of one call: a JSON object of values by argument name, and optionally the
/// request body as JSON text (the CLI's `--body`), read straight into the body's type so that
/// its amounts are parsed from their own digits.
#[derive(Clone, Debug, Default)]
pub struct Arguments {
    values: serde_json::Value,
    body_text: Option<String>,
}

impl Arguments {
    /// Values by name, and the body as JSON text.
    pub fn with_body(values: serde_json::Value, body_text: Option<String>) -> Self {
        Self { values, body_text }
    }
}

impl From<serde_json::Value> for Arguments {
    fn from(values: serde_json::Value) -> Self {
        Self { values, body_text: None }
    }
}

/// The arguments of one call, taken one by one into their Rust types.
pub struct Args {
    operation: &'static str,
    map: serde_json::Map<String, serde_json::Value>,
    body_text: Option<String>,
}

impl Args {
    /// The arguments of `operation`: a JSON object (or nothing).
    pub fn new(operation: &'static str, args: impl Into<Arguments>) -> Result<Self, Error> {
        let Arguments { values, body_text } = args.into();
        match values {
            serde_json::Value::Object(map) => Ok(Self { operation, map, body_text }),
            serde_json::Value::Null => Ok(Self { operation, map: serde_json::Map::new(), body_text }),
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

    /// The request body: from its JSON text when given as text, else the `body` argument.
    pub fn take_body<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, Error> {
        let Some(text) = self.body_text.take() else { return self.take("body") };
        let mut reader = serde_json::Deserializer::from_str(&text);
        let body = serde_path_to_error::deserialize(&mut reader).map_err(|e| {
            let path = e.path().to_string();
            let field = if path == "." { "body".to_owned() } else { format!("body.{path}") };
            invalid(self.operation, &field, &e.into_inner().to_string())
        })?;
        reader.end().map_err(|e| invalid(self.operation, "body", &e.to_string()))?;
        Ok(body)
    }

    /// Fails on an argument the operation does not have.
    pub fn finish(self) -> Result<(), Error> {
        match self.map.keys().next() {
            Some(extra) => Err(invalid(self.operation, extra, "is not an argument of this operation")),
            None => Ok(()),
        }
    }
}

fn invalid(operation: &'static str, field: &str, rule: &str) -> Error {
    Error::InvalidRequest { operation, field: field.to_owned(), rule: rule.to_owned() }
}

/// An operation name the generated dispatch does not know.
pub fn unknown_operation(name: &str) -> Error {
    Error::Config(format!("unknown operation {name:?}"))
}
