"""Verifying (and, for testing handlers, signing) the webhooks providers send.

Pass the raw body bytes exactly as received, before any JSON parsing: every check runs on them,
in constant time and in time linear in the body, and fails closed with
``pspkit.WebhookVerificationError``. Bodies over ``max_body_bytes`` (1 MiB by default) are refused
before they are parsed. OnePay events whose signed ``event.timestamp`` is more than ``tolerance``
seconds (300 by default) from now are refused as replays. FirstPay's signature does not cover
nested objects, nested arrays or values holding its separators: ``verify`` returns only the
covered fields in ``data`` and names the others in ``Event.unverified_fields``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Optional, Sequence

from . import _native
from .errors import WebhookVerificationError

__all__ = ["Event", "onepay", "onchainpay", "firstpay"]


@dataclass(frozen=True)
class Event:
    """A verified webhook."""

    type: Optional[str]
    """The event type (OnePay ``cashout.approved``), or the reported status (OnChainPay, FirstPay)."""
    data: Any
    """The payload as JSON (numbers as ``Decimal``); pass it to a model's ``from_dict``."""
    id: Optional[str] = None
    """The object id, when the provider puts one at the top (FirstPay)."""
    details: Mapping[str, Any] = field(default_factory=dict)
    """Other facts the provider sends (OnePay ``timestamp`` and ``environment``, OnChainPay ``public_key``)."""
    unverified_fields: Sequence[str] = ()
    """Fields of the body the signature does not cover, left out of ``data`` (FirstPay)."""


MAX_BODY_BYTES: int = _native.WEBHOOK_MAX_BODY_BYTES
"""The default cap on a webhook body, in bytes (1 MiB)."""

TOLERANCE: float = _native.WEBHOOK_TOLERANCE
"""The default replay tolerance, in seconds (300, OnePay)."""


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _json(text: str) -> Any:
    """The verified payload as Python values. Its JSON is well formed (checked in Rust), but
    Python refuses to read an integer of over 4,300 digits (a guard against quadratic-time
    conversion): that is no payment a provider sends, and refused like any unreadable body."""
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError as error:
        raise WebhookVerificationError(f"the webhook's JSON cannot be read: {error}") from None


class _OnePay:
    """OnePay: ``x-signature`` (HMAC-SHA256 of the body) and ``x-webhook-token``."""

    def verify(
        self,
        body: bytes,
        headers: Mapping[str, str],
        secret: str,
        *,
        token: Optional[str] = None,
        max_body_bytes: int = MAX_BODY_BYTES,
        tolerance: Optional[float] = TOLERANCE,
        now: Optional[float] = None,
    ) -> Event:
        """Verifies a OnePay webhook with the webhook's secret (and its token, when given).

        ``tolerance`` is how many seconds the signed ``event.timestamp`` may be from ``now``
        (Unix seconds; the system clock by default); ``None`` turns the replay check off, and
        accepts events without a timestamp: de-duplicate by event then."""
        kind, data, timestamp, environment = _native.onepay_verify(
            body,
            _header(headers, "x-signature"),
            _header(headers, "x-webhook-token"),
            secret,
            token,
            max_body_bytes,
            tolerance,
            now,
        )
        return Event(kind, _json(data), details={"timestamp": timestamp, "environment": environment})

    def sign(self, body: bytes, secret: str) -> str:
        """The ``x-signature`` header for a body, for testing webhook handlers."""
        return str(_native.onepay_sign(secret, body))


class _OnChainPay:
    """OnChainPay: ``x-api-signature`` (HMAC-SHA256 of the body with the API secret key)."""

    def verify(
        self, body: bytes, headers: Mapping[str, str], secret_key: str, *, max_body_bytes: int = MAX_BODY_BYTES
    ) -> Event:
        """Verifies an OnChainPay webhook with the secret key of the API key pair. OnChainPay sends
        no timestamp: de-duplicate by the object's id and status."""
        public_key, data = _native.onchainpay_verify(
            body, _header(headers, "x-api-signature"), _header(headers, "x-api-public-key"), secret_key, max_body_bytes
        )
        payload = _json(data)
        status = payload.get("status") if isinstance(payload, dict) else None
        return Event(status, payload, details={"public_key": public_key})

    def sign(self, body: bytes, secret_key: str) -> str:
        """The ``x-api-signature`` header for a body, for testing webhook handlers."""
        return str(_native.onchainpay_sign(secret_key, body))


class _FirstPay:
    """FirstPay: the body's ``hash`` (RSA-SHA256 by FirstPay)."""

    def verify(self, body: bytes, firstpay_public_key: str, *, max_body_bytes: int = MAX_BODY_BYTES) -> Event:
        """Verifies a postback with FirstPay's public key (PEM) from the merchant settings,
        never with the ``publicKey`` the body carries. ``data`` holds only the fields the
        signature covers; ``unverified_fields`` names the others (nested objects, nested arrays,
        values holding ``|``), which must not be trusted."""
        status, ident, data, unverified = _native.firstpay_verify(body, firstpay_public_key, max_body_bytes)
        return Event(status, _json(data), id=ident, unverified_fields=tuple(unverified))

    def sign(self, body: bytes, private_key: str) -> bytes:
        """The body with ``hash`` added, signed as FirstPay would, for testing handlers."""
        return bytes(_native.firstpay_sign(body, private_key))


onepay = _OnePay()
onchainpay = _OnChainPay()
firstpay = _FirstPay()
