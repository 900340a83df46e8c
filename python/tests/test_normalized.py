"""Normalized payments, reconciliation and the `pspkit` console script, through the public
Python API against a sandbox of this module's own (the session's sandbox gains records other
tests create, which have no merchant reference)."""

from __future__ import annotations

import csv
import io
import json
import pickle
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional

import pytest

from conftest import PROVIDERS
from pspkit.normalized import Direction, Payment, Status, payment_pages, payments
from pspkit.reconcile import KINDS, LedgerError, reconcile
from pspkit.testing import Sandbox
from test_examples import sandbox_env

UTC = timezone.utc


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[Sandbox]:
    """A sandbox only these tests use: its records are the seeded ones, each with a reference."""
    with Sandbox(size=300, seed=11) as sandbox:
        yield sandbox


@pytest.fixture()
def clients(own_sandbox: Sandbox) -> Dict[str, Any]:
    """A sync client per provider, pointed at this module's sandbox."""
    return {p: own_sandbox.client(p) for p in PROVIDERS}


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_maps_to_payments(provider: str, clients: Dict[str, Any]) -> None:
    found = list(payments(clients[provider]))
    assert found, provider
    for p in found:
        assert isinstance(p, Payment) and p.provider == provider
        assert isinstance(p.amount, Decimal) and p.amount >= 0
        assert isinstance(p.direction, Direction) and isinstance(p.status, Status)
        assert p.raw_status and p.reference
        assert p.created is not None and p.created.tzinfo is not None
        assert p.currency == p.currency.upper() and not p.currency.isdigit()
    # a pickled payment is the same payment
    assert pickle.loads(pickle.dumps(found[0])) == found[0]
    assert found[0].to_dict()["status"] == found[0].status.value


def test_statuses_map_and_raw_statuses_are_kept(clients: Dict[str, Any]) -> None:
    firekassa = {p.raw_status: p.status for p in payments(clients["firekassa"])}
    assert firekassa["paid"] is Status.SUCCEEDED and firekassa["cancel"] is Status.CANCELED
    assert firekassa["error"] is Status.FAILED and firekassa["process"] is Status.PENDING
    directions = {p.direction for p in payments(clients["firekassa"])}
    assert directions == {Direction.IN, Direction.OUT}


def test_a_range_keeps_payments_created_inside_it(clients: Dict[str, Any]) -> None:
    since, until = datetime(2026, 2, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)
    everything = list(payments(clients["onepay"]))
    kept = list(payments(clients["onepay"], since, until))
    assert 0 < len(kept) < len(everything)
    assert all(p.created is not None and since <= p.created < until for p in kept)
    assert len(kept) == sum(1 for p in everything if p.created is not None and since <= p.created < until)
    with pytest.raises(ValueError, match="aware"):
        list(payments(clients["onepay"], datetime(2026, 1, 1)))


def test_pages_are_fetched_one_at_a_time(clients: Dict[str, Any]) -> None:
    pages = payment_pages(clients["onchainpay"])
    first = next(pages)
    assert 0 < len(first) <= 100
    pages.close()


def books(clients: Dict[str, Any], provider: str) -> List[Dict[str, Any]]:
    return [
        {"provider": p.provider, "reference": p.reference, "amount": p.amount, "currency": p.currency, "status": p.status}
        for p in payments(clients[provider])
    ]


def test_reconcile_finds_each_planted_discrepancy(clients: Dict[str, Any]) -> None:
    rows = books(clients, "onepay")
    rows[0]["amount"] += Decimal("0.01")
    rows[1]["currency"] = "USD"
    rows[2]["status"] = Status.REFUNDED if rows[2]["status"] is not Status.REFUNDED else Status.PENDING
    dropped = rows.pop(3)
    rows.append({"provider": "onepay", "reference": "never-sent", "amount": "1.00", "currency": "COP"})
    rows.append({"provider": "firekassa", "reference": "not-reconciled-here", "amount": 5, "currency": "RUB"})
    report = reconcile(rows, clients["onepay"])
    counts = report.counts()
    assert counts == {
        "matched": len(rows) - 5,
        "missing_in_provider": 1,
        "missing_in_ledger": 1,
        "amount_mismatch": 1,
        "currency_mismatch": 1,
        "status_mismatch": 1,
    }
    assert set(counts) == set(KINDS) and not report.ok
    assert report.missing_in_ledger[0].reference == dropped["reference"]
    assert report.missing_in_ledger[0].ledger is None and report.missing_in_ledger[0].payment is not None
    mismatch = report.amount_mismatch[0]
    assert mismatch.ledger is not None and mismatch.payment is not None
    assert mismatch.ledger.amount - mismatch.payment.amount == Decimal("0.01")
    assert report.missing_in_provider[0].reference == "never-sent"


def test_a_ledger_that_matches_is_ok(clients: Dict[str, Any]) -> None:
    report = reconcile(books(clients, "firekassa"), [clients["firekassa"]])
    assert report.ok and len(report.matched) > 0


@pytest.mark.parametrize(
    "row,column",
    [
        ({"provider": "onepay", "reference": "r", "amount": 1.5, "currency": "COP"}, "amount"),
        ({"provider": "onepay", "reference": "r", "amount": "1e3", "currency": "COP"}, "amount"),
        ({"provider": "onepay", "reference": "r", "amount": "12,50", "currency": "COP"}, "amount"),
        ({"provider": "onepay", "reference": "r", "currency": "COP"}, "amount"),
        ({"provider": "onepay", "reference": "r", "amount": "1", "currency": "COP", "status": "paid"}, "status"),
        ({"provider": "onepay", "reference": "", "amount": "1", "currency": "COP"}, "reference"),
    ],
)
def test_a_malformed_row_names_its_row_and_column(row: Dict[str, Any], column: str, clients: Dict[str, Any]) -> None:
    good = {"provider": "onepay", "reference": "ok-1", "amount": Decimal("1"), "currency": "COP"}
    with pytest.raises(LedgerError) as raised:
        reconcile([good, row], clients["onepay"])
    assert raised.value.row == 2 and raised.value.column == column, raised.value


def test_the_console_script_runs_the_cli(own_sandbox: Sandbox, tmp_path: Path) -> None:
    """Every command and every kind of bad input through the package's `pspkit` script."""
    pspkit = str(Path(sys.executable).parent / "pspkit")
    env = sandbox_env(own_sandbox)

    def run(*args: str, stdin: Optional[str] = None) -> "subprocess.CompletedProcess[str]":
        return subprocess.run([pspkit, *args], input=stdin, env=env, capture_output=True, text=True, timeout=120)

    result = run("onepay", "cashouts", "list", "--limit", "3")
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["data"]) == 3

    exported = run("payments", "--provider", "firekassa", "--format", "csv")
    assert exported.returncode == 0, exported.stderr
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == len(list(payments(own_sandbox.client("firekassa")))) > 0

    ledger = tmp_path / "books.csv"
    lines = ["provider,reference,amount,currency"] + [f"firekassa,{r['reference']},{r['amount']},{r['currency']}" for r in rows]
    ledger.write_text("\n".join(lines) + "\n")
    matched = run("reconcile", "--ledger", str(ledger), "--format", "json")
    assert matched.returncode == 0, matched.stderr
    assert len(json.loads(matched.stdout)["matched"]) == len(rows)
    ledger.write_text("\n".join(lines + ["firekassa,never-sent,1.00,RUB"]) + "\n")
    missing = run("reconcile", "--ledger", str(ledger), "--format", "jsonl")
    assert missing.returncode == 1 and '"missing_in_provider"' in missing.stdout

    # bad input: one line naming the argument, exit code 2, nothing sent and nothing printed
    for args, stdin, named in [
        (("onepay", "cashouts", "refund"), None, "refund"),
        (("onepay", "cashouts", "get"), None, "--id"),
        (("firekassa", "transactions", "list", "--filter-amount-min", "1.5e3"), None, "--filter-amount-min"),
        (("onepay", "cashouts", "create", "--body", "-"), "{", "body"),
        (("reconcile", "--ledger", "-", "--ledger-format", "csv"), "provider,reference,amount,currency\nonepay,r,1e3,COP\n", "line 2"),
    ]:
        bad = run(*args, stdin=stdin)
        assert bad.returncode == 2, (args, bad.stderr)
        assert named in bad.stderr and len(bad.stderr.strip().splitlines()) == 1 and not bad.stdout, (args, bad.stderr)


def test_ctrl_c_stops_the_console_script_while_it_waits_on_the_network(own_sandbox: Sandbox) -> None:
    """Under Python, Ctrl-C only raises `KeyboardInterrupt` where Python code runs: the script
    must notice it while the command waits for a slow provider, as the binary would."""
    import signal
    import time

    pspkit = str(Path(sys.executable).parent / "pspkit")
    own_sandbox.inject("delay:20000")
    process = subprocess.Popen(
        [pspkit, "onepay", "cashouts", "list", "--limit", "1"],
        env=sandbox_env(own_sandbox), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        time.sleep(2.0)  # the script starts and sends; the sandbox holds the request 20 s
        sent = time.monotonic()
        process.send_signal(signal.SIGINT)
        code = process.wait(timeout=10)
        took = time.monotonic() - sent
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code in (-signal.SIGINT, 128 + signal.SIGINT, 1), (code, process.stderr.read() if process.stderr else "")
    assert took < 1.0, f"the script ended {took:.2f} s after Ctrl-C"
