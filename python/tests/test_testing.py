"""`pspkit.testing`: the sandbox served inside the test process, through its public API only, over
real HTTP; its pytest plugin; and `python -m pspkit.sandbox`."""

from __future__ import annotations

import asyncio
import gc
import json
import re
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

import pspkit
from conftest import loopback
from pspkit.testing import Credentials, Provider, Sandbox, Webhook

YEAR_2100 = 4_102_444_800_000  # Unix milliseconds, FirstPay's dates
PROVIDERS: Tuple[Provider, ...] = ("onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay")
# every secret the sandbox accepts, as text no repr may show
SECRETS = ("sandbox-onlyonepays-key", "sandbox-firekassa", "sk_test_sandbox", "wh_tok_sandbox", "sandbox-onchainpay", "PRIVATE KEY")


def accepts(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_closed(port: int, seconds: float = 5.0) -> bool:
    until = time.monotonic() + seconds
    while time.monotonic() < until:
        if not accepts(port):
            return True
        time.sleep(0.02)
    return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(url: str) -> Any:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.loads(response.read())


# --- life ------------------------------------------------------------------------------------


def test_the_context_manager_starts_and_stops_it() -> None:
    with Sandbox(size=20) as sandbox:
        port = sandbox.port
        assert sandbox.running and sandbox.url == f"http://127.0.0.1:{port}"
        assert get_json(f"{sandbox.url}/_sandbox/inspect")["objects"]["onepay"]["cashout"] == 20
        assert sandbox.base_url("onepay") == f"{sandbox.url}/onepay"
        assert repr(sandbox) == f"<pspkit.testing.Sandbox {sandbox.url} (running)>"
    # closed when the block ends: the port refuses connections at once, not eventually
    assert not sandbox.running and not accepts(port)
    assert "(closed)" in repr(sandbox)
    sandbox.close()  # again: nothing happens
    with pytest.raises(RuntimeError, match="closed"):
        sandbox.inspect()


def test_close_drops_open_connections_too() -> None:
    sandbox = Sandbox(size=20)
    client = sandbox.client("onepay", max_retries=0, timeout=5)
    client.balances.get()  # the client now holds a keep-alive connection to it
    sandbox.close()
    with pytest.raises((pspkit.TransportError, pspkit.TimeoutError)):
        client.balances.get()


def test_it_stops_when_garbage_collected() -> None:
    sandbox = Sandbox(size=20)
    port = sandbox.port
    assert accepts(port)
    del sandbox
    gc.collect()
    assert wait_closed(port), "the sandbox kept serving after it was collected"


def test_an_exception_in_the_block_still_stops_it() -> None:
    with pytest.raises(ZeroDivisionError):
        with Sandbox(size=20) as sandbox:
            port = sandbox.port
            1 / 0
    assert not accepts(port)


def test_options_are_checked_and_the_port_can_be_chosen() -> None:
    with pytest.raises(ValueError, match="size"):
        Sandbox(size=-1)
    for name in ("size", "seed", "fault_every"):
        with pytest.raises(ValueError, match=name):
            Sandbox(**{name: 10**30})
    with pytest.raises(ValueError, match="unknown fault .nope."):
        Sandbox(size=20, fault_every=1, faults=["nope"])
    with pytest.raises(TypeError, match="sequence"):
        Sandbox(size=20, faults="503")
    port = free_port()
    with Sandbox(size=20, port=port) as sandbox:
        assert sandbox.port == port
        with pytest.raises(OSError):
            Sandbox(size=20, port=port)  # taken


def test_the_seed_decides_the_data_set() -> None:
    def first_page(seed: int) -> List[Tuple[str, Decimal]]:
        with Sandbox(size=20, seed=seed) as sandbox:
            return [(str(c.id), c.amount) for c in sandbox.client("onepay").cashouts.list(limit=5).data]

    assert first_page(7) == first_page(7)
    assert first_page(7) != first_page(8)


# --- clients and credentials -----------------------------------------------------------------


def test_a_client_for_every_provider_makes_a_real_call(sandbox: Sandbox) -> None:
    from pspkit.firekassa import FireKassa
    from pspkit.firstpay import FirstPay
    from pspkit.onchainpay import OnChainPay
    from pspkit.onepay import OnePay
    from pspkit.onlyonepays import OnlyOnePays

    onlyonepays = sandbox.client("onlyonepays")
    assert isinstance(onlyonepays, OnlyOnePays) and onlyonepays.base_url == sandbox.base_url("onlyonepays")
    assert len(onlyonepays.balances.get_account_balances().items) > 0
    firekassa = sandbox.client("firekassa")
    assert isinstance(firekassa, FireKassa)
    assert isinstance(firekassa.balance_and_accounts.get().balance, Decimal)  # HMAC-SHA512 signed
    firstpay = sandbox.client("firstpay")
    assert isinstance(firstpay, FirstPay)
    assert firstpay.payments.list(created_at_from=0, created_at_to=YEAR_2100, take=1).total  # RSA, the embedded key
    onepay = sandbox.client("onepay")
    assert isinstance(onepay, OnePay)
    assert onepay.balances.get().balance is not None
    onchainpay = sandbox.client("onchainpay")
    assert isinstance(onchainpay, OnChainPay)
    assert len(onchainpay.base_actions.get_available_currencies()) > 0  # HMAC and nonce


def test_client_options_are_the_clients_own(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay", max_retries=0)
    sandbox.inject("503")
    with pytest.raises(pspkit.ApiError) as raised:
        client.balances.get()
    assert raised.value.status == 503
    with pytest.raises(ValueError, match="unknown provider 'stripe'"):
        sandbox.client("stripe")  # type: ignore[call-overload]
    with pytest.raises(ValueError, match="unknown provider"):
        sandbox.base_url("stripe")  # type: ignore[arg-type]


def test_async_clients(sandbox: Sandbox) -> None:
    from pspkit.onchainpay import AsyncOnChainPay
    from pspkit.onepay import AsyncOnePay

    async def main() -> Tuple[Any, Any]:
        onepay = sandbox.async_client("onepay")
        onchainpay = sandbox.async_client("onchainpay")
        assert isinstance(onepay, AsyncOnePay) and isinstance(onchainpay, AsyncOnChainPay)
        return await asyncio.gather(onepay.cashouts.list(limit=3), onchainpay.base_actions.get_available_currencies())

    page, currencies = asyncio.run(main())
    assert len(page.data) == 3 and len(currencies) > 0


def test_credentials_are_the_clients_keyword_arguments(sandbox: Sandbox) -> None:
    from pspkit.firstpay import FirstPay
    from pspkit.onepay import OnePay

    c = sandbox.credentials
    assert c.onepay == {"secret_key": "sk_test_sandbox"}
    assert c.onchainpay == {"public_key": "sandbox-onchainpay-public", "secret_key": "sandbox-onchainpay-secret"}
    assert c.firekassa == {"token": "sandbox-firekassa-token", "sign_token": "sandbox-firekassa-sign-token"}
    assert c.onlyonepays == {"api_key": "sandbox-onlyonepays-key"}
    assert set(c.firstpay) == {"public_key", "private_key"}
    assert c.firstpay["public_key"].startswith("-----BEGIN PUBLIC KEY-----")
    assert c.firstpay["private_key"].startswith("-----BEGIN PRIVATE KEY-----")
    assert c.onepay_webhook_secret == "wh_tok_sandbox"
    assert c == Credentials()  # the same for every sandbox
    # what a real integration writes, pointed at the sandbox
    assert OnePay(**c.onepay, base_url=sandbox.base_url("onepay")).balances.get() is not None
    firstpay = FirstPay(**c.firstpay, base_url=sandbox.base_url("firstpay"))
    assert firstpay.payments.list(created_at_from=0, created_at_to=YEAR_2100, take=1).total


def test_no_repr_shows_a_secret(sandbox: Sandbox) -> None:
    shown = [repr(sandbox), repr(sandbox.credentials), str(sandbox.credentials)]
    shown += [repr(sandbox.client(p)) for p in PROVIDERS]
    for text in shown:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} in {text!r}"


# --- faults, inspection, advance -------------------------------------------------------------


def test_inject_is_seen_as_retries(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    before = sandbox.requests("onepay", "listCashouts")
    sandbox.inject("429:0", "503", "reset")
    assert len(client.cashouts.list(limit=5).data) == 5  # retried past all three
    assert sandbox.requests("onepay", "listCashouts") == before + 4


def test_inject_refuses_an_unknown_fault_and_queues_nothing(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay", max_retries=0)
    with pytest.raises(ValueError, match="unknown fault .boom."):
        sandbox.inject("503", "boom")
    for typo in ("delay:-5", "429:nan", "500:junk", "delay:", "reset:1"):
        with pytest.raises(ValueError, match="unknown fault"):
            sandbox.inject(typo)
    assert client.balances.get() is not None  # the 503 was not queued either


def test_faults_for_a_whole_run() -> None:
    with Sandbox(size=20, fault_every=2, faults=["503"]) as sandbox:
        client = sandbox.client("onepay", max_retries=0)
        client.balances.get()
        with pytest.raises(pspkit.ApiError, match="503|unavailable"):
            client.balances.get()


def test_inspect_counts_what_was_requested_and_created(sandbox: Sandbox) -> None:
    client = sandbox.client("onchainpay")
    before = sandbox.inspect()
    client.orders.create(currency="USDT", network="tron", amount=Decimal("25.50"), order="inspect-1", lifetime=1800)
    after = sandbox.inspect()
    assert set(after) >= {"created", "objects", "requests", "requests_total", "recent_requests", "webhooks_sent"}
    assert after["created"]["onchainpay"]["order"] == before["created"].get("onchainpay", {}).get("order", 0) + 1
    assert after["requests_total"] == before["requests_total"] + 1
    assert sandbox.created("onchainpay", "order") == after["created"]["onchainpay"]["order"]
    assert sandbox.requests("onchainpay", "createOrder") == after["requests"]["onchainpay"]["createOrder"]
    assert sandbox.objects("onchainpay", "order") == after["objects"]["onchainpay"]["order"] == 600 + sandbox.created("onchainpay", "order")
    # the same document as the admin route
    assert get_json(f"{sandbox.url}/_sandbox/inspect")["created"] == after["created"]


def created_everywhere(sandbox: Sandbox) -> Dict[str, str]:
    """A OnePay cashout, an OnChainPay order and a FirstPay payout: their ids."""
    cashout = sandbox.client("onepay").cashouts.create(
        account_id="acc-1", amount=150_000, currency="COP", customer_id="cus-1", method="ACH"
    )
    order = sandbox.client("onchainpay").orders.create(
        currency="USDT", network="tron", amount=Decimal("10"), order="hook-1", lifetime=1800
    )
    sandbox.client("firstpay").payments.create_pay_out(
        account_id=7, amount=Decimal("100.50"), payment_method_id="pm_bkash", merchant_payment_id="hook-2",
        client_fields_values=[{"key": "phone", "value": "+8801700000000"}],
    )
    return {"onepay": str(cashout.id), "onchainpay": str(order.order_id)}


def test_advance_moves_created_objects_on() -> None:
    with Sandbox(size=20) as sandbox:
        ids = created_everywhere(sandbox)
        client = sandbox.client("onepay")
        status = client.cashouts.get(id=ids["onepay"]).status
        moved = sandbox.advance()
        assert {m["provider"] for m in moved} == {"onepay", "onchainpay", "firstpay"}
        (ours,) = [m for m in moved if m["provider"] == "onepay"]
        assert ours["id"] == ids["onepay"] and ours["kind"] == "cashout"
        now = client.cashouts.get(id=ids["onepay"]).status
        assert now != status and str(now) == ours["status"]
        assert sandbox.inspect()["webhooks_sent"] == 3


# --- webhooks --------------------------------------------------------------------------------


def test_the_webhook_inbox_receives_and_verifies() -> None:
    with Sandbox(size=20) as sandbox:
        assert sandbox.webhooks() == []
        ids = created_everywhere(sandbox)
        sandbox.advance()
        received = sandbox.webhooks()
        assert sorted(w.provider for w in received) == ["firstpay", "onchainpay", "onepay"]
        (onepay,) = sandbox.webhooks("onepay")
        assert isinstance(onepay, Webhook) and "x-signature" in onepay.headers
        event = onepay.verify()
        assert event.type is not None and event.type.startswith("cashout.")
        assert event.data["id"] == ids["onepay"] == onepay.json()["cashout"]["id"]
        assert sandbox.webhooks("onchainpay")[0].verify().data["orderId"] == ids["onchainpay"]
        assert sandbox.webhooks("firstpay")[0].verify().type is not None
        # what pspkit.webhooks makes of them, with the keys a handler is configured with
        from pspkit import webhooks

        webhooks.onepay.verify(onepay.body, onepay.headers, sandbox.credentials.onepay_webhook_secret)
        with pytest.raises(pspkit.WebhookVerificationError):
            webhooks.onepay.verify(onepay.body.replace(b"cashout", b"cashouts", 1), onepay.headers, "wh_tok_sandbox")
        for w in received:  # signatures and tokens stay out of its repr: header names only
            assert all(v not in repr(w) for v in w.headers.values() if len(v) > 8), repr(w)


class _Receiver(BaseHTTPRequestHandler):
    got: List[str] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length", "0")))
        _Receiver.got.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_webhooks_go_to_a_url_of_your_own_when_given() -> None:
    with loopback(_Receiver) as url:
        with Sandbox(size=20, webhook_url=f"{url}/hooks") as sandbox:
            assert sandbox.webhook_url == f"{url}/hooks"
            sandbox.client("onepay").cashouts.create(
                account_id="acc-1", amount=1000, currency="COP", customer_id="cus-1", method="ACH"
            )
            sandbox.advance()
            assert _Receiver.got == ["/hooks/onepay"]
            with pytest.raises(RuntimeError, match="webhooks"):
                sandbox.webhooks()


class _InspectingReceiver(BaseHTTPRequestHandler):
    """A receiver that looks at the sandbox while the sandbox delivers to it, as a test's handler
    checking what was created would."""

    sandbox: List[Sandbox] = []
    seen: List[int] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self.rfile.read(int(self.headers.get("content-length", "0")))
        _InspectingReceiver.seen.append(self.sandbox[0].inspect()["webhooks_sent"])
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_a_receiver_may_use_the_sandbox_while_advance_delivers_to_it() -> None:
    with loopback(_InspectingReceiver) as url:
        with Sandbox(size=20, webhook_url=f"{url}/hooks") as sandbox:
            _InspectingReceiver.sandbox[:] = [sandbox]
            created_everywhere(sandbox)
            started = time.monotonic()
            moved = sandbox.advance()
            assert len(moved) == 3
            assert len(_InspectingReceiver.seen) == 3, "every delivery was answered"
            assert time.monotonic() - started < 10, "advance waited on its own receiver"


def test_ctrl_c_interrupts_advance_while_a_receiver_hangs() -> None:
    import os
    import threading

    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        port = silent.getsockname()[1]
        with Sandbox(size=20, webhook_url=f"http://127.0.0.1:{port}/hooks") as sandbox:
            created_everywhere(sandbox)
            sent_at: List[float] = []

            def press_ctrl_c() -> None:
                time.sleep(0.5)
                sent_at.append(time.monotonic())
                os.kill(os.getpid(), signal.SIGINT)

            threading.Thread(target=press_ctrl_c).start()
            with pytest.raises(KeyboardInterrupt):
                sandbox.advance()
            latency = time.monotonic() - sent_at[0]
            assert latency < 0.2, f"KeyboardInterrupt came {latency * 1000:.0f} ms after the signal"
            assert sandbox.inspect()["objects"]["onepay"]["cashout"] > 0, "the sandbox still answers"


# --- the pytest plugin and the command ---------------------------------------------------------


def test_the_pytest_fixture_is_the_session_sandbox(pspkit_sandbox: Sandbox, sandbox: Sandbox) -> None:
    assert pspkit_sandbox is sandbox and pspkit_sandbox.running
    assert pspkit_sandbox.objects("onepay", "cashout") >= 600  # conftest's pspkit_sandbox_options


def test_the_pytest_plugin_is_installed(tmp_path: Path) -> None:
    """In a project of its own (no conftest), pytest finds the fixture through the entry point."""
    (tmp_path / "test_uses_it.py").write_text(
        textwrap.dedent(
            """
            from pspkit.testing import Sandbox

            def test_one(pspkit_sandbox):
                assert isinstance(pspkit_sandbox, Sandbox)
                assert pspkit_sandbox.client("onepay").balances.get() is not None

            def test_same(pspkit_sandbox, request):
                assert request.getfixturevalue("pspkit_sandbox") is pspkit_sandbox
            """
        )
    )
    (tmp_path / "conftest.py").write_text(
        "import pytest\n\n@pytest.fixture(scope='session')\ndef pspkit_sandbox_options():\n    return {'size': 30}\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout


def test_python_m_pspkit_sandbox_serves_until_ctrl_c() -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "pspkit.sandbox", "--port", str(port), "--size", "40", "--seed", "7"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline()]
        assert lines[0].strip() == f"pspkit sandbox on http://127.0.0.1:{port}", lines
        while "inspect" not in lines[-1]:
            lines.append(process.stdout.readline())
            assert lines[-1], f"it stopped printing: {lines}"
        printed = {line.split()[0]: line for line in lines[1:]}
        for provider in PROVIDERS:
            assert f"http://127.0.0.1:{port}/{provider}" in printed[provider]
        assert "sk_test_sandbox" in printed["onepay"]  # the binary prints the keys: so does this
        # it answers, as a provider and on its admin routes
        from pspkit.onepay import OnePay

        client = OnePay("sk_test_sandbox", base_url=f"http://127.0.0.1:{port}/onepay")
        assert len(client.cashouts.list(limit=50).data) == 40
        assert get_json(f"http://127.0.0.1:{port}/_sandbox/inspect")["objects"]["onepay"]["cashout"] == 40
        process.send_signal(signal.SIGINT)  # Ctrl-C
        assert process.wait(timeout=30) == 0, process.stderr.read() if process.stderr else ""
        assert not accepts(port)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_python_m_pspkit_sandbox_refuses_bad_arguments() -> None:
    for args in (["--port", "70000"], ["--size", "-1"], ["--size", "many"], ["--size", "99999999999999999999"],
                 ["--fault-every", "1", "--faults", "boom"]):
        result = subprocess.run(
            [sys.executable, "-m", "pspkit.sandbox", *args], capture_output=True, text=True, timeout=60
        )
        assert result.returncode == 2, (args, result.stderr)
        assert re.search(r"usage: python -m pspkit.sandbox", result.stderr), result.stderr
