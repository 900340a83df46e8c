//! The keyword arguments of one call as Python gives them (a dict of JSON-shaped values), read
//! into a JSON value without JSON text in between; the generated dispatch then takes them one by
//! one into their Rust types (`pspkit_cli::Args`).

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString, PyTuple};

use pspkit::Error;

/// How deep arguments may nest: deeper (or a list that contains itself) is refused, not a
/// stack overflow.
const MAX_DEPTH: usize = 128;

/// The keyword arguments of `operation` as a JSON value: a dict of `None`, `bool`, `int`,
/// `float`, `str`, lists, tuples and dicts with `str` keys (what the generated modules pack them
/// into). A value that cannot be sent is the caller's error, naming where it is (`body.meta`).
pub(crate) fn from_python(args: &Bound<'_, PyAny>, operation: &'static str) -> Result<serde_json::Value, Error> {
    value(args, operation, Path::Root, 0)
}

/// The value of the keyword argument `name` given apart from the operation's own (`extra_body`),
/// read as if it were one of them: as deep, and its refusals named from it (`extra_body.fee`).
pub(crate) fn argument_from_python(
    argument: &Bound<'_, PyAny>,
    operation: &'static str,
    name: &str,
) -> Result<serde_json::Value, Error> {
    value(argument, operation, Path::Key(&Path::Root, name), 1)
}

/// Where a value is among the arguments, written out only for an error: building each item's
/// path up front cost the length of its path for every item, quadratic in a long key holding a
/// long list.
#[derive(Clone, Copy)]
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    /// `body.meta[3]`, or `arguments` for the whole.
    fn written(&self) -> String {
        match self {
            Path::Root => "arguments".to_owned(),
            Path::Key(Path::Root, key) => (*key).to_owned(),
            Path::Key(parent, key) => format!("{}.{key}", parent.written()),
            Path::Index(parent, i) => format!("{}[{i}]", parent.written()),
        }
    }
}

fn value(
    v: &Bound<'_, PyAny>,
    operation: &'static str,
    path: Path<'_>,
    depth: usize,
) -> Result<serde_json::Value, Error> {
    use serde_json::Value;
    let refuse = |rule: String| Error::InvalidRequest { operation, field: path.written(), rule };
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
            // the module's serde_json keeps a number's text (`arbitrary_precision`): every digit
            _ => exact_number(v).ok_or_else(|| refuse("is an integer too large to send".into())),
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
    if v.is_instance(&crate::models::decimal_class(v.py()).map_err(|_| refuse("cannot read decimals".into()))?)
        .unwrap_or(false)
    {
        // a finite Decimal, as a JSON number of the same digits (`Decimal('1.10')` is `1.10`)
        return exact_number(v).ok_or_else(|| {
            let shown = v.str().map(|text| text.to_string()).unwrap_or_default();
            refuse(format!("must be a finite number, not {shown}"))
        });
    }
    if let Ok(d) = v.cast::<PyDict>() {
        let mut map = serde_json::Map::new();
        for (k, item) in d.iter() {
            let key = k.cast::<PyString>().map_err(|_| refuse("has a key that is not a string".into()))?;
            let key = key.to_cow().map_err(|_| refuse("has a key that is not valid text".into()))?;
            let item = value(&item, operation, Path::Key(&path, &key), depth + 1)?;
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
    items.iter().enumerate().map(|(i, item)| value(item, operation, Path::Index(&path, i), depth + 1)).collect()
}

/// A JSON number of exactly the digits `str()` writes for `number` (a Python `int` or `Decimal`),
/// or `None` when that is no JSON number (`NaN`, `Infinity`).
fn exact_number(number: &Bound<'_, PyAny>) -> Option<serde_json::Value> {
    let text = number.str().ok()?;
    text.to_cow().ok()?.parse::<serde_json::Number>().ok().map(serde_json::Value::Number)
}
