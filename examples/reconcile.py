"""The reconciliation demo, in Python: five providers against the local sandbox.

For each provider it lists the operations of a date range with auto-pagination (a progress bar
while it pages), creates a payout (with an idempotency key where the provider deduplicates),
survives injected faults (429, 503, a dropped connection) without a duplicate, verifies the
webhooks the sandbox sends, reconciles a ledger written from the sandbox's records with one
planted discrepancy of each kind (and checks the report finds exactly those), and prints a table:
count and exact sum per provider, currency and status. Every step is checked against the sandbox's own records; the script exits
non-zero if anything is wrong.

    ./run demo                                   # builds everything and runs this
    .venv/bin/python examples/reconcile.py       # once `just python-dev` (or `pip install ./python`)
    .venv/bin/python examples/reconcile.py --size 500

The sandbox ships in the pspkit package: `pspkit.testing.Sandbox` serves it from this process on a
free port and receives the webhooks it sends; the clients are the ones a real integration uses
(`OnePay(secret_key, base_url=...)`), pointed at it with the keys it accepts.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Callable, Dict, Iterable, List, Optional, Tuple, TypeVar

import pspkit
from pspkit import normalized, webhooks
from pspkit.firekassa import CreateWithdrawalTransactionType, FireKassa
from pspkit.firstpay import ClientFieldValue, FirstPay
from pspkit.onchainpay import OnChainPay
from pspkit.onepay import Cashout, CashoutMethod, OnePay
from pspkit.onlyonepays import OnlyOnePays
from pspkit.reconcile import KINDS, reconcile
from pspkit.testing import Sandbox

T = TypeVar("T")
Row = Tuple[str, str, Optional[Decimal]]
"""What one listed item adds to the table: currency, status, amount."""


class Failed(Exception):
    """A reconciliation check did not hold."""


def check(ok: bool, what: str) -> None:
    if not ok:
        raise Failed(what)
    print(f"  ok  {what}")


# --- paging with a progress bar, into the table ------------------------------------------------

Table = Dict[Tuple[str, str, str], Tuple[int, Decimal]]


class Progress:
    """A progress bar: a bar when the total is known, a count when it is not."""

    def __init__(self, provider: str, total: Optional[int]) -> None:
        self.provider = provider
        self.total = total
        self.live = sys.stdout.isatty()  # redrawn in place on a terminal, printed once otherwise

    def show(self, items: int, pages: int, done: bool = False) -> None:
        if not (self.live or done):
            return
        if self.total:
            filled = min(30, items * 30 // self.total)
            bar = f"[{'#' * filled}{'.' * (30 - filled)}] {items:>6,}/{self.total:,}"
        else:
            bar = f"{items:>6,} items (the provider reports no total)"
        end = "\n" if done else ""
        print(f"\r  {self.provider:<12} {bar}  {pages} pages", end=end, flush=True)


def walk(provider: str, pages: Iterable[List[T]], total: Optional[int], row: Callable[[T], Row], table: Table) -> int:
    """Walks every page (pspkit fetches the next one while this one is added), returns the count."""
    progress = Progress(provider, total)
    items = 0
    count = 0
    for page in pages:
        count += 1
        for item in page:
            currency, status, amount = row(item)
            seen, total_amount = table.get((provider, currency, status), (0, Decimal(0)))
            table[(provider, currency, status)] = (seen + 1, total_amount + (amount or Decimal(0)))
        items += len(page)
        progress.show(items, count)
    progress.show(items, count, done=True)
    return items


def text(value: Any) -> str:
    """An enum member's value, a plain string, or `?`."""
    return "?" if value is None else str(getattr(value, "value", value))


# --- the providers -----------------------------------------------------------------------------


def onlyonepays(sandbox: Sandbox, table: Table, size: int) -> None:
    print("OnlyOnePays (a read-only aggregator: nothing to pay out)")
    client = OnlyOnePays(**sandbox.credentials.onlyonepays, base_url=sandbox.base_url("onlyonepays"))
    since = datetime(2026, 5, 1, tzinfo=timezone.utc)
    until = datetime(2026, 8, 31, 23, 59, 59, tzinfo=timezone.utc)
    total = client.operations.search(date_from=since, date_to=until, page_size=1).total
    before = sandbox.requests("onlyonepays", "searchOperations")
    sandbox.inject("429:0", "503")
    seen = walk(
        "onlyonepays",
        client.operations.search_pages(date_from=since, date_to=until, page_size=100),
        total,
        lambda o: (text(o.currency), text(o.status), o.amount_local),
        table,
    )
    check(seen == total and 0 < seen < size, f"{seen} operations of May-August 2026, as many as the provider reports")
    retried = sandbox.requests("onlyonepays", "searchOperations") - before - math.ceil(seen / 100)
    check(retried == 2, "paged past a 429 and a 503, each retried once")


def onepay(sandbox: Sandbox, table: Table) -> str:
    print("OnePay")
    client = OnePay(**sandbox.credentials.onepay, base_url=sandbox.base_url("onepay"))

    def pay_out() -> Cashout:
        return client.cashouts.create(
            account_id="acc-7",
            amount=Decimal("250000"),
            currency="COP",
            customer_id="cus-7",
            method=CashoutMethod.ACH,
            external_id="payout-2026-11-21-001",
            idempotency_key="payout-2026-11-21-001",
        )

    # Three faults in a row: the client retries with the same idempotency key, the provider
    # deduplicates on it, so however many attempts reached it there is one cashout.
    sandbox.inject("429:0", "503", "reset")
    cashout = pay_out()
    check(sandbox.requests("onepay", "createCashout") == 4, "a cashout through a 429, a 503 and a dropped connection: 4 attempts")
    again = pay_out()
    check(
        again.id == cashout.id and sandbox.created("onepay", "cashout") == 1,
        f"sent again with the same key: the same cashout {cashout.id}, created once",
    )
    # cashouts are a Laravel "simple" paginator: no total, so the bar counts
    seen = walk(
        "onepay",
        client.cashouts.list_pages(page_size=100),
        client.cashouts.list(limit=1).total,
        lambda c: (c.currency or "COP", text(c.status), c.amount),  # OnePay is peso-only; cashouts omit it
        table,
    )
    check(seen == sandbox.objects("onepay", "cashout"), f"all {seen} cashouts listed")
    return cashout.id or ""


def onchainpay(sandbox: Sandbox, table: Table) -> None:
    print("OnChainPay (orders are not deduplicated: a lost answer is never retried)")
    client = OnChainPay(**sandbox.credentials.onchainpay, base_url=sandbox.base_url("onchainpay"))

    def order(reference: str) -> None:
        client.orders.create(currency="USDT", network="tron", amount=Decimal("125.50"), lifetime=1800, order=reference)

    order("invoice-88")
    before = sandbox.requests("onchainpay", "createOrder")
    sandbox.inject("reset")
    try:
        order("invoice-89")
        raise Failed("a create whose answer was lost returned normally")
    except pspkit.OutcomeUnknownError as e:
        sent = sandbox.requests("onchainpay", "createOrder") - before
        check(sent == 1, f"a dropped connection on a create: sent once, reported as {type(e).__name__}")
    sandbox.inject("reset-mid-body", "503")
    total = int(client.orders.list(limit=1).total)
    seen = walk(
        "onchainpay",
        client.orders.list_pages(page_size=100),
        total,
        lambda o: (text(o.currency), text(o.status), o.amount),
        table,
    )
    check(seen == total == sandbox.objects("onchainpay", "order"), f"all {seen} orders, read past a cut body and a 503")


def firstpay(sandbox: Sandbox, table: Table) -> None:
    print("FirstPay (payouts are not deduplicated: sent once)")
    # FirstPay's public key and the merchant's private key (PEM): test-only keys in the package
    client = FirstPay(**sandbox.credentials.firstpay, base_url=sandbox.base_url("firstpay"))
    client.payments.create_pay_out(
        account_id=7,
        amount=Decimal("100.50"),
        payment_method_id="pm_bkash",
        merchant_payment_id="payout-77",
        client_fields_values=[ClientFieldValue(key="phone", value="+8801700000000")],
    )
    check(sandbox.created("firstpay", "payment") == 1, "an RSA-signed payout, created once")
    since, until = 1_767_225_600_000, 1_798_761_599_000  # 2026, in Unix milliseconds
    total = client.payments.list(created_at_from=since, created_at_to=until, take=1).total
    sandbox.inject("503")
    seen = walk(
        "firstpay",
        client.payments.list_pages(created_at_from=since, created_at_to=until, page_size=100),
        total,
        lambda p: (text(p.currency_code), text(p.status), p.amount),
        table,
    )
    check(seen == total, f"{seen} payments of 2026 by keyset, as many as the provider reports")


def firekassa(sandbox: Sandbox, table: Table) -> None:
    print("FireKassa (withdrawals are not deduplicated: sent once)")
    client = FireKassa(**sandbox.credentials.firekassa, base_url=sandbox.base_url("firekassa"))
    client.withdrawals.create_transaction(
        type=CreateWithdrawalTransactionType.CARD, account="4111111111111111", amount=Decimal("1500.00"), order_id="w-2026-11-21"
    )
    check(sandbox.created("firekassa", "transaction") == 1, "a signed card withdrawal, created once")
    sandbox.inject("429:0")
    seen = walk(
        "firekassa",
        client.transactions.list_pages(page_size=100),
        None,
        lambda t: (text(t.currency), text(t.status), t.amount),
        table,
    )
    check(seen == sandbox.objects("firekassa", "transaction"), f"all {seen} transactions, read past a 429")


def verify_webhooks(sandbox: Sandbox, cashout_id: str) -> None:
    print("Webhooks (statuses move on; each delivery verified from its raw bytes)")
    sandbox.advance()  # the webhooks it causes are delivered before it returns
    keys = sandbox.credentials
    verified: Dict[str, int] = {}
    received = sandbox.webhooks()
    for delivery in received:
        provider, headers, body = delivery.provider, delivery.headers, delivery.body
        if provider == "onepay":
            event = webhooks.onepay.verify(body, headers, keys.onepay_webhook_secret)
            if event.data.get("cashout", {}).get("id") == cashout_id:
                print(f"  our cashout {cashout_id} is now {event.type}")
        elif provider == "onchainpay":
            webhooks.onchainpay.verify(body, headers, keys.onchainpay["secret_key"])
        elif provider == "firstpay":
            webhooks.firstpay.verify(body, keys.firstpay_postback_public_key)
        else:
            raise Failed(f"a webhook from an unexpected sender: {provider}")
        verified[provider] = verified.get(provider, 0) + 1
    check(
        sorted(verified) == ["firstpay", "onchainpay", "onepay"],
        f"{sum(verified.values())} webhooks verified: {', '.join(f'{p} {n}' for p, n in sorted(verified.items()))}",
    )
    # a changed byte of content fails (OnePay's re-serialised-JSON variant is accepted by design)
    first = next(d for d in received if d.provider == "onepay")
    try:
        webhooks.onepay.verify(first.body.replace(b"cashout.", b"cashout.x", 1), first.headers, keys.onepay_webhook_secret)
        raise Failed("a tampered webhook verified")
    except pspkit.WebhookVerificationError:
        check(True, "a tampered body is refused")


def reconcile_books(sandbox: Sandbox) -> None:
    print("Reconciliation against a ledger (books written from the sandbox's records, one planted discrepancy of each kind)")
    keys = sandbox.credentials
    clients: List[Any] = [
        OnlyOnePays(**keys.onlyonepays, base_url=sandbox.base_url("onlyonepays")),
        FireKassa(**keys.firekassa, base_url=sandbox.base_url("firekassa")),
        FirstPay(**keys.firstpay, base_url=sandbox.base_url("firstpay")),
        OnePay(**keys.onepay, base_url=sandbox.base_url("onepay")),
        OnChainPay(**keys.onchainpay, base_url=sandbox.base_url("onchainpay")),
    ]
    books: List[Dict[str, Any]] = []
    for client in clients:
        for p in normalized.payments(client):
            books.append({"provider": p.provider, "reference": p.reference, "amount": p.amount,
                          "currency": p.currency, "status": p.status, "direction": p.direction})
    # the planted discrepancies, one of each kind, each on a different provider
    planted: Dict[str, str] = {}

    def first(provider: str) -> Dict[str, Any]:
        return next(b for b in books if b["provider"] == provider and b["reference"] not in planted.values())

    row = first("onepay")
    row["amount"] += Decimal("0.01")
    planted["amount_mismatch"] = row["reference"]
    row = first("firekassa")
    row["currency"] = "EUR"
    planted["currency_mismatch"] = row["reference"]
    row = first("onchainpay")
    row["status"] = normalized.Status.REFUNDED if row["status"] is not normalized.Status.REFUNDED else normalized.Status.PENDING
    planted["status_mismatch"] = row["reference"]
    row = first("firstpay")
    books.remove(row)
    planted["missing_in_ledger"] = row["reference"]
    books.append({"provider": "onlyonepays", "reference": "op-never-reported", "amount": Decimal("42.00"), "currency": "RUB"})
    planted["missing_in_provider"] = "op-never-reported"

    report = reconcile(books, clients)
    counts = report.counts()
    print(f"  {'kind':<22} {'count':>7}")
    for kind in KINDS:
        print(f"  {kind:<22} {counts[kind]:>7,}")
    for kind, reference in planted.items():
        found = [e.reference for e in report.entries(kind)]
        check(found == [reference], f"{kind}: exactly the planted {reference}")
    check(counts["matched"] == len(books) - 4, f"the other {counts['matched']:,} records matched, to the cent")


def print_table(table: Table) -> int:
    print(f"\n{'provider':<12} {'currency':<9} {'status':<14} {'count':>7} {'sum':>22}")
    for (provider, currency, status), (count, amount) in sorted(table.items()):
        print(f"{provider:<12} {currency:<9} {status:<14} {count:>7,} {amount:>22,}")
    total = sum(count for count, _ in table.values())
    print(f"\n{total:,} operations reconciled across 5 providers; exact decimal sums, no float.")
    return total


def main() -> int:
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]  # progress and checks in order
    parser = argparse.ArgumentParser(description="The reconciliation demo against the local sandbox.")
    parser.add_argument("--size", type=int, default=int(os.environ.get("PSPKIT_DEMO_SIZE", "3000")), help="objects per kind in the sandbox (default 3000)")
    args = parser.parse_args()

    # the sandbox in this process, on a free port, with its own webhook receiver
    with Sandbox(size=args.size) as sandbox:
        print(f"pspkit {pspkit.__version__}: reconciliation demo against the sandbox at {sandbox.url}\n")
        table: Table = {}
        try:
            onlyonepays(sandbox, table, args.size)
            cashout_id = onepay(sandbox, table)
            onchainpay(sandbox, table)
            firstpay(sandbox, table)
            firekassa(sandbox, table)
            verify_webhooks(sandbox, cashout_id)
            reconcile_books(sandbox)
            total = print_table(table)
            check(total > 0 and {p for p, _, _ in table} == {"onlyonepays", "onepay", "onchainpay", "firstpay", "firekassa"}, "every provider is in the table")
        except (Failed, pspkit.PspError) as e:
            print(f"\nreconciliation FAILED: {type(e).__name__}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
