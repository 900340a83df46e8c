"""What every generated provider module shares: models, value converters, clients and pages.

The generated modules (``pspkit/<provider>.py``) hold no logic of their own: each model is a
class with a field table, each operation a call of ``Group._call`` with its arguments packed by
the converters below. The Rust side (``pspkit._native``) has already decoded and checked every
response against its type, so reading a field here only converts it (lazily, on access).
"""

from __future__ import annotations

import atexit
import enum
import json
import re
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, AsyncIterator, ClassVar, Dict, Iterator, Mapping, Optional, Tuple

from . import _native
from .errors import ValidationError

__all__ = ["Model", "OpenEnum", "Client", "AsyncClient", "Group"]

# an asyncio call's last step runs on a runtime thread after the caller has its result: let it
# finish before the interpreter shuts down (bounded, so a stuck call cannot hang the exit)
atexit.register(_native.wait_idle, 2.0)

_SECRET = re.compile(r"secret|password|passwd|token|private|api_?key|cvv|cvc|signature", re.IGNORECASE)


def _invalid(path: str, rule: str) -> ValidationError:
    return ValidationError(f"invalid request: {path}: {rule}", field=path, rule=rule)


class Conv:
    """Converts one JSON value to its Python type (``decode``) and back (``encode``)."""

    __slots__ = ()

    def decode(self, value: Any) -> Any:
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


class _Decimal(Conv):
    """Money and other exact numbers: ``Decimal`` in, ``Decimal`` out, never ``float``."""

    __slots__ = ()

    def decode(self, value: Any) -> Any:
        return value if isinstance(value, Decimal) else Decimal(value)

    def encode(self, value: Any, path: str) -> Any:
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
        # sent as text, so no digit is lost; Rust writes it as a number or a string per the spec
        return str(exact)


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
            return value._data
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
        obj = object.__new__(self.model)
        object.__setattr__(obj, "_data", value)
        return obj

    def encode(self, value: Any, path: str) -> Any:
        if isinstance(value, self.model):
            return value._data
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


STR = _Str()
INT = _Int()
BOOL = _Bool()
DECIMAL = _Decimal()
DATETIME = _DateTime()
DATE = _Date()
ANY = Conv()
BYTES = _Bytes()


def _plain(value: Any, path: str) -> Any:
    """Any value to JSON, for fields the spec leaves open."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        raise _invalid(path, "must not be a float (binary floating point); use Decimal or str")
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime):
        return DATETIME.encode(value, path)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Model):
        return value._data
    if isinstance(value, Mapping):
        return {str(k): _plain(v, f"{path}.{k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise _invalid(path, f"cannot send a {type(value).__name__}")


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


def _field(wire: str, conv: Conv) -> property:
    """A model field as a property, converted from the JSON on each read (found by normal
    attribute lookup: several times faster than a ``__getattr__`` fallback, and a class with
    ``__getattr__`` slows every other attribute lookup too)."""
    if type(conv).decode is Conv.decode:  # strings, integers, booleans: the JSON value itself

        def plain(self: Model) -> Any:
            return self._data.get(wire)

        return property(plain)
    decode = conv.decode

    def converted(self: Model) -> Any:
        value = self._data.get(wire)
        return None if value is None else decode(value)

    return property(converted)


def define(
    model: type[Model],
    fields: Dict[str, Tuple[str, Conv]],
    required: Tuple[str, ...] = (),
    send_null: Tuple[str, ...] = (),
) -> None:
    """Gives a generated model its field table (Python name -> wire name, converter), the fields a
    request must carry (``required``) and those it carries as ``null`` when given ``None``
    (``send_null``: required but nullable), and a property per field. Called once per model
    when its module is imported."""
    model._fields = fields
    model._required = frozenset(required)
    model._send_null = frozenset(send_null)
    for name, (wire, conv) in fields.items():
        if hasattr(Model, name):  # a field named like a method (to_dict...) leaves the method be
            continue
        setattr(model, name, _field(wire, conv))


class Model:
    """A provider object: attribute access, ``==``, a readable ``repr`` (secrets masked) and
    ``to_dict()``. Built from keyword arguments (Python names) for requests, or from a response.
    Fields are read from the JSON on access: money as ``Decimal``, times as ``datetime``, enums
    as their member (or the string, for a value the spec does not list)."""

    __slots__ = ("_data",)
    _fields: ClassVar[Dict[str, Tuple[str, Conv]]] = {}
    _required: ClassVar[frozenset[str]] = frozenset()
    _send_null: ClassVar[frozenset[str]] = frozenset()
    _wire_cache: ClassVar[Optional[Dict[str, str]]] = None
    _data: Dict[str, Any]

    def __init__(self, **fields: Any) -> None:
        object.__setattr__(self, "_data", _pack_fields(type(self), fields, ""))

    @classmethod
    def _wire(cls) -> Dict[str, str]:
        cache = cls.__dict__.get("_wire_cache")
        if cache is None:
            cache = {wire: py for py, (wire, _) in cls._fields.items()}
            cls._wire_cache = cache
        return cache

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Any:
        """An object from its JSON form (wire names), e.g. a webhook's data."""
        return Obj(cls).decode(dict(data))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} objects are read-only")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return bool(self._data == other._data)  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        parts = []
        for name, (wire, _) in type(self)._fields.items():
            if self._data.get(wire) is None:
                continue
            shown = "'***'" if _SECRET.search(name) else repr(getattr(self, name))
            parts.append(f"{name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"

    def to_dict(self) -> Dict[str, Any]:
        """The fields that are set, by Python name, nested objects as dicts."""
        out: Dict[str, Any] = {}
        for name, (wire, _) in type(self)._fields.items():
            if self._data.get(wire) is not None:
                out[name] = _to_plain(getattr(self, name))
        return out

    def to_json(self) -> Dict[str, Any]:
        """The object as the provider sent it (wire names, JSON values)."""
        return self._data


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
    return json.loads(raw, parse_float=Decimal)


def _dumps(args: Mapping[str, Any]) -> bytes:
    return json.dumps({k: v for k, v in args.items() if v is not None}, separators=(",", ":")).encode()


def _decode(reply: Tuple[bool, bytes], conv: Conv) -> Any:
    is_bytes, payload = reply
    if is_bytes:
        return payload
    value = _loads(payload)
    return None if value is None else conv.decode(value)


class _Base:
    _provider: ClassVar[str] = ""

    def __init__(
        self,
        credentials: Mapping[str, Optional[str]],
        *,
        base_url: Optional[str] = None,
        max_attempts: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> None:
        self._native = _native.Client(
            self._provider, dict(credentials), base_url, max_attempts, timeout, deadline
        )

    @property
    def base_url(self) -> str:
        """Where requests go."""
        return str(self._native.base_url)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


class Client(_Base):
    """A blocking client: each call releases the GIL while it waits on the network."""


class AsyncClient(_Base):
    """An asyncio client: each call is a coroutine on pspkit's shared tokio runtime."""


class _Items:
    """Items or pages of one walk (sync)."""

    def __init__(self, pager: Any, conv: Conv, flat: bool) -> None:
        self._pager = pager
        self._conv = conv
        self._flat = flat

    def __iter__(self) -> Iterator[Any]:
        conv = self._conv
        while True:
            raw = self._pager.next_page()
            if raw is None:
                return
            items = [conv.decode(v) for v in _loads(raw)]
            if self._flat:
                yield from items
            else:
                yield items


class _AsyncItems:
    """Items or pages of one walk (``async for``)."""

    def __init__(self, pager: Any, conv: Conv, flat: bool) -> None:
        self._pager = pager
        self._conv = conv
        self._flat = flat

    async def __aiter__(self) -> AsyncIterator[Any]:
        conv = self._conv
        while True:
            raw = await self._pager.next_page_async()
            if raw is None:
                return
            items = [conv.decode(v) for v in _loads(raw)]
            if self._flat:
                for item in items:
                    yield item
            else:
                yield items


class Group:
    """The operations of one tag of the spec (``client.cashouts``)."""

    __slots__ = ("_client",)

    def __init__(self, client: _Base) -> None:
        self._client = client

    def _call(self, operation: str, args: Mapping[str, Any], conv: Conv) -> Any:
        return _decode(self._client._native.call(operation, _dumps(args)), conv)

    async def _acall(self, operation: str, args: Mapping[str, Any], conv: Conv) -> Any:
        return _decode(await self._client._native.call_async(operation, _dumps(args)), conv)

    def _pages(
        self,
        operation: str,
        args: Mapping[str, Any],
        conv: Conv,
        page_size: Optional[int],
        max_items: Optional[int],
        flat: bool,
    ) -> Iterator[Any]:
        pager = self._client._native.pages(operation, _dumps(args), page_size, max_items)
        return iter(_Items(pager, conv, flat))

    def _apages(
        self,
        operation: str,
        args: Mapping[str, Any],
        conv: Conv,
        page_size: Optional[int],
        max_items: Optional[int],
        flat: bool,
    ) -> AsyncIterator[Any]:
        pager = self._client._native.pages(operation, _dumps(args), page_size, max_items)
        return _AsyncItems(pager, conv, flat).__aiter__()

