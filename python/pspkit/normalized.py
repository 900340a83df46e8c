"""One payment record across providers.

Each provider reports money moving in its own shape (OnePay's charges and cashouts, OnChainPay's
orders, FirstPay's payments, FireKassa's transactions, OnlyOnePays' operations). ``Payment`` is
the one shape they all map to; the mapping of each provider is declared in its spec and built
into the package::

    from pspkit.normalized import payments
    from pspkit.onepay import OnePay

    for p in payments(OnePay(), since=datetime(2026, 1, 1, tzinfo=timezone.utc)):
        print(p.provider_id, p.reference, p.direction, p.amount, p.currency, p.status)

A raw status nobody mapped is ``Status.UNKNOWN``, never an error; the provider's own status is
always kept in ``raw_status``.
"""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, Iterator, List, Optional, Tuple

from ._bridge import iso, native_client

__all__ = ["Direction", "Payment", "Status", "payment_pages", "payments"]


class Direction(str, enum.Enum):
    """Which way the money moves, seen from the merchant."""

    IN = "in"
    """Paid to the merchant (a pay-in, a charge, a deposit, an order)."""
    OUT = "out"
    """Paid out by the merchant (a payout, a cashout, a withdrawal)."""


class Status(str, enum.Enum):
    """Where a payment stands, in a small closed set every provider's statuses map to."""

    PENDING = "pending"
    """Not final yet."""
    SUCCEEDED = "succeeded"
    """The money moved."""
    FAILED = "failed"
    """The money did not move and will not."""
    CANCELED = "canceled"
    """Stopped before the money moved."""
    REFUNDED = "refunded"
    """The money moved and was given back."""
    UNKNOWN = "unknown"
    """A raw status the provider's mapping does not list (see ``Payment.raw_status``)."""


@dataclass(frozen=True)
class Payment:
    """One payment as any provider reports it, in one shape."""

    provider: str
    """The provider's name (``onepay``)."""
    provider_id: str
    """The provider's own id of the payment."""
    reference: Optional[str]
    """The merchant's own reference (its order id), when the provider reports one."""
    direction: Direction
    """Which way the money moves."""
    amount: Decimal
    """The amount in major units (pesos, not centavos), exact."""
    currency: str
    """ISO 4217 letters (``COP``); a code the ISO table does not know is kept as sent (``USDT``)."""
    status: Status
    """Where the payment stands."""
    raw_status: str
    """The provider's own status, as sent."""
    fee: Optional[Decimal]
    """The fee the provider charged, where it reports one."""
    created: Optional[datetime]
    """When it was created (aware, UTC)."""
    updated: Optional[datetime]
    """When it last changed (aware, UTC), where the provider reports it."""

    def to_dict(self) -> Dict[str, Any]:
        """A fresh dict of the fields (enums as their values)."""
        d = asdict(self)
        d["direction"] = self.direction.value
        d["status"] = self.status.value
        return d


_Fields = Tuple[str, str, Optional[str], str, Decimal, str, str, str, Optional[Decimal], Optional[datetime], Optional[datetime]]


def from_native(t: _Fields) -> Payment:
    """A payment from the native side's tuple of its fields (direction and status as text)."""
    return Payment(t[0], t[1], t[2], Direction(t[3]), t[4], t[5], Status(t[6]), t[7], t[8], t[9], t[10])


def payment_pages(client: Any, since: Optional[datetime] = None, until: Optional[datetime] = None) -> Iterator[List[Payment]]:
    """Every payment of ``client`` created in ``[since, until)``, page by page (the next page is
    fetched while this one is used; memory stays proportional to a page). Either end may be
    ``None`` (open). ``client`` is any sync pspkit client (``pspkit.onepay.OnePay``, ...)."""
    pager = native_client(client).payment_pages(iso("since", since), iso("until", until))
    try:
        while True:
            page = pager.next_page()
            if page is None:
                return
            yield [from_native(t) for t in page]
    finally:
        pager.close()


def payments(client: Any, since: Optional[datetime] = None, until: Optional[datetime] = None) -> Iterator[Payment]:
    """Every payment of ``client`` created in ``[since, until)``, one at a time (see
    ``payment_pages``)."""
    for page in payment_pages(client, since, until):
        yield from page
