"""Each provider's main flows, sync and async, over real HTTP against the sandbox."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Dict

from pspkit.testing import Sandbox


def test_onepay_cashout_create_get_list(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    from pspkit.onepay import Cashout, CashoutMethod, CashoutStatus

    client = clients["onepay"]
    before = sandbox.created("onepay", "cashout")
    cashout = client.cashouts.create(
        account_id="acc-1",
        amount=Decimal("150000.50"),
        currency="COP",
        customer_id="cus-1",
        method=CashoutMethod.ACH,
        idempotency_key="py-flow-0001",
    )
    assert isinstance(cashout, Cashout)
    assert cashout.amount == Decimal("150000.50") and isinstance(cashout.amount, Decimal)
    assert isinstance(cashout.status, CashoutStatus) or isinstance(cashout.status, str)
    assert sandbox.created("onepay", "cashout") == before + 1
    again = client.cashouts.get(id=cashout.id)
    assert again.id == cashout.id and again.amount == cashout.amount
    page = client.cashouts.list(limit=5)
    assert len(page.data) == 5
    assert all(isinstance(c.created_at, datetime) and c.created_at.tzinfo is not None for c in page.data)


def test_onepay_async_gather(sandbox: Sandbox) -> None:
    from pspkit.onepay import AsyncOnePay, Balance, CashoutList

    async def main() -> None:
        client = AsyncOnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
        balance, page = await asyncio.gather(client.balances.get(), client.cashouts.list(limit=3))
        assert isinstance(balance, Balance) and isinstance(balance.balance, Decimal)
        assert isinstance(page, CashoutList) and len(page.data) == 3

    asyncio.run(main())


def test_many_async_calls_in_flight_on_successive_event_loops(sandbox: Sandbox) -> None:
    """Calls finished in Rust are handed to their own loop in batches: with 200 in flight, every
    result reaches its own awaiting call (each asks for another cashout), failures included,
    and a second event loop (a new `asyncio.run`) gets its results as well."""
    from pspkit.errors import NotFoundError
    from pspkit.onepay import AsyncOnePay

    client = AsyncOnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
    ids = [c.id for c in asyncio.run(client.cashouts.list(limit=100)).data]
    assert len(ids) == 100

    async def main() -> None:
        gate = asyncio.Semaphore(64)

        async def one(cashout_id: str) -> Any:
            async with gate:
                try:
                    return (await client.cashouts.get(id=cashout_id)).id
                except NotFoundError as error:
                    return error

        wanted = [*ids, *(f"no-such-{n}" for n in range(100))]
        got = await asyncio.gather(*(one(i) for i in wanted))
        assert got[:100] == ids
        assert all(isinstance(g, NotFoundError) for g in got[100:]), got[100:]

    asyncio.run(main())
    asyncio.run(main())


def test_onchainpay_order_and_currencies(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    client = clients["onchainpay"]
    currencies = client.base_actions.get_available_currencies()
    assert len(currencies) > 0
    order = client.orders.create(
        currency="USDT", network="tron", amount=Decimal("25.50"), order="py-invoice-88", lifetime=1800
    )
    assert order.amount == Decimal("25.50")
    detail = client.orders.get(order_id=order.order_id)
    assert detail.order_id == order.order_id


def test_firekassa_balance_and_withdrawal(clients: Dict[str, Any]) -> None:
    from pspkit.firekassa import CreateWithdrawalTransactionType

    client = clients["firekassa"]
    balance = client.balance_and_accounts.get()
    assert isinstance(balance.balance, Decimal)
    made = client.withdrawals.create_transaction(
        type=CreateWithdrawalTransactionType.CARD, account="4111111111111111", amount="1500.00", order_id="py-w-1"
    )
    assert made.amount == Decimal("1500.00")


def test_firstpay_pay_in_signed_with_rsa(clients: Dict[str, Any]) -> None:
    client = clients["firstpay"]
    payment = client.payments.create_pay_in(
        account_id=7,
        amount=Decimal("100.5"),
        payment_method_id="pm_bkash",
        merchant_payment_id="py-order-42",
        client_fields_values=[{"key": "phone", "value": "+8801700000000"}],
    )
    assert payment.id is not None
    status = client.payments.get_status(merchant_payment_id="py-order-42")
    assert status.status is not None


def test_onlyonepays_balances_and_search(clients: Dict[str, Any]) -> None:
    client = clients["onlyonepays"]
    balances = client.balances.get_account_balances()
    assert len(balances.items) > 0
    found = client.operations.search(
        type="payout",
        date_from=datetime(2026, 3, 1, tzinfo=timezone.utc),
        date_to=datetime(2026, 9, 30, 23, 59, 59, tzinfo=timezone.utc),
        page_size=20,
    )
    assert 0 < len(found.items) <= 20


def test_idempotent_retry_through_503_and_reset_creates_one_cashout(
    clients: Dict[str, Any], sandbox: Sandbox
) -> None:
    client = clients["onepay"]
    before = sandbox.created("onepay", "cashout")
    sent_before = sandbox.requests("onepay", "createCashout")
    sandbox.inject("503", "reset")
    cashout = client.cashouts.create(
        account_id="acc-1", amount=70000, currency="COP", customer_id="cus-1", method="ACH",
        idempotency_key="py-retry-0001",
    )
    assert cashout.amount == Decimal(70000)
    # three attempts reached the sandbox (503, reset, success), one cashout exists
    assert sandbox.requests("onepay", "createCashout") == sent_before + 3
    assert sandbox.created("onepay", "cashout") == before + 1
    # sending it again with the same key returns the same cashout, still one
    again = client.cashouts.create(
        account_id="acc-1", amount=70000, currency="COP", customer_id="cus-1", method="ACH",
        idempotency_key="py-retry-0001",
    )
    assert again.id == cashout.id
    assert sandbox.created("onepay", "cashout") == before + 1


def test_async_cancellation_leaves_the_client_usable(sandbox: Sandbox) -> None:
    from pspkit.onepay import AsyncOnePay

    async def main() -> None:
        client = AsyncOnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
        sandbox.inject("delay:3000")
        task = asyncio.ensure_future(client.balances.get())
        await asyncio.sleep(0.2)
        task.cancel()
        try:
            await task
        except asyncio.CancelledError:
            pass
        else:
            raise AssertionError("the call was not cancelled")
        balance = await asyncio.wait_for(client.balances.get(), timeout=5)
        assert balance.balance is not None

    asyncio.run(main())


def test_download_returns_bytes(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    client = clients["firekassa"]
    receipt = client.transactions.download_receipt(id="1")
    assert isinstance(receipt, bytes) and len(receipt) > 0
