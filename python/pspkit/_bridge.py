"""What the Python modules over the native walks share: the native client under a pspkit client,
and times as the native side takes them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from ._native import Client as NativeClient


def native_client(client: Any) -> NativeClient:
    """The native client under a sync pspkit client (``pspkit.onepay.OnePay``, ...)."""
    native = getattr(client, "_native", None)
    if not isinstance(native, NativeClient):
        raise TypeError(f"expected a pspkit client (e.g. pspkit.onepay.OnePay), not {type(client).__name__}")
    return native


def iso(name: str, t: Optional[datetime]) -> Optional[str]:
    """An aware datetime as RFC 3339 text; a naive one is refused (which zone would it be?)."""
    if t is None:
        return None
    if not isinstance(t, datetime):  # pyright: ignore[reportUnnecessaryIsInstance]  # callers without types
        raise TypeError(f"{name} must be a datetime, not {type(t).__name__}")
    if t.tzinfo is None or t.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime (with a time zone), got {t!r}")
    return t.isoformat()
