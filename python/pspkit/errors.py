"""Every error a pspkit call raises, under one base class, mirroring the Rust `pspkit::Error`.

``str(error)`` is a complete, secret-free sentence; the attributes carry the details. For errors
with a provider answer (``ApiError`` and its subclasses), ``body`` keeps the raw response.
"""

from __future__ import annotations

import builtins
from typing import Any, List, Optional, Tuple

__all__ = [
    "PspError",
    "ApiError",
    "RateLimitError",
    "AuthenticationError",
    "NotFoundError",
    "TransportError",
    "TimeoutError",
    "DecodeError",
    "ValidationError",
    "OutcomeUnknownError",
    "ConfigurationError",
    "WebhookVerificationError",
]


class PspError(Exception):
    """The base of every pspkit error."""

    provider: Optional[str] = None
    """The provider (``onepay``), when known."""
    operation: Optional[str] = None
    """The operation (the generated method's Rust name, e.g. ``create_cashout``), when known."""

    def __init__(self, text: str, **details: Any) -> None:
        super().__init__(text)
        for name, value in details.items():
            setattr(self, name, value)


class ApiError(PspError):
    """The provider answered with an error."""

    status: int = 0
    """HTTP status (200 for an OnChainPay ``success: false`` answer)."""
    code: Optional[str] = None
    """The provider's own error code."""
    message: Optional[str] = None
    """The provider's own message."""
    request_id: Optional[str] = None
    """The provider's request id, to quote to its support."""
    idempotency_key: Optional[str] = None
    """The idempotency key the request carried: sending again with it is safe."""
    body: str = ""
    """The raw response body."""
    field_errors: List[Tuple[str, str]] = []
    """Per-field errors the provider reported, as ``(field, message)``."""
    attempts: int = 1
    """How many attempts were made."""


class RateLimitError(ApiError):
    """The provider is rate limiting (HTTP 429) and retries did not get through."""

    retry_after: Optional[float] = None
    """Seconds to wait, when the provider said."""


class AuthenticationError(ApiError):
    """The credentials were refused (HTTP 401/403, or the provider's own code)."""


class NotFoundError(ApiError):
    """The object does not exist (HTTP 404)."""


class TransportError(PspError):
    """The request could not be delivered (DNS, refused connection, TLS); for a write, the
    provider never received it."""


class TimeoutError(PspError, builtins.TimeoutError):
    """No complete answer in time; for a read, nothing happened. Also a builtin ``TimeoutError``."""

    after: float = 0.0
    """Seconds spent."""
    attempts: int = 1
    """Attempts made."""


class DecodeError(PspError):
    """The answer did not match the spec's type for it."""

    status: int = 0
    """HTTP status."""
    path: str = "."
    """Where in the JSON decoding failed (``data[3].amount``)."""
    excerpt: str = ""
    """The start of the body."""
    body: str = ""
    """The raw response body."""


class ValidationError(PspError, ValueError):
    """The request breaks a rule of the spec; nothing was sent. Also a ``ValueError``."""

    field: str = ""
    """The argument or field at fault (``body.amount``)."""
    rule: str = ""
    """The rule it breaks."""


class OutcomeUnknownError(PspError):
    """A write may or may not have reached the provider and cannot be retried safely by the
    client: check its state (e.g. by your own reference) before sending it again."""

    reason: str = ""
    """What happened."""
    idempotency_key: Optional[str] = None
    """The idempotency key the request carried, when the provider deduplicates."""


class ConfigurationError(PspError):
    """The client is misconfigured (missing credentials, unreadable key); nothing was sent."""


class WebhookVerificationError(PspError, ValueError):
    """A webhook failed verification: missing or wrong signature or token, or an unreadable
    body. Answer it with an error status and do not act on it."""
