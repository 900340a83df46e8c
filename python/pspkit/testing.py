"""The pspkit sandbox, inside your Python process: the five providers on loopback, for tests.

``Sandbox`` starts the sandbox that ships in this package's native module (the same server as the
``pspkit-sandbox`` binary, no binary needed) on a free port of 127.0.0.1, and stops it when the
``with`` block ends::

    from pspkit.testing import Sandbox

    with Sandbox(size=300, seed=7) as sandbox:
        client = sandbox.client("onepay")              # a pspkit.onepay.OnePay pointed at it
        sandbox.inject("503", "reset")                 # the next two requests fail
        client.cashouts.list(limit=10)                 # ... and are retried
        assert sandbox.requests("onepay", "listCashouts") == 3

It authenticates as each provider does (``sandbox.credentials`` holds the keys it accepts), keeps
what clients create, pages a seeded data set in each provider's style, injects faults, counts
requests and created objects (``inspect``), moves created objects through their statuses
(``advance``) and delivers the signed webhooks that causes to a receiver of its own
(``webhooks``). With pytest, the ``pspkit_sandbox`` fixture (this package's pytest plugin) is one
sandbox for the whole session; ``python -m pspkit.sandbox --port 8080`` serves one until Ctrl-C.
"""

from __future__ import annotations

import importlib
import json
from decimal import Decimal
from types import TracebackType
from typing import TYPE_CHECKING, Any, Dict, List, Literal, Mapping, Optional, Sequence, Type, TypedDict, Union, overload

from . import webhooks as _webhooks
from ._providers import (
    CLIENTS,
    PROVIDERS,
    FireKassaCredentials,
    FirstPayCredentials,
    OnChainPayCredentials,
    OnePayCredentials,
    OnlyOnePaysCredentials,
    Provider,
)
from ._native import Sandbox as _NativeSandbox
from ._native import sandbox_credentials as _sandbox_credentials

if TYPE_CHECKING:
    from .firekassa import AsyncFireKassa, FireKassa
    from .firstpay import AsyncFirstPay, FirstPay
    from .onchainpay import AsyncOnChainPay, OnChainPay
    from .onepay import AsyncOnePay, OnePay
    from .onlyonepays import AsyncOnlyOnePays, OnlyOnePays

__all__ = [
    "Sandbox",
    "SandboxOptions",
    "Credentials",
    "Webhook",
    "Provider",
    "OnlyOnePaysCredentials",
    "FireKassaCredentials",
    "FirstPayCredentials",
    "OnePayCredentials",
    "OnChainPayCredentials",
]

def _provider(name: str) -> str:
    """``name`` if it is a provider's, else a ``ValueError`` listing them."""
    if name not in PROVIDERS:
        raise ValueError(f"unknown provider {name!r}: expected one of {', '.join(PROVIDERS)}")
    return name


class SandboxOptions(TypedDict, total=False):
    """``Sandbox``'s keyword arguments, e.g. for the ``pspkit_sandbox_options`` fixture."""

    size: int
    seed: int
    port: int
    webhook_url: Optional[str]
    fault_every: int
    faults: Sequence[str]


class Credentials:
    """The keys a sandbox accepts, per provider, as the keyword arguments its client takes::

        OnePay(**sandbox.credentials.onepay, base_url=sandbox.base_url("onepay"))

    They are the same for every sandbox and open nothing else (FirstPay's are test-only RSA keys
    embedded in the package); its ``repr`` shows none of them all the same."""

    __slots__ = ("_values",)

    def __init__(self, values: Optional[Mapping[str, str]] = None) -> None:
        """``values`` by the sandbox's own names; ``None``: the keys every sandbox accepts."""
        self._values: Dict[str, str] = dict(_sandbox_credentials() if values is None else values)

    @property
    def onlyonepays(self) -> OnlyOnePaysCredentials:
        """OnlyOnePays: ``{"api_key": ...}``."""
        return {"api_key": self._values["onlyonepays_api_key"]}

    @property
    def firekassa(self) -> FireKassaCredentials:
        """FireKassa: ``{"token": ..., "sign_token": ...}`` (every request is signed)."""
        return {"token": self._values["firekassa_token"], "sign_token": self._values["firekassa_sign_token"]}

    @property
    def firstpay(self) -> FirstPayCredentials:
        """FirstPay: ``{"public_key": <FirstPay's public key>, "private_key": <the merchant's
        private key>}``, PEM."""
        return {"public_key": self._values["firstpay_public_pem"], "private_key": self._values["firstpay_merchant_private_pem"]}

    @property
    def onepay(self) -> OnePayCredentials:
        """OnePay: ``{"secret_key": ...}``."""
        return {"secret_key": self._values["onepay_secret_key"]}

    @property
    def onchainpay(self) -> OnChainPayCredentials:
        """OnChainPay: ``{"public_key": ..., "secret_key": ...}``."""
        return {"public_key": self._values["onchainpay_public_key"], "secret_key": self._values["onchainpay_secret_key"]}

    @property
    def onepay_webhook_secret(self) -> str:
        """The secret OnePay webhooks are signed with (``pspkit.webhooks.onepay.verify``)."""
        return self._values["onepay_webhook_secret"]

    @property
    def firstpay_postback_public_key(self) -> str:
        """FirstPay's public key (PEM), which verifies its postbacks (``pspkit.webhooks.firstpay.verify``)."""
        return self._values["firstpay_public_pem"]

    @property
    def firstpay_postback_private_key(self) -> str:
        """FirstPay's private key (PEM), which signs its postbacks: for signing your own in tests."""
        return self._values["firstpay_private_pem"]

    @property
    def firstpay_merchant_public_key(self) -> str:
        """The merchant's public key (PEM), with which the sandbox checks FirstPay requests."""
        return self._values["firstpay_merchant_public_pem"]

    def __eq__(self, other: object) -> bool:
        """Equal when every key is."""
        return isinstance(other, Credentials) and other._values == self._values

    def __hash__(self) -> int:
        """A hash of the keys, consistent with ``==``."""
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self) -> str:
        """The providers only: the keys stay out of logs and test reports."""
        return f"Credentials({', '.join(PROVIDERS)}; values hidden)"


class Webhook:
    """One webhook (or FirstPay postback) the sandbox delivered, exactly as it arrived."""

    __slots__ = ("_provider", "_headers", "_body", "_credentials")

    def __init__(self, provider: str, headers: Mapping[str, str], body: bytes, credentials: Credentials) -> None:
        """A delivery of ``provider`` with its headers (names lower-cased) and raw body;
        ``credentials`` verify it."""
        self._provider = provider
        self._headers = dict(headers)
        self._body = body
        self._credentials = credentials

    @property
    def provider(self) -> str:
        """Who sent it: ``onepay``, ``onchainpay`` or ``firstpay``."""
        return self._provider

    @property
    def headers(self) -> Mapping[str, str]:
        """Its headers, names lower-cased (``x-signature``, ``x-api-signature``, ...)."""
        return self._headers

    @property
    def body(self) -> bytes:
        """Its body, byte for byte: what a signature check must be given."""
        return self._body

    def json(self) -> Any:
        """The body parsed, numbers as ``Decimal`` (unverified: see ``verify``)."""
        return json.loads(self._body, parse_float=Decimal)

    def verify(self, *, now: Optional[float] = None) -> _webhooks.Event:
        """Verifies it as your handler would, with ``pspkit.webhooks`` and the sandbox's keys;
        raises ``pspkit.WebhookVerificationError`` if it does not verify. ``now`` (Unix seconds)
        is the clock of OnePay's replay check."""
        c = self._credentials
        if self._provider == "onepay":
            return _webhooks.onepay.verify(self._body, self._headers, c.onepay_webhook_secret, now=now)
        if self._provider == "onchainpay":
            return _webhooks.onchainpay.verify(self._body, self._headers, c.onchainpay["secret_key"])
        if self._provider == "firstpay":
            return _webhooks.firstpay.verify(self._body, c.firstpay_postback_public_key)
        raise ValueError(f"the sandbox sends no webhooks for {self._provider!r}")

    def __eq__(self, other: object) -> bool:
        """Equal when sender, headers and body are."""
        return (
            isinstance(other, Webhook)
            and (other._provider, other._headers, other._body) == (self._provider, self._headers, self._body)
        )

    def __hash__(self) -> int:
        """A hash of sender and body, consistent with ``==``."""
        return hash((self._provider, self._body))

    def __repr__(self) -> str:
        """Sender, header names and body size: header values carry signatures and tokens."""
        return f"Webhook(provider={self._provider!r}, headers={sorted(self._headers)!r}, body=<{len(self._body)} bytes>)"


class Sandbox:
    """The five providers' APIs served from this process on 127.0.0.1, until ``close``.

    Use it as a context manager (``with Sandbox() as sandbox:``) or call ``close``; it also stops
    when garbage-collected. Closing twice is harmless. It serves on the native module's threads,
    so it keeps answering while your code waits in a call (sync or async).
    """

    def __init__(
        self,
        *,
        size: int = 3000,
        seed: int = 42,
        port: int = 0,
        webhook_url: Optional[str] = None,
        fault_every: int = 0,
        faults: Sequence[str] = (),
    ) -> None:
        """Starts a sandbox; it serves when this returns.

        ``size`` objects of every seeded kind (generated from ``seed``), on ``port`` (0: a free
        one). Webhooks go to the sandbox's own receiver (``webhooks``), or to ``webhook_url``
        (``<webhook_url>/<provider>``) when given. ``fault_every`` > 0 injects the ``faults`` in
        turn on every n-th provider request for the whole run. Raises ``OSError`` when the port
        cannot be bound, ``ValueError`` for an unknown fault.
        """
        if isinstance(faults, str):
            raise TypeError("faults is a sequence of fault names, e.g. ['503', 'reset'], not one string")
        for name, value in (("size", size), ("seed", seed), ("port", port), ("fault_every", fault_every)):
            if value < 0:
                raise ValueError(f"{name} must not be negative, not {value}")
        if port > 65535:
            raise ValueError(f"port must be at most 65535, not {port}")
        for name, value in (("size", size), ("seed", seed), ("fault_every", fault_every)):
            if value >= 2**63:  # what the native side counts in
                raise ValueError(f"{name} must be below 2**63, not {value}")
        self._native = _NativeSandbox(port, size, seed, webhook_url, fault_every, list(faults))
        self._webhook_url = webhook_url if webhook_url is not None else self._native.inbox_url
        self._credentials = Credentials(self._native.credentials())

    # --- where it is ---------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``; its admin routes are under ``/_sandbox/``."""
        return self._native.url

    @property
    def port(self) -> int:
        """The TCP port it listens on."""
        return int(self._native.url.rsplit(":", 1)[1])

    def base_url(self, provider: Provider) -> str:
        """The base URL to give ``provider``'s client, e.g. ``http://127.0.0.1:<port>/onepay``."""
        return f"{self._native.url}/{_provider(provider)}"

    @property
    def webhook_url(self) -> Optional[str]:
        """Where it delivers webhooks (``<webhook_url>/<provider>``): its own receiver's URL,
        or the one it was given."""
        return self._webhook_url

    @property
    def running(self) -> bool:
        """Whether it still serves (``False`` after ``close``)."""
        return bool(self._native.running)

    # --- clients -------------------------------------------------------------------------------

    @property
    def credentials(self) -> Credentials:
        """The keys it accepts, per provider, as their clients' keyword arguments."""
        return self._credentials

    @overload
    def client(
        self, provider: Literal["onlyonepays"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> OnlyOnePays: ...
    @overload
    def client(
        self, provider: Literal["firekassa"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> FireKassa: ...
    @overload
    def client(
        self, provider: Literal["firstpay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> FirstPay: ...
    @overload
    def client(
        self, provider: Literal["onepay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> OnePay: ...
    @overload
    def client(
        self, provider: Literal["onchainpay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> OnChainPay: ...
    @overload
    def client(
        self, provider: Provider, *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> Union[OnlyOnePays, FireKassa, FirstPay, OnePay, OnChainPay]: ...
    def client(
        self,
        provider: Provider,
        *,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> Any:
        """A new blocking client of ``provider`` (``pspkit.onepay.OnePay``, ...) with the
        sandbox's credentials and base URL; the retry options are the client's own."""
        return self._make(provider, False, max_retries, timeout, deadline)

    @overload
    def async_client(
        self, provider: Literal["onlyonepays"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> AsyncOnlyOnePays: ...
    @overload
    def async_client(
        self, provider: Literal["firekassa"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> AsyncFireKassa: ...
    @overload
    def async_client(
        self, provider: Literal["firstpay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> AsyncFirstPay: ...
    @overload
    def async_client(
        self, provider: Literal["onepay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> AsyncOnePay: ...
    @overload
    def async_client(
        self, provider: Literal["onchainpay"], *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> AsyncOnChainPay: ...
    @overload
    def async_client(
        self, provider: Provider, *, max_retries: Optional[int] = ..., timeout: Optional[float] = ..., deadline: Optional[float] = ...
    ) -> Union[AsyncOnlyOnePays, AsyncFireKassa, AsyncFirstPay, AsyncOnePay, AsyncOnChainPay]: ...
    def async_client(
        self,
        provider: Provider,
        *,
        max_retries: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> Any:
        """A new asyncio client of ``provider`` (``pspkit.onepay.AsyncOnePay``, ...) with the
        sandbox's credentials and base URL."""
        return self._make(provider, True, max_retries, timeout, deadline)

    def _make(
        self, provider: Provider, asynchronous: bool, max_retries: Optional[int], timeout: Optional[float], deadline: Optional[float]
    ) -> Any:
        """A new client of ``provider``, of its asyncio class when ``asynchronous``."""
        module, sync_class, async_class = CLIENTS[_provider(provider)]
        # imported here: a test of one provider does not pay for importing the other four
        cls = getattr(importlib.import_module(module), async_class if asynchronous else sync_class)
        keys: Mapping[str, str] = getattr(self._credentials, provider)
        return cls(**keys, base_url=self.base_url(provider), max_retries=max_retries, timeout=timeout, deadline=deadline)

    # --- faults and inspection -----------------------------------------------------------------

    def inject(self, *faults: str) -> None:
        """Queues faults for the next provider requests, one request each, in order: ``"429"``
        or ``"429:<retry-after secs>"``, ``"500"``, ``"502"``, ``"503"``, ``"504"``, ``"reset"``
        (the connection dropped before the answer), ``"reset-mid-body"``, ``"delay:<ms>"``,
        ``"truncate"``, ``"html"``, ``"content-type"``, ``"panic"``. An unknown name raises
        ``ValueError`` and queues nothing."""
        self._native.inject(list(faults))

    def inspect(self) -> Dict[str, Any]:
        """What ``GET /_sandbox/inspect`` shows: ``created`` (per provider and kind, by clients),
        ``objects`` (held, seeded included), ``requests`` (per provider and operation id),
        ``requests_total``, ``recent_requests`` and ``webhooks_sent``."""
        return dict(json.loads(self._native.inspect()))

    def requests(self, provider: Provider, operation_id: str) -> int:
        """How many requests reached ``operation_id`` (the spec's, e.g. ``createCashout``), each
        attempt of a retried call counted."""
        return int(self.inspect()["requests"].get(_provider(provider), {}).get(operation_id, 0))

    def created(self, provider: Provider, kind: str) -> int:
        """How many objects of ``kind`` (``cashout``, ``order``, ...) clients created."""
        return int(self.inspect()["created"].get(_provider(provider), {}).get(kind, 0))

    def objects(self, provider: Provider, kind: str) -> int:
        """How many objects of ``kind`` it holds, seeded and created."""
        return int(self.inspect()["objects"].get(_provider(provider), {}).get(kind, 0))

    def advance(self) -> List[Dict[str, Any]]:
        """Moves every object clients created one status on (``POST /_sandbox/advance``) and
        delivers the signed webhooks that causes before it returns; returns what moved:
        ``{"provider", "kind", "id", "status"}`` each."""
        return list(json.loads(self._native.advance())["moved"])

    # --- webhooks ------------------------------------------------------------------------------

    def webhooks(self, provider: Optional[Provider] = None) -> List[Webhook]:
        """The webhooks and postbacks its receiver got, in arrival order (only ``provider``'s when
        given); ``Webhook.verify`` checks one. Raises ``RuntimeError`` when it was started with a
        ``webhook_url`` of your own, which got them instead."""
        wanted = None if provider is None else _provider(provider)
        return [
            Webhook(sender, headers, body, self._credentials)
            for sender, headers, body in self._native.webhooks()
            if wanted is None or sender == wanted
        ]

    # --- life ----------------------------------------------------------------------------------

    def describe(self) -> str:
        """What the ``pspkit-sandbox`` binary prints: each provider's base URL and credentials."""
        return self._native.describe()

    def close(self) -> None:
        """Stops serving and waits until the port is closed (open connections are dropped).
        Calling it again does nothing."""
        self._native.close()

    def __enter__(self) -> Sandbox:
        """The sandbox itself, already serving."""
        return self

    def __exit__(
        self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException], tb: Optional[TracebackType]
    ) -> None:
        """Closes it, whether or not the block raised (the exception goes on)."""
        self.close()

    def __repr__(self) -> str:
        """Its URL and whether it runs; never its credentials."""
        return f"<pspkit.testing.Sandbox {self.url} ({'running' if self.running else 'closed'})>"
