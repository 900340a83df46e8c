"""OnePay: create a cashout safely, read it back, walk every cashout.

Credentials come from the environment: PSPKIT_ONEPAY_SECRET_KEY (and PSPKIT_ONEPAY_BASE_URL for
the sandbox: `just sandbox` prints it).
"""

from __future__ import annotations

from decimal import Decimal

from pspkit.onepay import CashoutMethod, OnePay


def main() -> None:
    client = OnePay()
    # the same idempotency key on a retry (by pspkit or by you) never pays twice
    cashout = client.cashouts.create(
        account_id="acc-1",
        amount=Decimal("150000"),
        currency="COP",
        customer_id="cus-1",
        method=CashoutMethod.ACH,
        idempotency_key="payout-0001",
    )
    print(f"created cashout {cashout.id}: {cashout.amount} {cashout.status}")
    again = client.cashouts.get(id=cashout.id or "")
    print(f"read back: {again.status}")
    total = Decimal(0)
    count = 0
    for item in client.cashouts.list_all(page_size=100):
        total += item.amount or 0
        count += 1
    print(f"{count} cashouts, {total} COP in all")


if __name__ == "__main__":
    main()
