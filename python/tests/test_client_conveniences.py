"""What a Python SDK user reaches for daily, through the public API: `with_options`, per-call
`timeout`, `extra_headers`, `extra_query` and `extra_body`, `with_raw_response`, context managers that close connections,
pagers that stop and pages that keep their metadata, logging without secrets, calls in a forked
child, and Ctrl-C during a blocking call."""

from __future__ import annotations

import asyncio
import json
import logging
import multiprocessing
import os
import signal
import subprocess
import sys
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Dict, List, Optional

import pytest

from pspkit.errors import ConfigurationError, OutcomeUnknownError, TimeoutError, ValidationError
from pspkit.firekassa import FireKassa
from pspkit.onepay import AsyncOnePay, Cashout, OnePay
from pspkit.testing import Sandbox

from conftest import loopback

SECRET = "sk_test_sandbox"


def a_cashout_id(client: OnePay) -> str:
    return client.cashouts.list(limit=1).data[0].id


# --- with_options and per-call settings -----------------------------------------------------


def test_per_call_timeout_cuts_a_slow_call_short(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    cashout_id = a_cashout_id(client)
    sandbox.inject("delay:3000")
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        client.cashouts.get(id=cashout_id, timeout=0.4)
    assert time.monotonic() - started < 2.0
    # the client's own setting is untouched: the next call is answered
    assert client.cashouts.get(id=cashout_id).id == cashout_id


def test_a_clients_repr_shows_its_base_url_without_secrets() -> None:
    client = OnePay(SECRET, base_url="https://ops:pa55word@psp.example/v1")
    assert "psp.example/v1" in repr(client) and "pa55word" not in repr(client), repr(client)
    assert SECRET not in repr(client)
    client.close()


@pytest.mark.parametrize(
    "base, problem",
    [
        ("not a url", "is not a URL"),
        ("", "is not a URL"),
        ("ftp://psp.example", "http or https"),
        ("https://psp.example/v1?api_key=pa55word", "query"),
        ("https://psp.example/v1#frag", "fragment"),
    ],
)
def test_a_base_url_that_cannot_be_one_is_a_configuration_error(base: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match="base_url") as refused:
        OnePay(SECRET, base_url=base)
    assert problem in str(refused.value) and "pa55word" not in str(refused.value)
    client = OnePay(SECRET, base_url="https://psp.example")
    with pytest.raises(ConfigurationError, match=problem):
        client.with_options(base_url=base)


def test_with_options_makes_a_copy_with_other_settings(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    cashout_id = a_cashout_id(client)
    impatient = client.with_options(timeout=0.4, max_retries=0)
    assert isinstance(impatient, OnePay) and impatient is not client
    assert impatient.base_url == client.base_url
    sandbox.inject("delay:3000")
    started = time.monotonic()
    with pytest.raises(TimeoutError) as caught:
        impatient.cashouts.get(id=cashout_id)
    assert caught.value.attempts == 1
    assert time.monotonic() - started < 2.0
    assert client.cashouts.get(id=cashout_id).id == cashout_id

    elsewhere = client.with_options(base_url="http://127.0.0.1:9/")
    assert elsewhere.base_url == "http://127.0.0.1:9"
    with pytest.raises(ValueError, match="max_retries"):
        client.with_options(max_retries=-1)


class Recorder(BaseHTTPRequestHandler):
    """Answers `GET /cashouts/<id>` and `POST /cashouts` with one cashout; remembers each
    request's headers, target and body, and each connection's end."""

    protocol_version = "HTTP/1.1"
    body = b"{}"
    seen: List[Dict[str, str]] = []
    targets: List[str] = []
    bodies: List[bytes] = []
    closed = threading.Event()

    def do_POST(self) -> None:
        Recorder.bodies.append(self.rfile.read(int(self.headers.get("content-length", "0"))))
        self.do_GET()

    def do_GET(self) -> None:
        Recorder.seen.append({k.lower(): v for k, v in self.headers.items()})
        Recorder.targets.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.send_header("x-request-id", "req_123")
        self.end_headers()
        self.wfile.write(self.body)

    def finish(self) -> None:
        super().finish()
        Recorder.closed.set()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture()
def recorder(sandbox: Sandbox) -> Any:
    client = sandbox.client("onepay")
    cashout = client.cashouts.get(id=a_cashout_id(client))
    Recorder.body = json.dumps(cashout.to_json()).encode()
    Recorder.seen, Recorder.targets, Recorder.bodies = [], [], []
    Recorder.closed = threading.Event()
    with loopback(Recorder) as url:
        yield url, cashout


def test_extra_headers_are_sent_and_checked_before_sending(recorder: Any) -> None:
    url, cashout = recorder
    with OnePay(secret_key=SECRET, base_url=url) as client:
        client.cashouts.get(id=cashout.id, extra_headers={"X-Trace": "t-1", "Authorization": "mine"})
        sent = Recorder.seen[-1]
        assert sent["x-trace"] == "t-1"
        # pspkit's own credentials win over a caller's header of the same name
        assert sent["authorization"] == f"Bearer {SECRET}"
        before = len(Recorder.seen)
        with pytest.raises(ValidationError, match="header"):
            client.cashouts.get(id=cashout.id, extra_headers={"bad name": "x"})
        assert len(Recorder.seen) == before


def test_extra_query_and_extra_body_reach_the_provider_as_given(recorder: Any) -> None:
    url, cashout = recorder
    with OnePay(secret_key=SECRET, base_url=url) as client:
        client.cashouts.get(id=cashout.id, extra_query={"expand": "fees", "note": "a b&c"})
        assert Recorder.targets[-1] == f"/cashouts/{cashout.id}?expand=fees&note=a+b%26c"
        fields: Dict[str, Any] = dict(
            account_id="acc-1", amount=Decimal("10.50"), currency="COP", customer_id="cus-1", method="ACH"
        )
        extra = {"fee": Decimal("1.50"), "big": Decimal("12345678901234567890.000000000001"), "tags": ["x"]}
        client.cashouts.create(**fields, extra_body=extra)
        # the body's own fields and the extra ones, every number with its own digits
        sent = json.loads(Recorder.bodies[-1], parse_float=str, parse_int=str)
        assert Decimal(sent["amount"]) == Decimal("10.50") and sent["account_id"] == "acc-1"
        assert sent["fee"] == "1.50" and sent["big"] == "12345678901234567890.000000000001"
        assert sent["tags"] == ["x"]


def test_extra_query_and_extra_body_are_checked_before_anything_is_sent(recorder: Any) -> None:
    url, cashout = recorder
    fields: Dict[str, Any] = dict(account_id="acc-1", amount="10", currency="COP", customer_id="cus-1", method="ACH")
    refusals: List[tuple[Callable[[OnePay], Any], str, str]] = [
        # a parameter or field the operation sends already is set through its argument
        (lambda c: c.cashouts.list(limit=1, extra_query={"limit": "5"}), "extra_query.limit", "sends already"),
        (lambda c: c.cashouts.create(**fields, extra_body={"amount": "1"}), "extra_body.amount", "sends already"),
        # money never as binary floating point, wherever it is given
        (lambda c: c.cashouts.create(**fields, extra_body={"fee": 1.5}), "extra_body.fee", "float"),
        (lambda c: c.cashouts.get(id=cashout.id, extra_body={"fee": "1"}), "extra_body", "sends none"),
        (lambda c: c.cashouts.get(id=cashout.id, extra_query={"expand": None}), "extra_query['expand']", "str"),
        (lambda c: c.cashouts.get(id=cashout.id, extra_query={"": "x"}), "extra_query", "empty"),
        (lambda c: c.cashouts.get(id=cashout.id, extra_body=["fee"]), "extra_body", "mapping"),
        # a lone surrogate is no text to send: refused by name, not a UnicodeEncodeError
        (lambda c: c.cashouts.get(id=cashout.id, extra_query={"q": "\ud800"}), "extra_query['q']", "valid text"),
        (lambda c: c.cashouts.get(id=cashout.id, extra_headers={"X-Q": "\ud800"}), "extra_headers['X-Q']", "valid text"),
        (lambda c: c.cashouts.create(**fields, extra_body={"\ud800": 1}), "extra_body", "valid text"),
        (lambda c: c.cashouts.create(**fields, extra_body={"note": ["\ud800"]}), "extra_body.note[0]", "valid text"),
    ]
    with OnePay(secret_key=SECRET, base_url=url) as client:
        for call, field, rule in refusals:
            with pytest.raises(ValidationError, match=rule) as refused:
                call(client)
            assert refused.value.field == field, refused.value
        assert Recorder.targets == []


def test_extra_query_and_extra_body_are_signed_with_the_rest_of_the_request(sandbox: Sandbox) -> None:
    # FireKassa signs each request's path, query and body (HMAC-SHA512); the sandbox checks the
    # signature, so an answer means it covered the request as sent, extra parts included
    client = sandbox.client("firekassa")
    made = client.deposits.create_transaction(
        type="card",
        amount=Decimal("150.00"),
        order_id="extra-body-1",
        extra_query={"trace": "t-1"},
        extra_body={"partner_note": "n-1"},
    )
    assert made is not None
    assert sandbox.requests("firekassa", "createDepositTransaction") == 1


def test_an_idempotency_key_in_extra_headers_is_the_calls_key(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    account = client.accounts.list(limit=1).data[0]
    fields: Dict[str, Any] = dict(
        account_id=account.id, amount="10.00", currency="COP", customer_id=account.customer_id, method="ACH"
    )
    first = client.cashouts.with_raw_response.create(**fields, extra_headers={"X-Idempotency": "extra-key-1"})
    assert first.idempotency_key == "extra-key-1"
    # the provider deduplicates by it: the same key again is the same cashout
    again = client.cashouts.create(**fields, extra_headers={"x-idempotency": "extra-key-1"})
    assert again.id == first.parse().id
    with pytest.raises(ValidationError, match="twice") as refused:
        client.cashouts.create(**fields, idempotency_key="k-1", extra_headers={"x-idempotency": "k-2"})
    assert refused.value.field == "idempotency_key"


def test_raw_response_has_the_answer_and_parses_to_the_model(recorder: Any, sandbox: Sandbox) -> None:
    url, cashout = recorder
    with OnePay(secret_key=SECRET, base_url=url) as client:
        raw = client.cashouts.with_raw_response.get(id=cashout.id)
        assert raw.status_code == 200
        assert raw.headers["content-type"] == "application/json"
        # looked up in any case, as HTTP header names are
        assert raw.headers["Content-Type"] == raw.headers.get("CONTENT-TYPE") == "application/json"
        assert "X-Request-Id" in raw.headers and raw.headers["X-Request-Id"] == "req_123"
        assert raw.request_id == "req_123"
        assert raw.attempts == 1
        assert raw.idempotency_key is None
        parsed = raw.parse()
        assert isinstance(parsed, Cashout) and parsed == cashout
        assert raw.parse() is parsed
    # a write: the idempotency key sent is reported, the caller's when given
    live = sandbox.client("onepay")
    account = live.accounts.list(limit=1).data[0]
    made = live.cashouts.with_raw_response.create(
        account_id=account.id, amount="1500.00", currency="COP", customer_id=account.customer_id,
        method="ACH", idempotency_key="order-raw-1",
    )
    assert made.status_code in (200, 201) and made.idempotency_key == "order-raw-1"
    assert made.parse().amount is not None


def test_raw_response_keeps_the_body_with_what_the_spec_does_not_list(recorder: Any) -> None:
    """A field the provider added (not in the spec, so not in the model) and a number's every
    digit are in the raw body: ``content`` byte for byte, ``text``, and ``json()`` with exact
    numbers."""
    url, cashout = recorder
    sent = json.loads(Recorder.body)
    Recorder.body = (Recorder.body.decode()[:-1] + ', "brand_new_fee": 12.345678901234567890123}').encode()
    with OnePay(secret_key=SECRET, base_url=url) as client:
        raw = client.cashouts.with_raw_response.get(id=cashout.id)
    assert raw.content == Recorder.body and raw.text == Recorder.body.decode()
    body = raw.json()
    assert body["brand_new_fee"] == Decimal("12.345678901234567890123") and body["id"] == sent["id"]
    assert "brand_new_fee" not in raw.parse().to_json() and raw.parse().id == cashout.id


def test_async_raw_response(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client("onepay") as client:
            raw = await client.cashouts.with_raw_response.list(limit=2)
            assert raw.status_code == 200 and len(raw.parse().data) == 2
            assert [item["id"] for item in raw.json()["data"]] == [item.id for item in raw.parse().data]

    asyncio.run(main())


# --- closing ------------------------------------------------------------------------------------


def test_leaving_a_with_block_closes_the_connections(recorder: Any) -> None:
    url, cashout = recorder
    with OnePay(secret_key=SECRET, base_url=url) as client:
        client.cashouts.get(id=cashout.id)
        assert not Recorder.closed.is_set()
    assert client.is_closed
    assert Recorder.closed.wait(5), "the keep-alive connection was not closed"
    with pytest.raises(ConfigurationError, match="closed"):
        client.cashouts.get(id=cashout.id)


class ClosesWhenIdle(BaseHTTPRequestHandler):
    """Answers every request with one FireKassa transaction, then closes the connection a moment
    later without having said so, as a server whose keep-alive timeout runs out between two
    calls."""

    protocol_version = "HTTP/1.1"
    body = b"{}"
    requests: List[str] = []

    def answer(self) -> None:
        self.rfile.read(int(self.headers.get("content-length") or 0))
        ClosesWhenIdle.requests.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)
        self.wfile.flush()
        time.sleep(0.02)
        self.close_connection = True

    do_GET = answer
    do_POST = answer

    def log_message(self, *args: Any) -> None:
        pass


def test_a_write_after_the_server_dropped_an_idle_connection_goes_out_once_on_a_new_one(sandbox: Sandbox) -> None:
    # A blocking call must see that the server closed the pooled connection since the last
    # call: sent on the dead connection, this write (which FireKassa does not deduplicate, so
    # it is never retried) would end as an unknown outcome.
    live = sandbox.client("firekassa")
    transaction = live.transactions.list(page_size=1).items[0]
    ClosesWhenIdle.body = json.dumps(transaction.to_json()).encode()
    ClosesWhenIdle.requests = []
    with loopback(ClosesWhenIdle) as url:
        with FireKassa(token="t", sign_token="s", base_url=url) as client:
            # the server closes 20 ms after answering; the next call comes well after that
            for _ in range(3):
                assert client.transactions.get(id=transaction.id).id == transaction.id
                time.sleep(0.25)
                cancelled = client.transactions.with_raw_response.cancel(id=transaction.id)
                assert cancelled.attempts == 1 and cancelled.parse().id == transaction.id
                time.sleep(0.25)
    path = f"/api/v2/transactions/{transaction.id}"
    assert ClosesWhenIdle.requests == [f"GET {path}", f"POST {path}/cancel"] * 3


def test_leaving_an_async_with_block_closes_the_connections(recorder: Any) -> None:
    url, cashout = recorder

    async def main() -> AsyncOnePay:
        async with AsyncOnePay(secret_key=SECRET, base_url=url) as client:
            await client.cashouts.get(id=cashout.id)
        return client

    client = asyncio.run(main())
    assert client.is_closed
    assert Recorder.closed.wait(5), "the keep-alive connection was not closed"


def test_a_copy_keeps_the_connections_its_original_let_go(recorder: Any) -> None:
    url, cashout = recorder
    original = OnePay(secret_key=SECRET, base_url=url)
    copy = original.with_options(timeout=5)
    original.close()
    assert copy.cashouts.get(id=cashout.id).id == cashout.id
    copy.close()
    assert Recorder.closed.wait(5)


# --- pages ---------------------------------------------------------------------------------------


def test_pages_keep_their_metadata(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    pages = list(client.cashouts.list_pages(page_size=50, max_items=120))
    assert [len(p) for p in pages] == [50, 50, 20]
    assert [p.position for p in pages] == [1, 2, 3]
    assert all(isinstance(item, Cashout) for p in pages for item in p)
    # what the provider counts of the whole list, its items and its pages of this size, where it
    # sends the full paginator (charges); the simple one (cashouts here) counts nothing
    charges = list(client.charges.list_pages(page_size=50, max_items=120))
    everything = sum(1 for _ in client.charges.list_all(page_size=100))
    assert everything > 120 and all(p.total == everything for p in charges)
    assert all(p.total_pages == -(-everything // 50) for p in charges)
    assert all(p.total is None and p.total_pages is None for p in pages)
    # a page-numbered list that says how many pages there are
    searched = next(iter(sandbox.client("onlyonepays").operations.search_pages(page_size=10)))
    assert len(searched) == 10 and searched.total_pages is not None and searched.total_pages > 1
    assert searched.total is not None and searched.total_pages == -(-searched.total // 10)
    # a list walked by cursor reports the next page's cursor (FirstPay: times in milliseconds)
    payments = sandbox.client("firstpay").payments.list_pages(
        created_at_from=0, created_at_to=int(time.time() * 1000) + 86_400_000, page_size=10
    )
    first, second = next(payments), next(payments)
    assert len(first) == 10 and first.next_cursor is not None and first.next_cursor == second[0].id


def test_a_closed_pager_stops(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    with client.cashouts.list_all(page_size=10) as items:
        assert isinstance(next(items), Cashout)
    assert list(items) == []
    pager = client.cashouts.list_pages(page_size=10)
    next(pager)
    pager.close()
    assert list(pager) == []


def test_an_async_pager_closes(sandbox: Sandbox) -> None:
    async def main() -> int:
        client = sandbox.async_client("onepay")
        seen = 0
        async with client.cashouts.list_all(page_size=10) as items:
            async for _ in items:
                seen += 1
                if seen == 3:
                    break
        return seen + len([x async for x in items])

    assert asyncio.run(main()) == 3


# --- logging -------------------------------------------------------------------------------------


def test_each_attempt_is_logged_without_secrets(sandbox: Sandbox, caplog: pytest.LogCaptureFixture) -> None:
    client = sandbox.client("onepay")
    cashout_id = a_cashout_id(client)
    sandbox.inject("503")
    with caplog.at_level(logging.INFO, logger="pspkit"):
        client.cashouts.get(id=cashout_id)
    lines = [r.getMessage() for r in caplog.records if r.name == "pspkit"]
    assert any(line.startswith("onepay.get_cashout attempt 1: HTTP 503") and "retrying in" in line for line in lines), lines
    assert any(line.startswith("onepay.get_cashout attempt 2: HTTP 200") for line in lines), lines
    assert not any(SECRET in line for line in caplog.text.splitlines())
    # below the logger's level nothing is logged
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="pspkit"):
        client.cashouts.get(id=cashout_id)
    assert not [r for r in caplog.records if r.name == "pspkit"]


def test_logging_code_may_make_a_call_while_a_walk_logs(sandbox: Sandbox) -> None:
    """A walk fetches its pages on pspkit's runtime thread, which also hands the attempts to
    `logging`: Python code run there (here a filter of the `pspkit` logger) that makes a call of
    its own must not stop the runtime. (A handler's `emit` runs holding the handler's lock, so a
    handler that makes a call whose attempts it would also log waits for itself.)"""
    client = sandbox.client("onepay")
    asked: List[bool] = []
    made: List[str] = []

    class Calling(logging.Filter):
        def filter(self, record: logging.LogRecord) -> bool:
            # once, on the runtime's thread (the call's own attempts are logged too)
            if not asked and threading.current_thread() is not threading.main_thread():
                asked.append(True)
                made.append(a_cashout_id(client))
            return True

    logger, calling = logging.getLogger("pspkit"), Calling()
    logger.addFilter(calling)
    logger.setLevel(logging.INFO)
    walked: List[int] = []
    try:
        walk = threading.Thread(
            target=lambda: walked.append(sum(1 for _ in client.cashouts.list_all(page_size=5, max_items=20))),
            daemon=True,
        )
        walk.start()
        walk.join(30)
        assert not walk.is_alive(), "the walk stopped: the call made from logging never finished"
    finally:
        logger.removeFilter(calling)
        logger.setLevel(logging.NOTSET)
    assert walked == [20] and len(made) == 1


def test_pspkit_log_prints_attempts_to_stderr(sandbox: Sandbox) -> None:
    script = (
        "from pspkit.onepay import OnePay\n"
        f"c = OnePay(secret_key={SECRET!r}, base_url={sandbox.base_url('onepay')!r})\n"
        "c.cashouts.list(limit=1)\n"
    )
    env = {**os.environ, "PSPKIT_LOG": "info"}
    run = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert "onepay.list_cashouts attempt 1: HTTP 200" in run.stderr
    assert SECRET not in run.stderr + run.stdout


# --- processes and signals -------------------------------------------------------------------------


def _in_a_forked_child(target: Callable[..., None], *args: Any) -> Any:
    """Runs ``target(*args, out)`` in a child made by ``os.fork()``; fails the test when the child
    hangs or fails; returns the queue ``out`` it wrote to."""
    ctx = multiprocessing.get_context("fork")
    out = ctx.Queue()
    child = ctx.Process(target=target, args=(*args, out))
    child.start()
    child.join(30)
    if child.is_alive():
        child.kill()
        pytest.fail(f"{target.__name__} hung in the forked child")
    assert child.exitcode == 0
    return out


def _call_in_child(base_url: str, cashout_id: str, out: Any) -> None:
    client = _PARENT_CLIENT[0]
    out.put(client.cashouts.get(id=cashout_id).id)


_PARENT_CLIENT: List[OnePay] = []


def test_a_client_works_in_a_forked_child(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    cashout_id = a_cashout_id(client)  # the parent's pool now holds a connection
    _PARENT_CLIENT[:] = [client]
    out = _in_a_forked_child(_call_in_child, client.base_url, cashout_id)
    assert out.get(timeout=5) == cashout_id
    # and the parent's client still works
    assert client.cashouts.get(id=cashout_id).id == cashout_id


def _walk_in_child(out: Any) -> None:
    pages = _PARENT_WALK[0]
    try:
        next(pages)
        out.put("the parent's walk went on")
    except ConfigurationError as error:
        out.put(f"refused: {error}")
    # a walk started here works
    out.put(len(next(iter(_PARENT_CLIENT[0].cashouts.list_pages(page_size=10)))))


_PARENT_WALK: List[Any] = []


def test_a_walk_started_before_fork_is_refused_in_the_child_not_hung(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    pages = iter(client.cashouts.list_pages(page_size=10))
    # the walk now fetches its next page ahead, on the parent's runtime, over the parent's
    # sockets: going on in the child would hang on that work, or read from a socket the parent
    # reads too
    next(pages)
    _PARENT_CLIENT[:] = [client]
    _PARENT_WALK[:] = [pages]
    out = _in_a_forked_child(_walk_in_child)
    refused = out.get(timeout=5)
    assert refused.startswith("refused:") and "another process" in refused, refused
    assert out.get(timeout=5) == 10
    # the parent's walk goes on
    assert len(next(pages)) == 10


def _causes(error: BaseException) -> List[BaseException]:
    chain: List[BaseException] = []
    current: Optional[BaseException] = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__
    return chain


def test_a_cancelled_async_write_names_its_key_and_a_read_nothing(sandbox: Sandbox) -> None:
    async def main() -> None:
        async with sandbox.async_client("onepay") as client:
            account = (await client.accounts.list(limit=1)).data[0]
            sandbox.inject("delay:5000")
            with pytest.raises(asyncio.TimeoutError) as caught:
                await asyncio.wait_for(
                    client.cashouts.create(
                        account_id=account.id, amount="10.00", currency="COP", customer_id=account.customer_id,
                        method="ACH",
                    ),
                    0.3,
                )
            lost = [e for e in _causes(caught.value) if isinstance(e, OutcomeUnknownError)]
            assert lost, f"no OutcomeUnknownError in {_causes(caught.value)!r}"
            assert lost[0].idempotency_key and lost[0].operation == "create_cashout"
            # the key given by the caller is the one named
            sandbox.inject("delay:5000")
            task = asyncio.ensure_future(client.cashouts.create(
                account_id=account.id, amount="10.00", currency="COP", customer_id=account.customer_id,
                method="ACH", idempotency_key="mine-7",
            ))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError) as cancelled:
                await task
            assert isinstance(cancelled.value.__cause__, OutcomeUnknownError)
            assert cancelled.value.__cause__.idempotency_key == "mine-7"
            # a cancelled read has nothing to report
            sandbox.inject("delay:5000")
            with pytest.raises(asyncio.TimeoutError) as read:
                await asyncio.wait_for(client.accounts.list(limit=1), 0.3)
            assert not [e for e in _causes(read.value) if isinstance(e, OutcomeUnknownError)]

    asyncio.run(main())


def test_extra_headers_must_be_text(sandbox: Sandbox) -> None:
    client = sandbox.client("onepay")
    account = client.accounts.list(limit=1).data[0]
    fields: Dict[str, Any] = dict(
        account_id=account.id, amount="10.00", currency="COP", customer_id=account.customer_id, method="ACH"
    )
    before = sandbox.requests("onepay", "createCashout")
    with pytest.raises(ValidationError, match="X-Idempotency") as refused:
        client.cashouts.create(**fields, extra_headers={"X-Idempotency": None})
    assert "must be str" in str(refused.value)
    # the same header twice, in two cases and with two keys
    with pytest.raises(ValidationError, match="twice"):
        client.cashouts.create(**fields, extra_headers={"x-idempotency": "k1", "X-IDEMPOTENCY": "k2"})
    assert sandbox.requests("onepay", "createCashout") == before, "nothing was sent"


def test_ctrl_c_interrupts_a_blocking_write_and_reports_its_key(sandbox: Sandbox) -> None:
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    client = sandbox.client("onepay")
    account = client.accounts.list(limit=1).data[0]
    sent_at: List[float] = []

    def press_ctrl_c() -> None:
        time.sleep(0.5)
        sent_at.append(time.monotonic())
        os.kill(os.getpid(), signal.SIGINT)

    sandbox.inject("delay:5000")
    threading.Thread(target=press_ctrl_c).start()
    with pytest.raises(KeyboardInterrupt) as caught:
        client.cashouts.create(
            account_id=account.id, amount="10.00", currency="COP", customer_id=account.customer_id, method="ACH"
        )
    latency = time.monotonic() - sent_at[0]
    assert latency < 0.2, f"KeyboardInterrupt came {latency * 1000:.0f} ms after the signal"
    lost = caught.value.__cause__
    assert isinstance(lost, OutcomeUnknownError)
    assert lost.idempotency_key, "the interrupted write names the key to repeat it with"
    assert lost.operation == "create_cashout"
    # the interrupted call's work is gone: the next call is answered at once
    started = time.monotonic()
    client.cashouts.list(limit=1)
    assert time.monotonic() - started < 2.0


def test_a_signal_handler_can_make_a_call_while_a_blocking_call_waits(sandbox: Sandbox) -> None:
    # Python's signal handlers run inside the waiting call (it looks for signals every 50 ms);
    # a handler that calls the provider (a shutdown handler cancelling something, say) is a
    # call inside a call, which must work like any other.
    if threading.current_thread() is not threading.main_thread():
        pytest.skip("signals reach the main thread only")
    client = sandbox.client("onepay")
    cashout_id = a_cashout_id(client)
    seen_in_handler: List[str] = []

    def on_alarm(signum: int, frame: Any) -> None:
        seen_in_handler.append(client.cashouts.get(id=cashout_id).id)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    try:
        sandbox.inject("delay:1000")
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        assert client.cashouts.get(id=cashout_id).id == cashout_id
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert seen_in_handler == [cashout_id]
