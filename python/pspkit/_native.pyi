"""The Rust side of pspkit (pyo3). Internal: use the provider modules."""

from datetime import datetime
from decimal import Decimal
from typing import Any, Awaitable, Dict, List, Mapping, Optional, Sequence, Tuple, final

from typing_extensions import Self, disjoint_base

__all__ = [
    "Canceller",
    "Client",
    "Drain",
    "Field",
    "ModelBase",
    "Pager",
    "PaymentPager",
    "Sandbox",
    "WEBHOOK_MAX_BODY_BYTES",
    "WEBHOOK_TOLERANCE",
    "firstpay_sign",
    "firstpay_verify",
    "onchainpay_sign",
    "onchainpay_verify",
    "onepay_sign",
    "onepay_verify",
    "sandbox_credentials",
    "__version__",
    "cli_main",
    "exact_number",
    "is_secret_field",
    "reconcile",
    "wait_idle",
]
__version__: str

@final
class Client:
    def __new__(
        cls,
        provider: str,
        credentials: Mapping[str, Optional[str]],
        base_url: Optional[str] = None,
        max_attempts: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> Client: ...
    def with_options(
        self,
        base_url: Optional[str] = None,
        max_attempts: Optional[int] = None,
        timeout: Optional[float] = None,
        deadline: Optional[float] = None,
    ) -> Client: ...
    def close(self) -> None: ...
    @property
    def closed(self) -> bool: ...
    def call(
        self,
        operation: str,
        args: Mapping[str, Any],
        timeout: Optional[float] = None,
        headers: Optional[List[Tuple[str, str]]] = None,
        raw: bool = False,
        query: Optional[List[Tuple[str, str]]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Tuple[Any, Optional[_Meta]]: ...
    def call_async(
        self,
        operation: str,
        args: Mapping[str, Any],
        timeout: Optional[float] = None,
        headers: Optional[List[Tuple[str, str]]] = None,
        raw: bool = False,
        query: Optional[List[Tuple[str, str]]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Tuple[Awaitable[Tuple[Any, Optional[_Meta]]], Optional[BaseException]]: ...
    def pages(
        self,
        operation: str,
        args: Mapping[str, Any],
        page_size: Optional[int] = None,
        max_items: Optional[int] = None,
        timeout: Optional[float] = None,
        headers: Optional[List[Tuple[str, str]]] = None,
        query: Optional[List[Tuple[str, str]]] = None,
        body: Optional[Mapping[str, Any]] = None,
    ) -> Pager: ...
    def payment_pages(self, since: Optional[str] = None, until: Optional[str] = None) -> PaymentPager: ...
    @property
    def base_url(self) -> str: ...
    @property
    def shown_base_url(self) -> str: ...

# provider, provider id, reference, direction, amount, currency, status, raw status, fee, created, updated
_Payment = Tuple[str, str, Optional[str], str, Decimal, str, str, str, Optional[Decimal], Optional[datetime], Optional[datetime]]
# line, provider, reference, amount, currency, status, direction, created
_LedgerRow = Tuple[int, str, str, Decimal, str, Optional[str], Optional[str], Optional[datetime]]
# kind, provider, reference, ledger row, payment
_Entry = Tuple[str, str, Optional[str], Optional[_LedgerRow], Optional[_Payment]]

@final
class PaymentPager:
    def next_page(self) -> Optional[List[_Payment]]: ...
    def close(self) -> None: ...

def reconcile(
    ledger: bytes, clients: List[Client], providers: List[str], since: Optional[str] = None, until: Optional[str] = None
) -> List[_Entry]: ...
def cli_main(argv: List[str]) -> int: ...
def is_secret_field(name: str) -> bool: ...
def exact_number(text: str) -> int | Decimal: ...

# status, headers, request id, attempts, idempotency key
_Meta = Tuple[int, List[Tuple[str, str]], Optional[str], int, Optional[str], bytes]
# items (records and plain values), position, total pages, total items, next cursor
_Page = Tuple[List[Any], int, Optional[int], Optional[int], Optional[str]]

@disjoint_base
class ModelBase:
    """The native part of every model object: a response's decoded value, or the JSON form of an
    object built in Python."""

    def __new__(cls, *args: Any, **kwargs: Any) -> Self: ...
    def _set_json(self, data: Dict[str, Any]) -> None: ...
    @property
    def _data(self) -> Optional[Dict[str, Any]]: ...
    def _wires(self) -> List[str]: ...
    def _wire_json(self) -> bytes: ...

@final
class Field:
    """A model field: reads a response's field from its record, or calls ``python`` for an
    object built in Python."""

    def __new__(cls, position: int, python: Any) -> Field: ...
    def __get__(self, instance: Any, owner: Any = None, /) -> Any: ...
    def __set__(self, instance: Any, value: Any, /) -> None: ...

@final
class Canceller:
    def __call__(self, future: Any) -> None: ...

@final
class Drain:
    """An event loop's reader callback that sets the results of calls finished in Rust."""

    def __call__(self, *args: Any, **kwargs: Any) -> None: ...

@final
class Pager:
    def next_page(self) -> Optional[_Page]: ...
    def next_page_async(self) -> Awaitable[Optional[_Page]]: ...
    def close(self) -> None: ...

def onepay_verify(
    body: bytes,
    signature: Optional[str],
    token: Optional[str],
    secret: str,
    expected_token: Optional[str],
    max_body_bytes: int,
    tolerance: Optional[float],
    now: Optional[float],
) -> Tuple[str, str, Optional[int], Optional[str]]: ...
def onepay_sign(secret: str, body: bytes) -> str: ...
def onchainpay_verify(
    body: bytes, signature: Optional[str], public_key: Optional[str], secret: str, max_body_bytes: int
) -> Tuple[Optional[str], str]: ...
def onchainpay_sign(secret: str, body: bytes) -> str: ...
def firstpay_verify(body: bytes, public_key: str, max_body_bytes: int) -> Tuple[str, Optional[str], str, List[str]]: ...

WEBHOOK_MAX_BODY_BYTES: int
WEBHOOK_TOLERANCE: float
def firstpay_sign(body: bytes, private_key: str) -> bytes: ...
def wait_idle(timeout: float) -> bool: ...

@final
class Sandbox:
    def __new__(
        cls,
        port: int = 0,
        size: int = 3000,
        seed: int = 42,
        webhook_url: Optional[str] = None,
        fault_every: int = 0,
        faults: Sequence[str] = ...,
    ) -> Sandbox: ...
    @property
    def url(self) -> str: ...
    @property
    def inbox_url(self) -> Optional[str]: ...
    @property
    def running(self) -> bool: ...
    def credentials(self) -> Dict[str, str]: ...
    def describe(self) -> str: ...
    def inject(self, faults: Sequence[str]) -> int: ...
    def inspect(self) -> str: ...
    def advance(self) -> str: ...
    def webhooks(self) -> List[Tuple[str, Dict[str, str], bytes]]: ...
    def close(self) -> None: ...

def sandbox_credentials() -> Dict[str, str]: ...
