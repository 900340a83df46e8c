"""OnlyOnePays: balances, and payouts of a date range page by page.

Credentials: PSPKIT_ONLYONEPAYS_API_KEY.
"""

from __future__ import annotations

from datetime import datetime, timezone

from pspkit.onlyonepays import OnlyOnePays, OperationType


def main() -> None:
    client = OnlyOnePays()
    balances = client.balances.get_account_balances()
    print(f"{len(balances.items)} account balances")
    pages = client.operations.search_pages(
        type=OperationType.PAYOUT,
        date_from=datetime(2026, 3, 1, tzinfo=timezone.utc),
        date_to=datetime(2026, 9, 30, 23, 59, 59, tzinfo=timezone.utc),
        page_size=100,
    )
    for number, page in enumerate(pages, 1):
        print(f"page {number}: {len(page)} payouts")


if __name__ == "__main__":
    main()
