"""Auto-pagination in each style the providers use, sync and async, with pages and a maximum."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from pspkit.testing import Sandbox


def test_next_url_style_walks_every_cashout(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    from pspkit.onepay import Cashout

    total = sandbox.objects("onepay", "cashout")
    items = list(clients["onepay"].cashouts.list_all(page_size=100))
    assert len(items) == total >= 600 and all(isinstance(c, Cashout) for c in items)
    assert len({c.id for c in items}) == total


def test_pages_and_a_maximum(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    sent = sandbox.requests("onepay", "listCashouts")
    pages = list(clients["onepay"].cashouts.list_pages(page_size=40, max_items=100))
    assert [len(p) for p in pages] == [40, 40, 20]
    # no page beyond the maximum is fetched (the prefetch stops too)
    assert sandbox.requests("onepay", "listCashouts") - sent == 3


def test_offset_style_in_the_body(clients: Dict[str, Any]) -> None:
    orders = list(clients["onchainpay"].orders.list_all(page_size=50, max_items=230))
    assert len(orders) == 230 and len({o.order_id for o in orders}) == 230


def test_a_body_that_requires_the_position_and_size_is_walked_with_page_size_alone(clients: Dict[str, Any]) -> None:
    # listPersonalAddresses requires `limit` and `offset` in its body: the walk sets them
    client = clients["onchainpay"]
    one_call = client.personal_addresses.list(limit=1000, offset=0)
    walked = list(client.personal_addresses.list_all(page_size=7))
    assert [a.id for a in walked] == [a.id for a in one_call], "the same addresses, page by page"
    pages = list(client.personal_addresses.list_pages(page_size=7, max_items=10))
    assert sum(len(p) for p in pages) == min(10, len(walked))


def test_page_number_style(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    transactions = list(clients["firekassa"].transactions.list_all(page_size=70))
    assert len(transactions) == sandbox.objects("firekassa", "transaction")


def test_keyset_style(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    payments = list(
        clients["firstpay"].payments.list_all(created_at_from=0, created_at_to=4_102_444_800_000, page_size=40)
    )
    assert len(payments) == sandbox.objects("firstpay", "payment")


def test_page_until_short_style(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    operations = list(clients["onlyonepays"].operations.search_all(page_size=64))
    assert len(operations) == sandbox.objects("onlyonepays", "operation")


def test_async_for(sandbox: Sandbox) -> None:
    from pspkit.onepay import AsyncOnePay

    async def main() -> List[Any]:
        client = AsyncOnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
        seen = []
        async for cashout in client.cashouts.list_all(page_size=50, max_items=175):
            seen.append(cashout)
        pages = [page async for page in client.cashouts.list_pages(page_size=100)]
        assert sum(len(p) for p in pages) == sandbox.objects("onepay", "cashout")
        return seen

    assert len(asyncio.run(main())) == 175
