//! The keyword arguments of one call (a dict of JSON-shaped values from Python, read without
//! JSON text in between), taken one by one into the Rust types the generated dispatch asks for;
//! a wrong one is an error naming the operation and the field.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

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

/// How deep arguments may nest: deeper (or a list that contains itself) is refused, not a
/// stack overflow.
const MAX_DEPTH: usize = 128;

/// The keyword arguments as a JSON value: a dict of `None`, `bool`, `int`, `float`, `str`,
/// lists, tuples and dicts with `str` keys (what the generated modules pack them into).
pub(crate) fn from_python(args: &Bound<'_, PyAny>) -> Result<serde_json::Value, Error> {
    value(args, "arguments", 0)
}

fn value(v: &Bound<'_, PyAny>, path: &str, depth: usize) -> Result<serde_json::Value, Error> {
    use serde_json::Value;
    let refuse = |rule: String| Error::Config(format!("{path}: {rule}"));
    if depth > MAX_DEPTH {
        return Err(refuse(format!("nested more than {MAX_DEPTH} levels deep")));
    }
    if v.is_none() {
        return Ok(Value::Null);
    }
    // `bool` before `int`: in Python a bool is an int
    if let Ok(b) = v.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if let Ok(i) = v.cast::<PyInt>() {
        return match (i.extract::<i64>(), i.extract::<u64>()) {
            (Ok(n), _) => Ok(n.into()),
            (_, Ok(n)) => Ok(n.into()),
            _ => Err(refuse("is an integer too large to send".into())),
        };
    }
    if let Ok(s) = v.cast::<PyString>() {
        return Ok(Value::String(s.to_cow().map_err(|_| refuse("is not valid text".into()))?.into_owned()));
    }
    if let Ok(f) = v.cast::<PyFloat>() {
        return serde_json::Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| refuse("is not a finite number".into()));
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, item) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| refuse("has a key that is not a string".into()))?;
            let key = key.to_cow().map_err(|_| refuse("has a key that is not valid text".into()))?;
            let item = value(&item, &format!("{path}.{key}"), depth + 1)?;
            map.insert(key.into_owned(), item);
        }
        return Ok(Value::Object(map));
    }
    let items: Vec<Bound<'_, PyAny>> = if let Ok(l) = v.cast::<PyList>() {
        l.iter().collect()
    } else if let Ok(t) = v.cast::<PyTuple>() {
        t.iter().collect()
    } else {
        let kind = v.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "object".into());
        return Err(refuse(format!("cannot send a {kind}")));
    };
    items.iter().enumerate().map(|(i, item)| value(item, &format!("{path}[{i}]"), depth + 1)).collect()
}
