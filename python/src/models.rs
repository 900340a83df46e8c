//! Decoded Rust values handed to Python as they are, without JSON in between.
//!
//! A response struct becomes an object of its Python model class, whose native part
//! ([`ModelBase`], the base of every model class) holds a [`Record`]: the typed Rust value and
//! one cache slot per field. The model asks the record for a field when the
//! field is read; the record converts that field alone on the first read (money to `Decimal`,
//! times to aware `datetime`, open enums to their members, nested structs to model objects,
//! lists and maps item by item) and keeps the result. A page of a hundred objects of which a
//! script reads four fields converts four fields a hundred times, not the page.
//!
//! A struct inside another (a page's items, an object's nested object) is read where it lies:
//! its record shares the decoded value of the response it came in and holds the way to it, so
//! reading a page's items copies none of them. An item kept therefore keeps its page's Rust
//! value alive, as a view keeps its array.
//!
//! [`ToPy`] is the conversion of each kind of field; `dispatch.rs`, generated from the specs,
//! implements it (and [`Fields`]) for every type of every provider.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyBytes, PyDict, PyList, PyType};
use serde::Serialize;

use crate::slot::Slots;

/// A Rust value as a Python object: text as `str`, exact numbers as `Decimal`, times as aware
/// `datetime`, structs as [`Record`]s.
pub trait ToPy {
    /// Whether the value is one struct (or an optional or boxed one), which [`ToPy::to_py_in`]
    /// reads in place: a list of such values is converted item by item in place.
    const IN_PLACE: bool = false;

    /// The value, borrowed (a field read from a record).
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>>;

    /// The value, owned (a payload): a struct moves into its record instead of being copied.
    fn into_py_owned(self, py: Python<'_>) -> PyResult<Py<PyAny>>
    where
        Self: Sized,
    {
        self.to_py(py)
    }

    /// The value as the field `step` of the struct at `origin`: a struct, or each struct of a
    /// list, becomes an object whose record reads it where it lies (no copy); anything else is
    /// converted as [`ToPy::to_py`] converts it.
    fn to_py_in(&self, py: Python<'_>, origin: &Origin<'_>, step: Step) -> PyResult<Py<PyAny>> {
        let _ = (origin, step);
        self.to_py(py)
    }

    /// The struct at `index` of the value (a list's item; the value itself at 0): how a record
    /// made by [`ToPy::to_py_in`] finds its struct again.
    fn element(&self, index: usize) -> Option<&dyn Fields> {
        let _ = index;
        None
    }
}

/// The fields of a response struct, by position: the order of the model's fields, which is also
/// the order of the Python model class's `_fields` (both are rendered from the same model).
pub trait Fields: Send + Sync + 'static {
    /// The fields' names on the wire, in order.
    fn wires(&self) -> &'static [&'static str];
    /// The field at `position` as a Python object; `origin` is where this struct lies.
    fn convert(&self, py: Python<'_>, origin: &Origin<'_>, position: usize) -> PyResult<Py<PyAny>>;
    /// The struct at `index` of the field at `position` (see [`ToPy::element`]).
    fn element(&self, position: usize, index: usize) -> Option<&dyn Fields>;
    /// The value as the provider's JSON (for `to_json`, `==` and pickling).
    fn to_json(&self) -> serde_json::Result<Vec<u8>>;
}

/// One step from a struct to a struct inside it: the field's position and, in a list, the
/// item's index (0 otherwise).
#[derive(Clone, Copy, Debug)]
pub struct Step {
    position: usize,
    index: usize,
}

impl Step {
    /// The field at `position`, or its item at `index` when the field is a list.
    pub fn new(position: usize, index: usize) -> Self {
        Step { position, index }
    }
}

/// Where a struct lies: the decoded value of the response it came in, and the steps to it.
pub struct Origin<'a> {
    root: &'a Arc<dyn Fields>,
    path: &'a [Step],
}

/// One empty cache slot per field of `value`.
fn empty_slots(value: &dyn Fields) -> Slots {
    Slots::new(value.wires().len())
}

/// The steps from a response's value to a struct inside it: held inline up to two deep (a
/// page's items, and a struct in one of them), as most are, sparing each item an allocation.
type Path = smallvec::SmallVec<[Step; 2]>;

/// A decoded response struct, read by Python one field at a time; each field is converted on
/// its first read and kept. The model object of the struct's class holds it.
pub struct Record {
    /// The decoded value of the whole response, shared by the records of the structs inside it.
    root: Arc<dyn Fields>,
    /// The steps from `root` to this record's struct (none for the response's own).
    path: Path,
    converted: Slots,
}

impl Record {
    /// A record of a decoded struct.
    pub fn new<T: Fields>(value: T) -> Self {
        let converted = empty_slots(&value);
        Record { root: Arc::new(value), path: Path::new(), converted }
    }

    /// A record of the struct `value`, found from `origin` by `step`.
    fn within(value: &dyn Fields, origin: &Origin<'_>, step: Step) -> Self {
        let path = origin.path.iter().copied().chain([step]).collect();
        Record { root: Arc::clone(origin.root), path, converted: empty_slots(value) }
    }

    /// The record's struct, found by following its path from the response's value (which never
    /// changes: the path was taken from that very value).
    fn value(&self) -> PyResult<&dyn Fields> {
        let mut value: &dyn Fields = &*self.root;
        for step in &self.path {
            value = value
                .element(step.position, step.index)
                .ok_or_else(|| PyRuntimeError::new_err("a nested object no longer matches the response it came in"))?;
        }
        Ok(value)
    }

    /// The field at `position` (in the model's order) as its Python value: converted on the first
    /// read and kept; `None` when it is absent. Lists and dicts, at any depth, are handed out as
    /// fresh copies ([`fresh`]), so changing what one read returned leaves the object as it was.
    fn read(&self, py: Python<'_>, position: usize) -> PyResult<Py<PyAny>> {
        let Some(slot) = self.converted.get(position) else {
            return Ok(py.None());
        };
        let value = match slot.get(py) {
            Some(done) => done,
            None => {
                let origin = Origin { root: &self.root, path: &self.path };
                let value = self.value()?.convert(py, &origin, position)?.into_bound(py);
                // Another thread may have converted it meanwhile: either result is the same value.
                slot.keep(value)
            }
        };
        Ok(fresh(&value)?.unbind())
    }
}

/// `value` with every list and dict in it copied (the rest, immutable or a model object, is
/// shared): what a read hands out, so that changing it, at any depth, leaves the object as it
/// was and cannot make the object refer to itself.
///
/// The lists and dicts in a kept value are the plain ones its conversion made, never a subclass,
/// so an exact type check (a pointer comparison) finds them: `isinstance`'s check costs a call
/// into the interpreter under the stable ABI, and this runs on every read of every field.
fn fresh<'py>(value: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    let py = value.py();
    if let Ok(list) = value.cast_exact::<PyList>() {
        let items = list.iter().map(|item| fresh(&item)).collect::<PyResult<Vec<_>>>()?;
        return Ok(PyList::new(py, items)?.into_any());
    }
    if let Ok(dict) = value.cast_exact::<PyDict>() {
        let copy = PyDict::new(py);
        for (key, item) in dict.iter() {
            copy.set_item(key, fresh(&item)?)?;
        }
        return Ok(copy.into_any());
    }
    Ok(value.clone())
}

/// What a model object holds.
enum Data {
    /// A decoded response struct.
    Decoded(Record),
    /// The JSON form (wire names) of an object built in Python: a request, `from_dict`, a copy.
    Json(Py<PyAny>),
}

/// The native part of every model object (`pspkit._runtime.Model` derives from it): the object
/// and what it holds are one allocation, and a field read finds the record without an attribute
/// lookup. Set once, when the object is made: by the response it came in, or by Python with its
/// JSON form.
#[pyclass(subclass, frozen, module = "pspkit._native")]
pub struct ModelBase {
    data: OnceLock<Data>,
}

impl ModelBase {
    fn decoded(&self) -> PyResult<&Record> {
        match self.data.get() {
            Some(Data::Decoded(record)) => Ok(record),
            _ => Err(PyValueError::new_err("this object was built in Python, not decoded from a response")),
        }
    }
}

#[pymethods]
impl ModelBase {
    /// An empty object; the model class's `__init__` (or `_rebuild`) gives it its JSON form.
    /// Takes and ignores the class's arguments, which are `__init__`'s.
    #[new]
    #[pyo3(signature = (*_args, **_kwargs))]
    fn new(_args: &Bound<'_, pyo3::types::PyTuple>, _kwargs: Option<&Bound<'_, PyDict>>) -> Self {
        ModelBase { data: OnceLock::new() }
    }

    /// Gives an object built in Python its JSON form (a dict of wire names), once.
    fn _set_json(&self, data: Py<PyAny>) -> PyResult<()> {
        self.data
            .set(Data::Json(data))
            .map_err(|_| PyValueError::new_err("a model object's value is set once, when it is made"))
    }

    /// The JSON form of an object built in Python; `None` for one decoded from a response.
    #[getter]
    fn _data(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        match self.data.get() {
            Some(Data::Json(json)) => Some(json.clone_ref(py)),
            _ => None,
        }
    }

    /// The fields' names on the wire, in the order the model's fields read them (a decoded
    /// object).
    fn _wires(&self) -> PyResult<Vec<&'static str>> {
        Ok(self.decoded()?.value()?.wires().to_vec())
    }

    /// The value as the provider's JSON text (wire names; a decoded object).
    fn _wire_json<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyBytes>> {
        let json = self
            .decoded()?
            .value()?
            .to_json()
            .map_err(|e| PyValueError::new_err(format!("cannot encode the value: {e}")))?;
        Ok(PyBytes::new(py, &json))
    }
}

/// A field of a model class: a descriptor, found by attribute lookup as a property is, that
/// reads a response's field from its record without running Python in between (a property's
/// getter is a Python function call on every read of every field); the record's value is the
/// field's Python value already (see [`Record::read`]). An object built in Python (a request,
/// `from_dict`) holds its JSON form instead of a record, and `python`, the field's Python
/// getter, reads that.
#[pyclass(frozen, module = "pspkit._native")]
pub struct Field {
    position: usize,
    python: Py<PyAny>,
}

#[pymethods]
impl Field {
    #[new]
    fn new(position: usize, python: Py<PyAny>) -> Self {
        Field { position, python }
    }

    /// The field of `instance`; the descriptor itself when read from the class.
    fn __get__(
        slf: &Bound<'_, Self>,
        instance: Option<&Bound<'_, PyAny>>,
        _owner: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let Some(instance) = instance else {
            return Ok(slf.clone().into_any().unbind());
        };
        let field = slf.get();
        match instance.cast::<ModelBase>().map(|model| model.get().data.get()) {
            Ok(Some(Data::Decoded(record))) => record.read(py, field.position),
            _ => field.python.call1(py, (instance,)),
        }
    }

    /// Fields are read-only, as a property without a setter is (which also makes this a data
    /// descriptor, looked up before anything else of the instance).
    fn __set__(&self, instance: &Bound<'_, PyAny>, _value: &Bound<'_, PyAny>) -> PyResult<()> {
        let class = instance.get_type().name()?;
        Err(pyo3::exceptions::PyAttributeError::new_err(format!("{class} objects are read-only")))
    }
}

/// `module.path[0].path[1]...` (a provider's model class, `datetime.fromisoformat`),
/// looked up on first use and kept in `cell`: these lookups sit on the path of every value.
pub fn lookup<'py>(
    py: Python<'py>,
    cell: &'static PyOnceLock<Py<PyAny>>,
    module: &str,
    path: &[&str],
) -> PyResult<Bound<'py, PyAny>> {
    let found = cell.get_or_try_init(py, || find(py, module, path).map(Bound::unbind))?;
    Ok(found.bind(py).clone())
}

/// `module.path[0].path[1]...`, looked up on each call ([`lookup`] keeps what it finds).
fn find<'py>(py: Python<'py>, module: &str, path: &[&str]) -> PyResult<Bound<'py, PyAny>> {
    let mut found = py.import(module)?.into_any();
    for name in path {
        found = found.getattr(*name)?;
    }
    Ok(found)
}

/// A struct as an object of its Python model class (`class`), which reads the fields from the
/// struct's record.
pub fn model<T: Fields>(py: Python<'_>, class: &Bound<'_, PyAny>, value: T) -> PyResult<Py<PyAny>> {
    object(py, class, Record::new(value))
}

/// The struct `value`, lying at `step` from `origin`, as an object of its model class `class`
/// that reads it there (see [`ToPy::to_py_in`]).
pub fn model_in(
    py: Python<'_>,
    class: &Bound<'_, PyAny>,
    value: &dyn Fields,
    origin: &Origin<'_>,
    step: Step,
) -> PyResult<Py<PyAny>> {
    object(py, class, Record::within(value, origin, step))
}

/// An object of the model class `class` holding `record`: made by the class's `__new__`
/// (`ModelBase`'s, which every model class inherits) called as a C function, so that neither
/// Python's call machinery nor the model's `__init__`, which takes keyword arguments, runs:
/// this runs for every item of every page.
fn object(py: Python<'_>, class: &Bound<'_, PyAny>, record: Record) -> PyResult<Py<PyAny>> {
    let class = class.cast::<PyType>()?;
    // SAFETY: `class` is a live type object (the GIL is held); its `tp_new` slot is a `newfunc`
    // or NULL, and `Option<newfunc>` has the layout of a nullable pointer.
    let new: Option<pyo3::ffi::newfunc> =
        unsafe { std::mem::transmute(pyo3::ffi::PyType_GetSlot(class.as_type_ptr(), pyo3::ffi::Py_tp_new)) };
    let new = new.ok_or_else(|| PyValueError::new_err("a model class without __new__"))?;
    let no_arguments = pyo3::types::PyTuple::empty(py);
    // SAFETY: the class's own `tp_new` with the class, an argument tuple and no keywords; it
    // returns a new reference, or NULL with an exception set.
    let object = unsafe {
        Bound::from_owned_ptr_or_err(py, new(class.as_type_ptr(), no_arguments.as_ptr(), std::ptr::null_mut()))?
    };
    let made = object.cast::<ModelBase>()?;
    if made.get().data.set(Data::Decoded(record)).is_err() {
        return Err(PyValueError::new_err("a model class whose __new__ sets a value"));
    }
    // A decoded object takes no part in a reference cycle: what it holds (its fields' values,
    // made from the Rust value, and the objects of the structs inside it) never refers back to
    // it, and Python code cannot add to it (the model classes have no `__dict__` and no setter;
    // its lists and dicts are handed out as copies, at every depth). So the cycle collector need
    // not track it: tracked, the hundred objects of each page made it run a collection every few
    // pages, each going through every object made since.
    // SAFETY: `object` is a live object of a class with `Py_TPFLAGS_HAVE_GC` (every pyclass and
    // its subclasses), tracked by its `tp_alloc`; untracking it is what a type that knows its
    // objects hold no cycles does, and its `tp_dealloc` untracks only what is still tracked.
    unsafe { pyo3::ffi::PyObject_GC_UnTrack(object.as_ptr().cast()) };
    Ok(object.unbind())
}

/// An open enum's value as the member of its Python class `module.name`, or as its text when the
/// spec does not list it. `known` is the enum's listed values in the Rust type's order; their
/// members are looked up once (into `members`, in that order), so a value costs a comparison of
/// a few short strings instead of a Python string made, hashed and looked up in a dict.
pub fn member(
    py: Python<'_>,
    members: &'static PyOnceLock<Vec<Py<PyAny>>>,
    module: &str,
    name: &str,
    known: &'static [&'static str],
    text: &str,
) -> PyResult<Py<PyAny>> {
    let Some(index) = known.iter().position(|value| *value == text) else {
        return Ok(pyo3::types::PyString::new(py, text).into_any().unbind());
    };
    let members = members.get_or_try_init(py, || {
        let by_value = find(py, module, &[name, "_value2member_map_"])?;
        let by_value = by_value.cast::<PyDict>()?;
        known
            .iter()
            .map(|value| match by_value.get_item(value)? {
                Some(member) => Ok(member.unbind()),
                // a value the Python enum does not list stays its text, as any unknown value does
                None => Ok(pyo3::types::PyString::new(py, value).into_any().unbind()),
            })
            .collect::<PyResult<Vec<_>>>()
    })?;
    Ok(members[index].clone_ref(py))
}

/// A value of a type that has no fields to read one by one (a tagged union, a closed enum, a
/// newtype): its JSON form, as `json.loads` would give it (floats as `Decimal`).
pub fn via_json<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let json = serde_json::to_value(value).map_err(|e| PyValueError::new_err(format!("cannot encode: {e}")))?;
    json.to_py(py)
}

/// `decimal.Decimal`, looked up once.
pub(crate) fn decimal_class(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    static DECIMAL: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    lookup(py, &DECIMAL, "decimal", &["Decimal"])
}

/// `decimal.Decimal(text)`: exact, whatever the number of digits.
fn decimal(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    Ok(decimal_class(py)?.call1((text,))?.unbind())
}

/// A number of an untyped field (`serde_json::Value`) beyond 64 bits or with a fraction, from the
/// provider's own text: this module turns on serde_json's `arbitrary_precision`, so the text is
/// every digit the provider sent (`1e400` and a 30-digit reference included), never an `f64`'s.
/// An integer becomes an `int` as `json.loads` makes it, or a `Decimal` when it has more digits
/// than Python reads into an `int` (`sys.get_int_max_str_digits()`; `json.loads` raises there);
/// any other number a `Decimal`, as `json.loads(parse_float=Decimal)` makes it. A number no
/// `Decimal` holds is a `ValueError` that says so when the field is read.
pub(crate) fn exact_number(py: Python<'_>, text: &str) -> PyResult<Py<PyAny>> {
    if !text.contains(['.', 'e', 'E'])
        && let Ok(whole) = py.get_type::<pyo3::types::PyInt>().call1((text,))
    {
        return Ok(whole.unbind());
    }
    // `1e9999999999999999999`: an exponent past the 18 digits `Decimal` takes
    decimal(py, text).map_err(|_| {
        let shown: String = text.chars().take(40).collect();
        let cut = if shown.len() < text.len() { "…" } else { "" };
        PyValueError::new_err(format!("the number {shown}{cut} is beyond what a Python Decimal holds"))
    })
}

/// `value` as a Python `Decimal` with the same digits and exponent. A whole amount (scale 0, as
/// most providers send minor units or pesos) is made from an `int`, which `Decimal` takes
/// without parsing text (about 40% cheaper per amount read); any other from its text. A negative
/// zero keeps its sign through the text.
fn exact_decimal(py: Python<'_>, value: &pspkit::Decimal) -> PyResult<Py<PyAny>> {
    if value.scale() == 0
        && !(value.is_zero() && value.is_sign_negative())
        && let Ok(whole) = i64::try_from(value.mantissa())
    {
        return Ok(decimal_class(py)?.call1((whole,))?.unbind());
    }
    decimal(py, &decimal_text(value))
}

/// A decimal's text as `Decimal` reads it back exactly (`-12.3400`, `0.05`, `0.00`): the
/// coefficient's digits (itoa) with the point put in by the scale, several times cheaper than
/// the general `Display` of `rust_decimal`, and this runs for every amount read.
fn decimal_text(value: &pspkit::Decimal) -> String {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(value.mantissa().unsigned_abs());
    let scale = value.scale() as usize;
    let mut out = String::with_capacity(digits.len() + scale + 3);
    if value.is_sign_negative() {
        out.push('-');
    }
    if digits.len() > scale {
        let (whole, fraction) = digits.split_at(digits.len() - scale);
        out.push_str(whole);
        if !fraction.is_empty() {
            out.push('.');
            out.push_str(fraction);
        }
    } else {
        out.push_str("0.");
        out.extend(std::iter::repeat_n('0', scale - digits.len()));
        out.push_str(digits);
    }
    out
}

impl ToPy for String {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.into_any().unbind())
    }
}

impl ToPy for bool {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(self.into_pyobject(py)?.to_owned().into_any().unbind())
    }
}

macro_rules! integers {
    ($($t:ty),*) => {$(
        impl ToPy for $t {
            fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
                Ok(self.into_pyobject(py)?.into_any().unbind())
            }
        }
    )*};
}
integers!(i8, i16, i32, i64, u8, u16, u32, u64, std::num::NonZeroU64, std::num::NonZeroU32);

impl ToPy for f64 {
    /// As `json.loads(parse_float=Decimal)` reads a JSON number with a fraction.
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        decimal(py, &self.to_string())
    }
}

impl ToPy for () {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        Ok(py.None())
    }
}

impl<T: ToPy> ToPy for Option<T> {
    const IN_PLACE: bool = T::IN_PLACE;
    fn to_py_in(&self, py: Python<'_>, origin: &Origin<'_>, step: Step) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.to_py_in(py, origin, step),
            None => Ok(py.None()),
        }
    }
    fn element(&self, index: usize) -> Option<&dyn Fields> {
        self.as_ref()?.element(index)
    }
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.to_py(py),
            None => Ok(py.None()),
        }
    }
    fn into_py_owned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        match self {
            Some(v) => v.into_py_owned(py),
            None => Ok(py.None()),
        }
    }
}

impl<T: ToPy> ToPy for Box<T> {
    const IN_PLACE: bool = T::IN_PLACE;
    fn to_py_in(&self, py: Python<'_>, origin: &Origin<'_>, step: Step) -> PyResult<Py<PyAny>> {
        (**self).to_py_in(py, origin, step)
    }
    fn element(&self, index: usize) -> Option<&dyn Fields> {
        (**self).element(index)
    }
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (**self).to_py(py)
    }
    fn into_py_owned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        (*self).into_py_owned(py)
    }
}

impl<T: ToPy> ToPy for Vec<T> {
    /// A list of structs is read in place item by item: its items are the structs of `step`'s
    /// field, by index.
    fn to_py_in(&self, py: Python<'_>, origin: &Origin<'_>, step: Step) -> PyResult<Py<PyAny>> {
        if !T::IN_PLACE {
            return self.to_py(py);
        }
        let items = self
            .iter()
            .enumerate()
            .map(|(index, v)| v.to_py_in(py, origin, Step::new(step.position, index)))
            .collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any().unbind())
    }
    fn element(&self, index: usize) -> Option<&dyn Fields> {
        if T::IN_PLACE { self.get(index)?.element(0) } else { None }
    }
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = self.iter().map(|v| v.to_py(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any().unbind())
    }
    fn into_py_owned(self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let items = self.into_iter().map(|v| v.into_py_owned(py)).collect::<PyResult<Vec<_>>>()?;
        Ok(PyList::new(py, items)?.into_any().unbind())
    }
}

fn dict<'a, K: AsRef<str> + 'a, V: ToPy + 'a>(
    py: Python<'_>,
    entries: impl Iterator<Item = (&'a K, &'a V)>,
) -> PyResult<Py<PyAny>> {
    let out = PyDict::new(py);
    for (k, v) in entries {
        out.set_item(k.as_ref(), v.to_py(py)?)?;
    }
    Ok(out.into_any().unbind())
}

impl<V: ToPy, S> ToPy for HashMap<String, V, S> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        dict(py, self.iter())
    }
}

impl<V: ToPy> ToPy for BTreeMap<String, V> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        dict(py, self.iter())
    }
}

impl ToPy for serde_json::Map<String, serde_json::Value> {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        dict(py, self.iter())
    }
}

impl ToPy for serde_json::Value {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        use serde_json::Value;
        match self {
            Value::Null => Ok(py.None()),
            Value::Bool(b) => b.to_py(py),
            Value::Number(n) => match (n.as_i64(), n.as_u64()) {
                (Some(i), _) => i.to_py(py),
                (_, Some(u)) => u.to_py(py),
                _ => exact_number(py, &n.to_string()),
            },
            Value::String(s) => s.to_py(py),
            Value::Array(items) => items.to_py(py),
            Value::Object(map) => map.to_py(py),
        }
    }
}

impl ToPy for pspkit::DecimalString {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        exact_decimal(py, &self.0)
    }
}

impl ToPy for pspkit::DecimalNumber {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        exact_decimal(py, &self.0)
    }
}

impl ToPy for pspkit::Sensitive {
    /// The text itself: a Python caller reads a field to use its value; the model's `repr`
    /// masks it.
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.expose().to_owned().to_py(py)
    }
}

impl ToPy for pspkit::Id {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        self.0.to_py(py)
    }
}

impl ToPy for pspkit::Timestamp {
    /// An aware `datetime` with the offset the provider sent (UTC when it sent none).
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        use chrono::Datelike;
        if !(1..=9999).contains(&self.0.year()) {
            return Err(PyValueError::new_err(format!(
                "{self} is outside the years a Python datetime holds (1 to 9999)"
            )));
        }
        crate::datetimes::datetime(py, &self.0)
    }
}

impl ToPy for pspkit::Date {
    fn to_py(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        crate::datetimes::date(py, &self.naive())
    }
}
