"""OnePay with asyncio: calls in parallel, and `async for` over every charge."""

from __future__ import annotations

import asyncio

from pspkit.onepay import AsyncOnePay


async def main() -> None:
    client = AsyncOnePay()
    balance, customers = await asyncio.gather(client.balances.get(), client.customers.list(limit=5))
    print(f"balance {balance.balance}; first customers: {[c.first_name for c in customers.data]}")
    paid = 0
    async for charge in client.charges.list_all(page_size=100, max_items=500):
        if charge.status == "paid":
            paid += 1
    print(f"{paid} paid charges among the first 500")


if __name__ == "__main__":
    asyncio.run(main())
