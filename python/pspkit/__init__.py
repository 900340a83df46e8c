"""pspkit: typed, safe, fast clients for payment providers.

One module per provider, each with a sync and an async client generated from its spec::

    from pspkit.onepay import OnePay, AsyncOnePay

    client = OnePay()                      # PSPKIT_ONEPAY_SECRET_KEY from the environment
    cashout = client.cashouts.get(id="...")
    print(cashout.amount)                  # Decimal

Errors are ``pspkit.PspError`` subclasses; webhooks are checked by ``pspkit.webhooks``.
"""

from __future__ import annotations

from ._native import __version__
from .errors import (
    ApiError,
    AuthenticationError,
    ConfigurationError,
    DecodeError,
    NotFoundError,
    OutcomeUnknownError,
    PspError,
    RateLimitError,
    TimeoutError,
    TransportError,
    ValidationError,
    WebhookVerificationError,
)

from ._providers import PROVIDERS

__all__ = [
    "__version__",
    "PROVIDERS",
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
