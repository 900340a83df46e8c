"""Verifying (and, for testing handlers, signing) the webhooks providers send.

Pass the raw body bytes exactly as received, before any JSON parsing: every check runs on them,
in constant time, and fails closed with ``pspkit.WebhookVerificationError``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping, Optional

from . import _native

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


def _header(headers: Mapping[str, str], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _json(text: str) -> Any:
    return json.loads(text, parse_float=Decimal)


class _OnePay:
    """OnePay: ``x-signature`` (HMAC-SHA256 of the body) and ``x-webhook-token``."""

    def verify(
        self, body: bytes, headers: Mapping[str, str], secret: str, *, token: Optional[str] = None
    ) -> Event:
        """Verifies a OnePay webhook with the webhook's secret (and its token, when given)."""
        kind, data, timestamp, environment = _native.onepay_verify(
            body, _header(headers, "x-signature"), _header(headers, "x-webhook-token"), secret, token
        )
        return Event(kind, _json(data), details={"timestamp": timestamp, "environment": environment})

    def sign(self, body: bytes, secret: str) -> str:
        """The ``x-signature`` header for a body, for testing webhook handlers."""
        return str(_native.onepay_sign(secret, body))


class _OnChainPay:
    """OnChainPay: ``x-api-signature`` (HMAC-SHA256 of the body with the API secret key)."""

    def verify(self, body: bytes, headers: Mapping[str, str], secret_key: str) -> Event:
        """Verifies an OnChainPay webhook with the secret key of the API key pair."""
        public_key, data = _native.onchainpay_verify(
            body, _header(headers, "x-api-signature"), _header(headers, "x-api-public-key"), secret_key
        )
        payload = _json(data)
        status = payload.get("status") if isinstance(payload, dict) else None
        return Event(status, payload, details={"public_key": public_key})

    def sign(self, body: bytes, secret_key: str) -> str:
        """The ``x-api-signature`` header for a body, for testing webhook handlers."""
        return str(_native.onchainpay_sign(secret_key, body))


class _FirstPay:
    """FirstPay: the body's ``hash`` (RSA-SHA256 by FirstPay)."""

    def verify(self, body: bytes, firstpay_public_key: str) -> Event:
        """Verifies a postback with FirstPay's public key (PEM) from the merchant settings,
        never with the ``publicKey`` the body carries."""
        status, ident, data = _native.firstpay_verify(body, firstpay_public_key)
        return Event(status, _json(data), id=ident)

    def sign(self, body: bytes, private_key: str) -> bytes:
        """The body with ``hash`` added, signed as FirstPay would, for testing handlers."""
        return bytes(_native.firstpay_sign(body, private_key))


onepay = _OnePay()
onchainpay = _OnChainPay()
firstpay = _FirstPay()
