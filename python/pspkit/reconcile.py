"""Reconciliation: your ledger against what the providers report.

``reconcile`` takes your books as any iterable of rows (dicts, dataclasses, named tuples, pandas'
``df.to_dict("records")``, SQL rows) with ``provider``, ``reference``, ``amount`` and
``currency``, and optionally ``status`` (a normalized status), ``direction`` (``in``/``out``; a
negative amount is a payout) and ``created`` (an aware datetime or ISO text), and one client per
provider. It fetches each provider's normalized payments of the range and
classifies every record by provider and reference::

    from pspkit.reconcile import reconcile

    report = reconcile(rows, [OnePay(), FireKassa()], since=start, until=end)
    for entry in report.amount_mismatch:
        print(entry.reference, entry.ledger.amount, entry.payment.amount)

The engine is the one ``pspkit reconcile`` runs. Amounts must be exact: ``Decimal``, ``int`` or
decimal text; a ``float`` is refused, as is any malformed row (``LedgerError`` names its row and
column) — nothing is skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union, cast

from ._bridge import iso, native_client
from ._native import reconcile as _native_reconcile
from .normalized import Direction, Payment, Status, from_native

__all__ = ["KINDS", "Entry", "LedgerError", "LedgerRow", "Report", "reconcile"]

KINDS = ("matched", "missing_in_provider", "missing_in_ledger", "amount_mismatch", "currency_mismatch", "status_mismatch")
"""Every kind of entry, in report order."""

_COLUMNS = ("provider", "reference", "amount", "currency", "status", "direction", "created")


class LedgerError(ValueError):
    """A ledger row that breaks a rule: ``row`` is its 1-based position, ``column`` the field."""

    def __init__(self, row: int, column: Optional[str], message: str) -> None:
        where = f"row {row}" + (f", {column}" if column else "")
        super().__init__(f"{where}: {message}")
        self.row = row
        self.column = column
        self.message = message


@dataclass(frozen=True)
class LedgerRow:
    """One row of your books, as read."""

    row: int
    """Its 1-based position in the rows given."""
    provider: str
    reference: str
    amount: Decimal
    currency: str
    status: Optional[Status]
    direction: Optional[Direction]
    created: Optional[datetime]


@dataclass(frozen=True)
class Entry:
    """One finding: its kind, and both sides as far as they exist."""

    kind: str
    """One of ``KINDS``."""
    provider: str
    reference: Optional[str]
    ledger: Optional[LedgerRow]
    """Your row; ``None`` for ``missing_in_ledger``."""
    payment: Optional[Payment]
    """The provider's record; ``None`` for ``missing_in_provider``."""


def _entries() -> List[Entry]:
    return []


@dataclass
class Report:
    """Every entry, by kind."""

    matched: List[Entry] = field(default_factory=_entries)
    missing_in_provider: List[Entry] = field(default_factory=_entries)
    missing_in_ledger: List[Entry] = field(default_factory=_entries)
    amount_mismatch: List[Entry] = field(default_factory=_entries)
    currency_mismatch: List[Entry] = field(default_factory=_entries)
    status_mismatch: List[Entry] = field(default_factory=_entries)

    def counts(self) -> Dict[str, int]:
        """How many entries of each kind."""
        return {k: len(self.entries(k)) for k in KINDS}

    def entries(self, kind: str) -> List[Entry]:
        """The entries of one kind."""
        if kind not in KINDS:
            raise ValueError(f"{kind!r} is not a kind: {', '.join(KINDS)}")
        entries: List[Entry] = getattr(self, kind)
        return entries

    @property
    def ok(self) -> bool:
        """Whether everything matched."""
        return all(not self.entries(k) for k in KINDS if k != "matched")


def _value(row: Any, name: str) -> Any:
    if isinstance(row, Mapping):
        return cast(Mapping[str, Any], row).get(name)
    return getattr(row, name, None)


def _amount_text(position: int, amount: Any) -> str:
    if isinstance(amount, bool) or isinstance(amount, float):
        raise LedgerError(position, "amount", f"{amount!r} is a {type(amount).__name__}: give a Decimal, an int or decimal text (a float is not exact)")
    if isinstance(amount, Decimal):
        # a decimal with more than 28 digits either side of the point cannot be exact here, and
        # writing Decimal("1E+999999999") out in full would take a gigabyte
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or not isinstance(exponent, int) or not -28 <= exponent <= 28 or amount.adjusted() > 28:
            raise LedgerError(position, "amount", f"{amount!r} is not an amount (at most 28 digits, finite)")
        return format(amount, "f")  # never an exponent (Decimal("1E+3") is 1000)
    if isinstance(amount, int):
        return str(amount)
    if isinstance(amount, str):
        return amount
    raise LedgerError(position, "amount", f"expected a Decimal, an int or decimal text, not {type(amount).__name__}")


def _ledger_jsonl(rows: Iterable[Any]) -> bytes:
    lines: List[str] = []
    for position, row in enumerate(rows, start=1):
        record: Dict[str, Any] = {}
        for name in _COLUMNS:
            v = _value(row, name)
            if v is None:
                continue
            if name == "amount":
                v = _amount_text(position, v)
            elif isinstance(v, (Status, Direction)):
                v = v.value
            elif name == "created" and isinstance(v, datetime):
                v = iso("created", v)
            elif not isinstance(v, str):
                raise LedgerError(position, name, f"expected text, not {type(v).__name__}")
            record[name] = v
        lines.append(json.dumps(record))
    return ("\n".join(lines) + "\n").encode()


def _row(t: Tuple[int, str, str, Decimal, str, Optional[str], Optional[str], Optional[datetime]]) -> LedgerRow:
    return LedgerRow(t[0], t[1], t[2], t[3], t[4], Status(t[5]) if t[5] else None, Direction(t[6]) if t[6] else None, t[7])


def reconcile(
    ledger: Iterable[Union[Mapping[str, Any], Any]],
    clients: Union[Any, Sequence[Any]],
    since: Optional[datetime] = None,
    until: Optional[datetime] = None,
) -> Report:
    """Compares ``ledger`` (your rows) with the payments ``clients`` report created in
    ``[since, until)`` (aware datetimes; either may be ``None``).

    Only the clients' providers are reconciled: a ledger row of another provider is ignored, and
    a row of theirs that no provider reported is ``missing_in_provider`` (unless its ``created``
    is outside the range: the providers were only asked about the range). Raises ``LedgerError``
    for a malformed row, and a ``pspkit.PspError`` when a provider call fails."""
    given: List[Any] = list(cast(Sequence[Any], clients)) if isinstance(clients, (list, tuple)) else [clients]
    natives = [native_client(c) for c in given]
    providers = [str(getattr(c, "_provider", "")) for c in given]
    text = _ledger_jsonl(ledger)
    try:
        raw = _native_reconcile(text, natives, providers, iso("since", since), iso("until", until))
    except ValueError as e:
        if len(e.args) == 3:
            line, column, message = e.args
            raise LedgerError(int(line), column, str(message)) from None
        raise
    report = Report()
    for kind, provider, reference, row, payment in raw:
        entry = Entry(kind, provider, reference, _row(row) if row else None, from_native(payment) if payment else None)
        report.entries(kind).append(entry)
    return report
