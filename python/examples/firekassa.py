"""FireKassa: balance, a card withdrawal, transactions page by page.

Credentials: PSPKIT_FIREKASSA_TOKEN, PSPKIT_FIREKASSA_SIGN_TOKEN (optional) and
PSPKIT_FIREKASSA_BASE_URL (the merchant's own host).
"""

from __future__ import annotations

from pspkit.firekassa import CreateWithdrawalTransactionType, FireKassa


def main() -> None:
    client = FireKassa()
    print(f"balance: {client.balance_and_accounts.get().balance}")
    made = client.withdrawals.create_transaction(
        type=CreateWithdrawalTransactionType.CARD, account="4111111111111111", amount="1500.00", order_id="w-1"
    )
    print(f"withdrawal {made.id}: {made.amount}")
    for number, page in enumerate(client.transactions.list_pages(page_size=100, max_items=300), 1):
        print(f"page {number}: {len(page)} transactions")


if __name__ == "__main__":
    main()
