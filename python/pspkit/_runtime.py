"""What every generated provider module shares: models, value converters, clients and pages.

The generated modules (``pspkit/<provider>.py``) hold no logic of their own: each model is a
class with a field table, each operation a call of ``Group._call`` with its arguments packed by
the converters below. The Rust side (``pspkit._native``) has already decoded and checked every
response against its type and hands the decoded value over as it is: a model object whose
native part (``_native.ModelBase``, the base of ``Model``) holds it, and reading a field
converts that field alone, in Rust, once.
"""

from __future__ import annotations

import atexit
import enum
import json
import os
import re
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from types import TracebackType
from typing import (
    Any,
    AsyncIterator,
    Callable,
    ClassVar,
    Dict,
    Generic,
    Iterator,
    List,
    Mapping,
    NoReturn,
    Optional,
    Tuple,
    Type,
    TypeVar,
)

from . import _native
from .errors import ValidationError

__all__ = [
    "Model", "OpenEnum", "Client", "AsyncClient", "Group", "Headers", "RawResponse", "Page", "Pager", "AsyncPager"
]

T = TypeVar("T")
_C = TypeVar("_C", bound="_Base")

# an asyncio call's last step runs on a runtime thread after the caller has its result: let it
# finish before the interpreter shuts down (bounded, so a stuck call cannot hang the exit)
atexit.register(_native.wait_idle, 2.0)



def _log_from_environment() -> None:
    """``PSPKIT_LOG=debug|info``: each attempt of each call on stderr (provider, operation,
    attempt, status, latency, retry reason; never a secret). Without it, pspkit's records go to
    the ``pspkit`` logger of the standard ``logging`` module, to configure like any other."""
    wanted = os.environ.get("PSPKIT_LOG", "").strip().lower()
    if wanted not in ("debug", "info"):
        return
    import logging  # only when asked: importing it is a few milliseconds of every start-up

    logger = logging.getLogger("pspkit")
    logger.setLevel(logging.DEBUG if wanted == "debug" else logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("[%(asctime)s %(name)s %(levelname)s] %(message)s"))
        logger.addHandler(handler)


_log_from_environment()

# Whether a field's value is masked in a model's repr: credentials, signatures, one-time codes,
# card data, OnePay's webhook `header`. The rule is the Rust crate's, shared with its error messages.
_is_secret_field = _native.is_secret_field


def _masked(value: Any, depth: int = 0) -> Any:
    """A dict or list value for a repr, with the values of secret-named keys inside it masked
    (an open object of headers holds `Authorization`); anything else as it is."""
    if depth > 32:
        return "..."
    if isinstance(value, dict):
        return {
            k: "***" if isinstance(k, str) and _is_secret_field(k) else _masked(v, depth + 1) for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked(v, depth + 1) for v in value]
    return value


def _invalid(path: str, rule: str) -> ValidationError:
    return ValidationError(f"invalid request: {path}: {rule}", field=path, rule=rule)


def _seconds(name: str, value: Any) -> Optional[float]:
    """A caller's number of seconds (a per-call or client setting), or ``None``; refused, naming
    the setting, when it is not a positive, finite number below 2**64."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise _invalid(name, f"must be a number of seconds, not {type(value).__name__}")
    try:
        seconds = float(value)
    except (OverflowError, ValueError):  # 10**400, Decimal("sNaN")
        seconds = float("nan")
    if not 0 < seconds < 2**64:  # NaN too
        raise _invalid(name, f"must be a positive number of seconds below 2**64, not {seconds}")
    return seconds


def _count(name: str, value: Any, low: int = 0, high: int = 2**64 - 1) -> Optional[int]:
    """A caller's whole number (``page_size``, ``max_items``, ``max_retries``), or ``None``;
    refused, naming it, when it is not a whole number from ``low`` to ``high``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid(name, f"must be a whole number, not {type(value).__name__}")
    if not low <= value <= high:
        raise _invalid(name, f"must be a whole number from {low} to {high}, not {value}")
    return value


# attempts are counted in 32 bits on the Rust side
_MAX_ATTEMPTS = 2**32 - 1


def _attempts(max_retries: Any) -> Optional[int]:
    """The attempts a call may make given the caller's ``max_retries`` (retries after the first
    attempt, as openai-python counts them), or ``None`` for the default."""
    retries = _count("max_retries", max_retries, 0, _MAX_ATTEMPTS - 1)
    return None if retries is None else retries + 1


class Conv:
    """Converts one JSON value to its Python type (``decode``) and back (``encode``). Values of a
    response need neither: the Rust side hands them over in their final form (a struct as an
    object of its model class, a known enum value as its member)."""

    __slots__ = ()

    def decode(self, value: Any) -> Any:
        # an open object or list read from a model built in Python is the reader's own copy:
        # changing it must not change the (read-only) model
        if isinstance(value, (dict, list)):
            import copy

            return copy.deepcopy(value)
        return value

    def encode(self, value: Any, path: str) -> Any:
        return _plain(value, path)


class _Str(Conv):
    __slots__ = ()

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, enum.Enum):
            value = value.value
        if not isinstance(value, str):
            raise _invalid(path, f"must be a string, not {type(value).__name__}")
        return value


class _Int(Conv):
    __slots__ = ()

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _invalid(path, f"must be an integer, not {type(value).__name__}")
        return value


class _Bool(Conv):
    __slots__ = ()

    def encode(self, value: Any, path: str) -> Any:
        if not isinstance(value, bool):
            raise _invalid(path, f"must be a bool, not {type(value).__name__}")
        return value


def _exact(value: Any, path: str) -> Decimal:
    """``value`` as an exact, finite ``Decimal``, or a ``ValidationError`` naming ``path``: never a
    float's binary expansion, ``NaN`` or ``Infinity``."""
    if isinstance(value, float):
        raise _invalid(path, "must be a Decimal, int or str, not float (binary floating point loses cents)")
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise _invalid(path, f"must be a Decimal, int or str, not {type(value).__name__}")
    try:
        exact = Decimal(value)
    except InvalidOperation:
        raise _invalid(path, f"{value!r} is not a decimal number") from None
    if not exact.is_finite():
        raise _invalid(path, "must be a finite number")
    return exact


class _Decimal(Conv):
    """Money and other exact numbers: ``Decimal`` in, ``Decimal`` out, never ``float``."""

    __slots__ = ()

    def decode(self, value: Any) -> Any:
        # what ``from_dict`` was given (a webhook's data, a caller's dict); the field getter
        # names the field in a refusal
        if isinstance(value, str) and "_" in value:  # Decimal reads "1_000" as a thousand
            raise _invalid("value", f"{value[:40]!r} is not a decimal number")
        return _exact(value, "value")

    def encode(self, value: Any, path: str) -> Any:
        # sent as text, so no digit is lost; Rust writes it as a number or a string per the spec
        return str(_exact(value, path))


_FAST_ISO = sys.version_info >= (3, 11)
_ISO = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d(?::\d\d)?)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$")


def _parse_datetime(text: str) -> datetime:
    if _FAST_ISO:
        # Python 3.11+ reads every RFC 3339 form in C, an order of magnitude faster than below
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=timezone.utc)
    match = _ISO.match(text)
    if match is None:
        return datetime.fromisoformat(text)
    day, clock, fraction, zone = match.groups()
    micro = (fraction or "0")[:6].ljust(6, "0")
    if clock.endswith(":60"):
        # a leap second, which datetime cannot hold: its last microsecond, as a decoded one reads
        clock, micro = clock[:-2] + "59", "999999"
    parsed = datetime.fromisoformat(f"{day}T{clock}.{micro}")
    if zone is None or zone == "Z":
        return parsed.replace(tzinfo=timezone.utc)
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[-2:])
    return parsed.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


class _DateTime(Conv):
    __slots__ = ()

    def decode(self, value: Any) -> Any:
        return _parse_datetime(value)

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise _invalid(path, "must be timezone-aware (e.g. datetime.now(timezone.utc))")
            return value.isoformat()
        if isinstance(value, str):
            return value
        raise _invalid(path, f"must be a datetime or an RFC 3339 string, not {type(value).__name__}")


class _Date(Conv):
    __slots__ = ()

    def decode(self, value: Any) -> Any:
        return date.fromisoformat(value[:10])

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, datetime):
            raise _invalid(path, "must be a date, not a datetime")
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, str):
            return value
        raise _invalid(path, f"must be a date or a YYYY-MM-DD string, not {type(value).__name__}")


class _Bytes(Conv):
    __slots__ = ()


class ListOf(Conv):
    """A JSON array of one type."""

    __slots__ = ("item",)

    def __init__(self, item: Conv) -> None:
        self.item = item

    def decode(self, value: Any) -> Any:
        item = self.item
        if type(item) is Conv:
            return value
        return [None if v is None else item.decode(v) for v in value]

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, (str, bytes, Mapping)) or not hasattr(value, "__iter__"):
            raise _invalid(path, f"must be a list, not {type(value).__name__}")
        return [None if v is None else self.item.encode(v, f"{path}[{i}]") for i, v in enumerate(value)]


class DictOf(Conv):
    """A JSON object with free keys."""

    __slots__ = ("item",)

    def __init__(self, item: Conv) -> None:
        self.item = item

    def decode(self, value: Any) -> Any:
        item = self.item
        if type(item) is Conv:
            return value
        return {k: None if v is None else item.decode(v) for k, v in value.items()}

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, Model):
            return value._json_form()
        if not isinstance(value, Mapping):
            raise _invalid(path, f"must be a dict, not {type(value).__name__}")
        return {str(k): None if v is None else self.item.encode(v, f"{path}.{k}") for k, v in value.items()}


class Obj(Conv):
    """A JSON object of a model class."""

    __slots__ = ("model",)

    def __init__(self, model: type[Model]) -> None:
        self.model = model

    def decode(self, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return _rebuild(self.model, value)

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, self.model):
            # checked as any dict is: one built with ``from_dict`` holds the caller's values as
            # given (a float amount would otherwise reach the wire)
            return _plain(value._json_form(), path)
        if not isinstance(value, Mapping):  # another model class is not a Mapping either
            raise _invalid(path, f"must be a {self.model.__name__} or a dict, not {type(value).__name__}")
        return _pack_fields(self.model, value, path)


class Enum(Conv):
    """An open enum: a known value becomes its member, any other string stays a string."""

    __slots__ = ("cls", "members")

    def __init__(self, cls: type[OpenEnum]) -> None:
        self.cls = cls
        self.members: Dict[Any, Any] = cls._value2member_map_

    def decode(self, value: Any) -> Any:
        return self.members.get(value, value)

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, enum.Enum):
            return value.value
        if isinstance(value, str):
            return value
        raise _invalid(path, f"must be a {self.cls.__name__} or a string, not {type(value).__name__}")


# the JSON type each kind of field takes, for ``from_dict``'s check
_JSON_TYPES: Dict[type, Tuple[type, str]] = {
    _Str: (str, "a string"), _Int: (int, "an integer"), _Bool: (bool, "true or false"),
    _DateTime: (str, "an RFC 3339 string"), _Date: (str, "a YYYY-MM-DD string"), Enum: (str, "a string"),
    ListOf: (list, "a list"), DictOf: (dict, "an object"), Obj: (dict, "an object"),
}

STR = _Str()
INT = _Int()
BOOL = _Bool()
DECIMAL = _Decimal()
DATETIME = _DateTime()
DATE = _Date()
ANY = Conv()
BYTES = _Bytes()


class _At:
    """Where a value is inside an open field, written out only for an error: a path built for
    every item up front cost its length per item, quadratic in a long key holding a long list."""

    __slots__ = ("parent", "step")

    def __init__(self, parent: "_At | str", step: str) -> None:
        self.parent, self.step = parent, step

    def __str__(self) -> str:
        return f"{self.parent}{self.step}"


_MAX_DEPTH = 128


def _plain(value: Any, path: "_At | str", depth: int = 0) -> Any:
    """Any value to JSON, for fields the spec leaves open."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if depth > _MAX_DEPTH:  # deeper, or a dict or list that holds itself
        raise _invalid(str(path), f"nested more than {_MAX_DEPTH} levels deep")
    if isinstance(value, float):
        raise _invalid(str(path), "must not be a float (binary floating point); use Decimal or str")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _invalid(str(path), f"must be a finite number, not {value}")
        return value  # sent as a JSON number with the same digits
    if isinstance(value, datetime):
        return DATETIME.encode(value, str(path))
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Model):
        return _plain(value._json_form(), path, depth + 1)
    if isinstance(value, Mapping):
        return {str(k): _plain(v, _At(path, f".{k}"), depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, _At(path, f"[{i}]"), depth + 1) for i, v in enumerate(value)]
    raise _invalid(str(path), f"cannot send a {type(value).__name__}")


def encode(conv: Conv, value: Any, path: str) -> Any:
    """One argument to JSON (``None`` stays ``None``: the argument is left out)."""
    return None if value is None else conv.encode(value, path)


def _pack_fields(model: type[Model], values: Mapping[str, Any], path: str) -> Dict[str, Any]:
    fields = model._fields
    wire_names = model._wire()
    out: Dict[str, Any] = {}
    for key, value in values.items():
        name = key if key in fields else wire_names.get(key)  # a Python name, or a wire name
        if name is None:
            raise _invalid(f"{path}.{key}" if path else key, f"{model.__name__} has no field {key!r}")
        wire, conv = fields[name]
        if value is None:
            if name in model._send_null:
                out[wire] = None
            elif name in model._required:
                raise _invalid(f"{path}.{key}" if path else key, "is required and may not be None")
            continue
        out[wire] = conv.encode(value, f"{path}.{key}" if path else key)
    return out


def pack(model: type[Model], **values: Any) -> Dict[str, Any]:
    """A request body from keyword arguments (Python names), left-out fields omitted."""
    return _pack_fields(model, values, "")


def _field(wire: str, conv: Conv, position: int) -> Any:
    """A model field as a descriptor (found by normal attribute lookup, as a property is: several
    times faster than a ``__getattr__`` fallback, and a class with ``__getattr__`` slows every
    other attribute lookup too). A response's field comes from its record, converted by Rust on
    the first read and kept; it is asked for by ``position``, the field's place in ``_fields``
    (the record's order too, both rendered from the same model). The descriptor,
    ``_native.Field``, reads it without running Python. An object built in Python (a request,
    ``from_dict``) holds its JSON form, which the getter made here converts on each read."""
    decode = conv.decode

    def python(self: Model) -> Any:
        data = self._data
        value = None if data is None else data.get(wire)
        try:
            return None if value is None else decode(value)
        except ValidationError as refused:  # a value ``from_dict`` was given, named by its field
            raise _invalid(wire, refused.rule) from None

    return _native.Field(position, python)


def define(
    model: type[Model],
    fields: Dict[str, Tuple[str, Conv]],
    required: Tuple[str, ...] = (),
    send_null: Tuple[str, ...] = (),
    sensitive: Tuple[str, ...] = (),
) -> None:
    """Gives a generated model its field table (Python name -> wire name, converter), the fields a
    request must carry (``required``) and those it carries as ``null`` when given ``None``
    (``send_null``: required but nullable), those that may hold a secret or card data
    (``sensitive``: masked in ``repr``), and a property per field. Called once per model when
    its module is imported."""
    model._fields = fields
    model._required = frozenset(required)
    model._send_null = frozenset(send_null)
    model._sensitive = frozenset(sensitive)
    for position, (name, (wire, conv)) in enumerate(fields.items()):
        if hasattr(Model, name):  # a field named like a method (to_dict...) leaves the method be
            continue
        setattr(model, name, _field(wire, conv, position))


class Model(_native.ModelBase):
    """A provider object: attribute access, ``==``, a readable ``repr`` (secrets masked),
    ``to_dict()``, ``to_json()``, pickling and copying. Built from keyword arguments (Python
    names) for requests, or from a response. Fields are converted when read: money as
    ``Decimal``, times as aware ``datetime``, enums as their member (or the string, for a value
    the spec does not list); a response's fields once each, by the Rust side."""

    __slots__ = ()
    _fields: ClassVar[Dict[str, Tuple[str, Conv]]] = {}
    _required: ClassVar[frozenset[str]] = frozenset()
    _send_null: ClassVar[frozenset[str]] = frozenset()
    _sensitive: ClassVar[frozenset[str]] = frozenset()
    _wire_cache: ClassVar[Optional[Dict[str, str]]] = None

    def __init__(self, **fields: Any) -> None:
        self._set_json(_pack_fields(type(self), fields, ""))

    @classmethod
    def _wire(cls) -> Dict[str, str]:
        cache = cls.__dict__.get("_wire_cache")
        if cache is None:
            cache = {wire: py for py, (wire, _) in cls._fields.items()}
            cls._wire_cache = cache
        return cache

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """An object from its JSON form (wire names), e.g. a webhook's data, checked field by
        field as it is made: a value that does not fit its field (an amount that is no exact
        number, a time that is no time, a string where a list belongs) raises
        ``ValidationError`` naming the field (``splits[0].split_value``), so no later read can
        fail. The object keeps a copy: changing ``data`` afterwards does not change it."""
        import copy

        if not isinstance(data, Mapping):
            _refuse(cls.__name__, "", f"must be a dict, not {type(data).__name__}")
        copied, shape = copy.deepcopy(dict(data)), Obj(cls)
        _check(shape, copied, "", cls.__name__)
        return shape.decode(copied)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} objects are read-only")

    def _json_form(self) -> Dict[str, Any]:
        """The JSON form (wire names), the object's own when it was built in Python."""
        data = self._data
        if data is not None:
            return data
        wire: Dict[str, Any] = _loads(self._wire_json())
        return wire

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._json_form() == other._json_form())  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for name in type(self)._fields:
            try:
                value = getattr(self, name)
            except Exception as error:  # a repr is for logs and debuggers: it never raises
                parts.append(f"{name}=<unreadable: {type(error).__name__}>")
                continue
            if value is None:
                continue
            masked = name in type(self)._sensitive or _is_secret_field(name)
            shown = "'***'" if masked else repr(_masked(value))
            parts.append(f"{name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_dict(self) -> Dict[str, Any]:
        """The fields that are set, by Python name, nested objects as dicts."""
        out: Dict[str, Any] = {}
        for name in type(self)._fields:
            value = getattr(self, name)
            if value is not None:
                out[name] = _to_plain(value)
        return out

    def to_json(self) -> Dict[str, Any]:
        """The object as the provider sent it (wire names, JSON values), as a fresh dict: changing
        it leaves the object as it was."""
        data = self._data
        copied: Dict[str, Any] = _copy_json(data) if data is not None else self._json_form()
        return copied

    def __reduce__(self) -> Tuple[Any, Tuple[type[Model], Dict[str, Any]]]:
        # pickle, copy.copy and copy.deepcopy rebuild the object from its JSON form (the
        # default protocol knows nothing of the native part, which holds the value)
        return (_rebuild, (type(self), self._json_form()))


def _check(conv: Conv, value: Any, at: str, top: str) -> None:
    """Checks the JSON value ``value`` (what ``from_dict`` was given) against its field's type,
    objects, lists and maps inside it included, so that a value the field would refuse on a
    read is refused where the object is made, named by its path from the top
    (``splits[0].split_value``). The values of an open field are not looked into."""
    if value is None:
        return
    expected = _JSON_TYPES.get(type(conv))
    if expected is not None and (
        not isinstance(value, expected[0]) or (expected[0] is int and isinstance(value, bool))
    ) and not (isinstance(conv, Enum) and isinstance(value, conv.cls)):
        _refuse(top, at, f"must be {expected[1]}, not {type(value).__name__}")
    if isinstance(conv, Obj):
        for wire, item_conv in conv.model._fields.values():
            _check(item_conv, value.get(wire), f"{at}.{wire}" if at else wire, top)
    elif isinstance(conv, ListOf):
        for i, item in enumerate(value):
            _check(conv.item, item, f"{at}[{i}]", top)
    elif isinstance(conv, DictOf):
        for key, item in value.items():
            _check(conv.item, item, f"{at}.{key}", top)
    elif isinstance(conv, (_Decimal, _DateTime, _Date)):
        try:
            conv.decode(value)
        except ValidationError as refused:
            _refuse(top, at, refused.rule)
        except ValueError as refused:  # a time no datetime holds
            _refuse(top, at, str(refused))


def _refuse(top: str, at: str, rule: str) -> NoReturn:
    """``from_dict``'s refusal of the value at ``at`` (the whole dict when empty)."""
    where = f"{at}: " if at else ""
    raise ValidationError(f"invalid {top} data: {where}{rule}", field=at, rule=rule)


def _rebuild(model: type[Model], data: Any) -> Model:
    """A model object around its JSON form (wire names), as ``from_dict``, unpickling and
    copying make it."""
    obj = model.__new__(model)
    obj._set_json(data)
    return obj


def _copy_json(value: Any) -> Any:
    """A copy of a JSON value's containers (the leaves, str, int, Decimal..., are immutable)."""
    if isinstance(value, dict):
        return {k: _copy_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy_json(v) for v in value]
    return value


def _to_plain(value: Any) -> Any:
    if isinstance(value, Model):
        return value.to_dict()
    if isinstance(value, list):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _to_plain(v) for k, v in value.items()}
    return value


class OpenEnum(str, enum.Enum):
    """An enum of the values the spec lists; fields typed with it also accept any other string
    (providers add values), which then stays a plain ``str``."""

    def __str__(self) -> str:
        return str(self.value)


def _loads(raw: bytes) -> Any:
    """JSON as the getters read it: numbers through the native module's rule (``int``, or
    ``Decimal`` with every digit; a ``ValueError`` for a number no ``Decimal`` holds), the keys in
    the order they came."""
    return json.loads(raw, parse_float=_native.exact_number, parse_int=_native.exact_number)


def _given(args: Mapping[str, Any]) -> Dict[str, Any]:
    """The arguments the caller gave (``None`` is left out), for the native call to read."""
    return {k: v for k, v in args.items() if v is not None}


class Headers(Mapping[str, str]):
    """An answer's headers: names in lower case, looked up in any case (``headers["X-Request-Id"]``),
    a repeated header's values joined by ``, ``."""

    __slots__ = ("_values",)

    def __init__(self, pairs: List[Tuple[str, str]]) -> None:
        values: Dict[str, str] = {}
        for name, value in pairs:
            name = name.lower()
            values[name] = f"{values[name]}, {value}" if name in values else value
        self._values = values

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._values

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Headers({self._values!r})"


class RawResponse(Generic[T]):
    """A call's answer before its payload is turned into objects: the HTTP status, headers and
    request id, how many attempts it took, the idempotency key sent and the body as the provider
    sent it (``content``, ``text``, ``json()``: what it says beyond the spec, such as a field it
    added, is there). ``parse()`` gives what the method returns without ``with_raw_response``."""

    __slots__ = ("status_code", "headers", "request_id", "attempts", "idempotency_key", "content", "_parse",
                 "_parsed")

    status_code: int
    """The HTTP status of the answer."""
    headers: Headers
    """The answer's headers, looked up in any case (a repeated header's values joined by ``, ``)."""
    request_id: Optional[str]
    """The provider's request id (``x-request-id``, ``request-id`` or ``cf-ray``), if it sent one."""
    attempts: int
    """Attempts made, the first included."""
    idempotency_key: Optional[str]
    """The idempotency key sent, for a write the provider deduplicates."""
    content: bytes
    """The body as received, byte for byte."""

    def __init__(self, meta: Tuple[int, List[Tuple[str, str]], Optional[str], int, Optional[str], bytes],
                 parse: Callable[[], T]) -> None:
        status, pairs, request_id, attempts, idempotency_key, content = meta
        self.status_code = status
        self.headers = Headers(pairs)
        self.request_id = request_id
        self.attempts = attempts
        self.idempotency_key = idempotency_key
        self.content = content
        self._parse = parse
        self._parsed: Any = _UNSET

    @property
    def text(self) -> str:
        """The body as text (UTF-8; a byte that is not, as U+FFFD)."""
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """The body as JSON values, every field the provider sent included: numbers with a
        fraction as ``Decimal`` (never ``float``), whole numbers as ``int``."""
        return _loads(self.content)

    def parse(self) -> T:
        """The payload as the method returns it (parsed once)."""
        if self._parsed is _UNSET:
            self._parsed = self._parse()
        return self._parsed  # type: ignore[no-any-return]

    def __repr__(self) -> str:
        return f"<RawResponse [{self.status_code}] request_id={self.request_id!r} attempts={self.attempts}>"


_UNSET: Any = object()


_S = TypeVar("_S")


class _Closes:
    """A ``with`` block calls ``close()`` on the way out (clients and pagers)."""

    __slots__ = ()

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self: _S) -> _S:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()


class _AsyncCloses:
    """An ``async with`` block awaits ``close()`` on the way out (async clients and pagers)."""

    __slots__ = ()

    async def close(self) -> None:
        raise NotImplementedError

    async def __aenter__(self: _S) -> _S:
        return self

    async def __aexit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        await self.close()


class _Base:
    _provider: ClassVar[str] = ""
    _native: Any

    def __init__(
        self,
        credentials: Mapping[str, Optional[str]],
        *,
        base_url: Optional[str] = None,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> None:
        self._native = _native.Client(
            self._provider,
            dict(credentials),
            base_url,
            _attempts(max_retries),
            _seconds("timeout", timeout),
            _seconds("deadline", deadline),
        )

    def with_options(
        self: _C,
        *,
        base_url: Optional[str] = None,
        timeout: Optional[float] = None,
        max_retries: Optional[int] = None,
        deadline: Optional[float] = None,
    ) -> _C:
        """A copy of this client with other settings, sharing its credentials and connections:
        ``client.with_options(timeout=5).cashouts.get(id=...)``.

        Args:
            base_url: Where requests go (the sandbox, say).
            timeout: Seconds each attempt may take.
            max_retries: Retries after the first attempt, for the calls the spec lets retry.
            deadline: Seconds a whole call may take, retries and waits included.
        """
        clone = object.__new__(type(self))
        clone._native = self._native.with_options(
            base_url, _attempts(max_retries), _seconds("timeout", timeout), _seconds("deadline", deadline)
        )
        return clone

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return str(self._native.base_url)

    @property
    def is_closed(self) -> bool:
        """Whether ``close()`` was called."""
        return bool(self._native.closed)

    def __repr__(self) -> str:
        # without the user-info or query a base URL may carry
        return f"{type(self).__name__}(base_url={self._native.shown_base_url!r})"


class Client(_Closes, _Base):
    """A blocking client: each call releases the GIL while it waits on the network, and Ctrl-C
    interrupts it. Use it as a context manager (``with OnePay() as client:``) or call
    ``close()`` to let go of its connections."""

    def close(self) -> None:
        """Lets go of the client's connections (closed once no copy made by ``with_options``
        uses them). Later calls raise ``ConfigurationError``."""
        self._native.close()


class AsyncClient(_AsyncCloses, _Base):
    """An asyncio client: each call is a coroutine on pspkit's shared tokio runtime. Use it as an
    async context manager (``async with AsyncOnePay() as client:``) or ``await client.close()``."""

    async def close(self) -> None:
        """Lets go of the client's connections (closed once no copy made by ``with_options``
        uses them). Later calls raise ``ConfigurationError``."""
        self._native.close()


class Page(List[T]):
    """One page of a list: its items, and what the provider said about the walk."""

    position: int
    """The page's number (for page-numbered lists) or the offset of its first item."""
    total_pages: Optional[int]
    """How many pages the list has, when the provider says."""
    total: Optional[int]
    """How many items the whole list has, when the provider says: its count when it sent this
    page (items added or removed meanwhile can make a walk yield another number)."""
    next_cursor: Optional[str]
    """The cursor of the next page, for lists walked by cursor."""

    def __init__(
        self,
        items: List[T],
        position: int,
        total_pages: Optional[int],
        total: Optional[int],
        next_cursor: Optional[str],
    ) -> None:
        super().__init__(items)
        self.position = position
        self.total_pages = total_pages
        self.total = total
        self.next_cursor = next_cursor


class Pager(_Closes, Generic[T]):
    """The items (``list_all``) or pages (``list_pages``) of a list, fetched as they are used with
    the next page fetched ahead. ``close()`` (or leaving a ``with`` block) stops the walk."""

    def __init__(self, pager: Any, flat: bool) -> None:
        self._pager = pager
        self._flat = flat
        self._items: Iterator[Any] = self._walk()

    def _walk(self) -> Iterator[Any]:
        while True:
            raw = self._pager.next_page()
            if raw is None:
                return
            page = Page(*raw)
            if self._flat:
                yield from page
            else:
                yield page

    def __iter__(self) -> Iterator[T]:
        return self

    def __next__(self) -> T:
        return next(self._items)  # type: ignore[no-any-return]

    def close(self) -> None:
        """Stops the walk (the page fetched ahead is dropped)."""
        self._items = iter(())
        self._pager.close()


class AsyncPager(_AsyncCloses, Generic[T]):
    """The items or pages of a list for ``async for``; ``close()`` (or leaving an ``async with``
    block) stops the walk."""

    def __init__(self, pager: Any, flat: bool) -> None:
        self._pager = pager
        self._flat = flat
        self._items: AsyncIterator[Any] = self._walk()

    async def _walk(self) -> AsyncIterator[Any]:
        while True:
            raw = await self._pager.next_page_async()
            if raw is None:
                return
            page = Page(*raw)
            if self._flat:
                for item in page:
                    yield item
            else:
                yield page

    def __aiter__(self) -> AsyncPager[T]:
        return self

    async def __anext__(self) -> T:
        return await self._items.__anext__()  # type: ignore[no-any-return]

    async def close(self) -> None:
        """Stops the walk (the page fetched ahead is dropped)."""
        self._items = _nothing()
        self._pager.close()



async def _nothing() -> AsyncIterator[Any]:
    return
    yield  # an async generator that yields nothing


def _text_pairs(keyword: str, what: str, given: Optional[Mapping[str, str]]) -> Optional[List[Tuple[str, str]]]:
    """``extra_headers`` or ``extra_query`` as ``(name, value)`` pairs, refused, naming the entry,
    unless both are ``str``: ``str()`` would send ``None`` as the text "None" (as an idempotency
    key, the same key on every call, and the provider would take separate writes for one)."""
    if given is None:
        return None
    if not isinstance(given, Mapping):
        raise _invalid(keyword, f"must be a mapping of {what} names to values, not {type(given).__name__}")
    pairs = []
    for name, value in given.items():
        if not isinstance(name, str) or not isinstance(value, str):
            shown = name if isinstance(name, str) else type(name).__name__
            raise _invalid(f"{keyword}[{shown!r}]", f"a {what} name and value must be str, not {type(value).__name__}")
        if not (_is_text(name) and _is_text(value)):  # a lone surrogate ('\ud800') is no text to send
            raise _invalid(f"{keyword}[{name!r}]", f"a {what} name and value must be valid text")
        pairs.append((name, value))
    return pairs


def _is_text(value: str) -> bool:
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _headers(extra_headers: Optional[Mapping[str, str]]) -> Optional[List[Tuple[str, str]]]:
    return _text_pairs("extra_headers", "header", extra_headers)


def _query(extra_query: Optional[Mapping[str, str]]) -> Optional[List[Tuple[str, str]]]:
    return _text_pairs("extra_query", "parameter", extra_query)


def _body(extra_body: Optional[Mapping[str, Any]]) -> Optional[Dict[str, Any]]:
    """Extra body fields as JSON values, refused as an open field's value is (a float, a
    ``NaN``, an object that has no JSON form), naming the field: ``extra_body.fee``."""
    if extra_body is None:
        return None
    if not isinstance(extra_body, Mapping):
        raise _invalid("extra_body", f"must be a mapping of field names to values, not {type(extra_body).__name__}")
    fields = {}
    for name, value in extra_body.items():
        if not isinstance(name, str):
            raise _invalid("extra_body", f"a field name must be str, not {type(name).__name__}")
        fields[name] = _plain(value, _At("extra_body", f".{name}"))
    return fields


class Group:
    """The operations of one tag of the spec (``client.cashouts``)."""

    __slots__ = ("_client",)
    _raw: ClassVar[bool] = False

    def __init__(self, client: _Base) -> None:
        self._client = client

    def _result(self, reply: Tuple[Any, Any]) -> Any:
        payload, meta = reply
        if self._raw:
            return RawResponse(meta, lambda: payload)
        return payload

    def _call(
        self,
        operation: str,
        args: Mapping[str, Any],
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        reply = self._client._native.call(
            operation, _given(args), _seconds("timeout", timeout), _headers(extra_headers), self._raw,
            _query(extra_query), _body(extra_body),
        )
        return self._result(reply)

    async def _acall(
        self,
        operation: str,
        args: Mapping[str, Any],
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
    ) -> Any:
        import asyncio  # here, not at the top: `import pspkit.onepay` would pay for it in sync programs

        native = self._client._native
        call, lost = native.call_async(
            operation, _given(args), _seconds("timeout", timeout), _headers(extra_headers), self._raw,
            _query(extra_query), _body(extra_body),
        )
        try:
            reply = await call
        except asyncio.CancelledError as cancelled:
            # a cancelled write (asyncio.wait_for, a task cancelled) may have reached the
            # provider: its key, to repeat it safely, is on the OutcomeUnknownError it is chained to
            if lost is not None:
                raise cancelled from lost
            raise
        return self._result(reply)

    def _pager(
        self,
        operation: str,
        args: Mapping[str, Any],
        page_size: Optional[int],
        max_items: Optional[int],
        timeout: Optional[float],
        extra_headers: Optional[Mapping[str, str]],
        extra_query: Optional[Mapping[str, str]],
        extra_body: Optional[Mapping[str, Any]],
    ) -> Any:
        return self._client._native.pages(
            operation,
            _given(args),
            _count("page_size", page_size),
            _count("max_items", max_items),
            _seconds("timeout", timeout),
            _headers(extra_headers),
            _query(extra_query),
            _body(extra_body),
        )

    def _pages(
        self,
        operation: str,
        args: Mapping[str, Any],
        page_size: Optional[int],
        max_items: Optional[int],
        flat: bool,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
    ) -> Pager[Any]:
        return Pager(
            self._pager(operation, args, page_size, max_items, timeout, extra_headers, extra_query, extra_body), flat
        )

    def _apages(
        self,
        operation: str,
        args: Mapping[str, Any],
        page_size: Optional[int],
        max_items: Optional[int],
        flat: bool,
        timeout: Optional[float] = None,
        extra_headers: Optional[Mapping[str, str]] = None,
        extra_query: Optional[Mapping[str, str]] = None,
        extra_body: Optional[Mapping[str, Any]] = None,
    ) -> AsyncPager[Any]:
        return AsyncPager(
            self._pager(operation, args, page_size, max_items, timeout, extra_headers, extra_query, extra_body), flat
        )
