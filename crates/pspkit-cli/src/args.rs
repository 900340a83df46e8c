//! The arguments of one call by name (keyword arguments from Python, flags from the command
//! line), taken one by one into the Rust types the generated dispatch asks for; a wrong one is an
//! error naming the operation and the field, before anything is sent.

use pspkit::Error;

/// The arguments of one call: a JSON object of values by argument name, and some given as JSON
/// text instead (the CLI's `--body` and its JSON flags), read straight into their types so that
/// amounts inside them are parsed from their own digits, never through a float.
#[derive(Clone, Debug, Default)]
pub struct Arguments {
    values: serde_json::Value,
    texts: std::collections::BTreeMap<String, String>,
}

impl Arguments {
    /// Values by name, and the body as JSON text.
    pub fn with_body(values: serde_json::Value, body_text: Option<String>) -> Self {
        let texts = body_text.map(|t| ("body".to_owned(), t)).into_iter().collect();
        Self { values, texts }
    }

    /// Argument `name` given as JSON text.
    pub fn text(mut self, name: &str, json: String) -> Self {
        self.texts.insert(name.to_owned(), json);
        self
    }
}

impl From<serde_json::Value> for Arguments {
    fn from(values: serde_json::Value) -> Self {
        Self { values, texts: Default::default() }
    }
}

/// The arguments of one call, taken one by one into their Rust types.
pub struct Args {
    operation: &'static str,
    map: serde_json::Map<String, serde_json::Value>,
    texts: std::collections::BTreeMap<String, String>,
}

impl Args {
    /// The arguments of `operation`: a JSON object (or nothing).
    pub fn new(operation: &'static str, args: impl Into<Arguments>) -> Result<Self, Error> {
        let Arguments { values, texts } = args.into();
        match values {
            serde_json::Value::Object(map) => Ok(Self { operation, map, texts }),
            serde_json::Value::Null => Ok(Self { operation, map: serde_json::Map::new(), texts }),
            _ => Err(invalid(operation, "arguments", "must be keyword arguments")),
        }
    }

    /// Argument `name` as a `T` (absent is `null`, i.e. `None`); a mismatch names the field
    /// and the rule, before anything is sent.
    pub fn take<T: serde::de::DeserializeOwned>(&mut self, name: &str) -> Result<T, Error> {
        let named = |path: String| if path == "." { name.to_owned() } else { format!("{name}.{path}") };
        if let Some(text) = self.texts.remove(name) {
            let mut reader = serde_json::Deserializer::from_str(&text);
            let value = serde_path_to_error::deserialize(&mut reader)
                .map_err(|e| invalid(self.operation, &named(e.path().to_string()), &e.into_inner().to_string()))?;
            reader.end().map_err(|e| invalid(self.operation, name, &e.to_string()))?;
            return Ok(value);
        }
        let value = self.map.remove(name).unwrap_or(serde_json::Value::Null);
        serde_path_to_error::deserialize(value)
            .map_err(|e| invalid(self.operation, &named(e.path().to_string()), &e.into_inner().to_string()))
    }

    /// Sets each of `fields` (a walk's position and size, with a placeholder value) in the request
    /// body where the caller gave none: a walk over a list paged in its body sets them on every
    /// page, but the body's type requires them to be read at all. A body given as JSON text gets
    /// them written in after its opening brace, the rest of the text untouched: its amounts keep
    /// their digits, and what reading it refuses (a repeated key) is refused as without a walk.
    /// A text that is not a JSON object is left as it is, for reading it to say what is wrong.
    pub fn with_paging_placeholders(mut self, fields: &[(&str, u64)]) -> Self {
        if let Some(text) = self.texts.get_mut("body") {
            type Raw = Box<serde_json::value::RawValue>;
            let Ok(body) = serde_json::from_str::<std::collections::BTreeMap<String, Raw>>(text) else {
                return self;
            };
            let missing: Vec<String> = fields
                .iter()
                .filter(|(field, _)| !body.contains_key(*field))
                .filter_map(|(field, placeholder)| {
                    Some(format!("{}:{placeholder}", serde_json::to_string(field).ok()?))
                })
                .collect();
            // it read as an object, so its first character that is not white space is the brace
            if let Some(brace) = text.find('{')
                && !missing.is_empty()
            {
                let rest = &text[brace + 1..];
                let separator = if rest.trim_start().starts_with('}') { "" } else { "," };
                *text = format!("{}{{{}{separator}{rest}", &text[..brace], missing.join(","));
            }
            return self;
        }
        let body = self.map.entry("body").or_insert_with(|| serde_json::Value::Object(serde_json::Map::new()));
        if let serde_json::Value::Object(body) = body {
            for (field, placeholder) in fields {
                body.entry(*field).or_insert_with(|| (*placeholder).into());
            }
        }
        self
    }

    /// The request body (the `body` argument).
    pub fn take_body<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, Error> {
        self.take("body")
    }

    /// Fails on an argument the operation does not have.
    pub fn finish(self) -> Result<(), Error> {
        match self.map.keys().next() {
            Some(extra) => Err(invalid(self.operation, extra, "is not an argument of this operation")),
            None => match self.texts.keys().next() {
                Some(extra) => Err(invalid(self.operation, extra, "is not an argument of this operation")),
                None => Ok(()),
            },
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
