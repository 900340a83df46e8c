"""Hostile ``Retry-After`` values through Python, over real HTTP: every call ends in a bounded wait
and a retry, or in a ``RateLimitError``, never in a crash or a ``ConfigurationError``."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler
from typing import Dict, Iterator, List, Tuple

import pytest

import pspkit
from pspkit.onepay import OnePay
from conftest import loopback

RETRIED, GIVES_UP = "retried", "gives up"

# the client's default policy honours a Retry-After of up to 30 s; longer ends the retries
TABLE: List[Tuple[str, str]] = [
    ("1e20", GIVES_UP),
    ("18446744073709551616", GIVES_UP),
    ("99999999999999999999999999999999", GIVES_UP),
    ("1e400", GIVES_UP),
    ("3600", GIVES_UP),
    ("9" * 5000, GIVES_UP),
    ("Fri, 31 Dec 9999 23:59:59 GMT", GIVES_UP),
    ("NaN", RETRIED),
    ("inf", RETRIED),
    ("-inf", RETRIED),
    ("-1", RETRIED),
    ("-0.5", RETRIED),
    ("", RETRIED),
    ("abc", RETRIED),
    ("0x10", RETRIED),
    ("1,5", RETRIED),
    ("0", RETRIED),
    ("0.05", RETRIED),
    ("1e-9", RETRIED),
    ("5e-2", RETRIED),
    ("Wed, 21 Oct 2015 07:28:00 GMT", RETRIED),
    ("Sunday, 06-Nov-94 08:49:37 GMT", RETRIED),
    ("Sun Nov  6 08:49:37 1994", RETRIED),
    ("Mon, 32 Foo 2020 99:99:99 GMT", RETRIED),
]

EMPTY_PAGE = b'{"data":[],"current_page":1,"next_page_url":null}'


class _RateLimiter(BaseHTTPRequestHandler):
    """Answers the first request on each path with 429 and the path's Retry-After, then 200."""

    values: Dict[str, str] = {}
    seen: Dict[str, int] = {}
    lock = threading.Lock()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        key = self.path.split("/")[1]
        with _RateLimiter.lock:
            count = _RateLimiter.seen.get(key, 0)
            _RateLimiter.seen[key] = count + 1
        if count == 0:
            body = b'{"message":"slow down"}'
            self.send_response(429)
            self.send_header("retry-after", _RateLimiter.values[key])
        else:
            body = EMPTY_PAGE
            self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def server() -> Iterator[str]:
    with loopback(_RateLimiter) as url:
        yield url


def test_every_hostile_retry_after_ends_in_a_bounded_wait_or_a_rate_limit_error(server: str) -> None:
    table = TABLE + [
        (formatdate(time.time() - 3600, usegmt=True), RETRIED),
        (formatdate(time.time() + 1, usegmt=True), RETRIED),
        (formatdate(time.time() + 86400, usegmt=True), GIVES_UP),
    ]
    assert len(table) >= 20
    _RateLimiter.values = {f"case{i}": value for i, (value, _) in enumerate(table)}
    _RateLimiter.seen = {}

    def one(i: int) -> str:
        client = OnePay("sk_test", base_url=f"{server}/case{i}", timeout=5, deadline=10)
        value, expected = table[i]
        shown = value[:40]
        try:
            client.cashouts.list()
            outcome = RETRIED
        except pspkit.RateLimitError as e:
            if e.retry_after is None or e.retry_after <= 30:
                return f"{shown!r}: RateLimitError with retry_after {e.retry_after}"
            outcome = GIVES_UP
        except pspkit.PspError as e:
            return f"{shown!r}: {type(e).__name__}: {e}"
        requests = _RateLimiter.seen.get(f"case{i}", 0)
        if outcome != expected or requests != (2 if expected == RETRIED else 1):
            return f"{shown!r}: expected {expected}, got {outcome} after {requests} requests"
        return ""

    with ThreadPoolExecutor(max_workers=8) as pool:
        failures = [f for f in pool.map(one, range(len(table))) if f]
    assert not failures, "\n".join(failures)
