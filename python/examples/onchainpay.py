"""OnChainPay: currencies, an order (never retried once it may have arrived), every order.

Credentials: PSPKIT_ONCHAINPAY_PUBLIC_KEY and PSPKIT_ONCHAINPAY_SECRET_KEY.
"""

from __future__ import annotations

from decimal import Decimal

import pspkit
from pspkit.onchainpay import OnChainPay


def main() -> None:
    client = OnChainPay()
    currencies = client.base_actions.get_available_currencies()
    print(f"{len(currencies)} currencies available")
    try:
        order = client.orders.create(
            currency="USDT", network="tron", amount=Decimal("25.50"), order="invoice-88", lifetime=1800
        )
    except pspkit.OutcomeUnknownError as e:
        # OnChainPay does not deduplicate orders: look it up by your reference before sending again
        print(f"order may or may not exist: {e}")
        return
    print(f"order {order.order_id}: {order.amount} {order.status}")
    detail = client.orders.get(order_id=order.order_id or "")
    print(f"read back: {detail.status}")
    count = sum(1 for _ in client.orders.list_all(page_size=50))
    print(f"{count} orders")


if __name__ == "__main__":
    main()
