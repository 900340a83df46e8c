"""FirstPay: an RSA-signed pay-in, its status, a year of payments by keyset.

Credentials: PSPKIT_FIRSTPAY_PUBLIC_KEY (FirstPay's, PEM), PSPKIT_FIRSTPAY_PRIVATE_KEY (the
merchant's, PEM) and PSPKIT_FIRSTPAY_BASE_URL.
"""

from __future__ import annotations

from decimal import Decimal

from pspkit.firstpay import ClientFieldValue, FirstPay


def main() -> None:
    client = FirstPay()
    payment = client.payments.create_pay_in(
        account_id=7,
        amount=Decimal("100.5"),
        payment_method_id="pm_bkash",
        merchant_payment_id="order-42",
        client_fields_values=[ClientFieldValue(key="phone", value="+8801700000000")],
    )
    print(f"pay-in {payment.id}: {payment.status}")
    status = client.payments.get_status(merchant_payment_id="order-42")
    print(f"status by merchant id: {status.status}")
    year = client.payments.list_all(created_at_from=1_767_225_600_000, created_at_to=1_798_761_599_000)
    print(f"{sum(1 for _ in year)} payments of 2026")


if __name__ == "__main__":
    main()
