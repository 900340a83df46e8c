"""Fixtures: the sandbox binary (started once per session on a free port) and a client per
provider pointed at it. The binary is `target/debug/pspkit-sandbox` unless PSPKIT_SANDBOX_BIN
says otherwise; `just python-test` builds it first."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.request
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List

import pytest

ROOT = Path(__file__).resolve().parents[2]
KEYS = ROOT / "crates" / "pspkit-sandbox" / "keys"


class Sandbox:
    """A running sandbox: its URL, and its admin routes."""

    def __init__(self, url: str) -> None:
        self.url = url

    def base_url(self, provider: str) -> str:
        return f"{self.url}/{provider}"

    def _post(self, path: str, body: Any) -> Any:
        request = urllib.request.Request(
            f"{self.url}{path}", data=json.dumps(body).encode(), headers={"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")

    def faults(self, *faults: str) -> None:
        """Queues faults for the next provider requests, one each (`503`, `reset`, `429:1`, ...)."""
        queued = self._post("/_sandbox/faults", {"faults": list(faults)})
        assert queued == {"queued": len(faults)}, queued

    def inspect(self) -> Dict[str, Any]:
        with urllib.request.urlopen(f"{self.url}/_sandbox/inspect", timeout=10) as response:
            return dict(json.loads(response.read()))

    def requests(self, provider: str, operation_id: str) -> int:
        return int(self.inspect()["requests"].get(provider, {}).get(operation_id, 0))

    def created(self, provider: str, kind: str) -> int:
        return int(self.inspect()["created"].get(provider, {}).get(kind, 0))

    def objects(self, provider: str, kind: str) -> int:
        """How many objects of a kind the sandbox holds (seeded and created)."""
        return int(self.inspect()["objects"][provider][kind])

    def advance(self) -> Any:
        return self._post("/_sandbox/advance", {})


def _binary() -> Path:
    given = os.environ.get("PSPKIT_SANDBOX_BIN")
    if given:
        return Path(given)
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return target / "debug" / "pspkit-sandbox"


def start_sandbox(*args: str) -> Iterator[Sandbox]:
    binary = _binary()
    if not binary.exists():
        raise RuntimeError(f"{binary} is missing: run `cargo build -p pspkit-sandbox` (or `just python-test`)")
    process = subprocess.Popen(
        [str(binary), "--port", "0", "--size", "600", *args], stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:\d+", first)
        if match is None:
            raise RuntimeError(f"the sandbox did not start: {first!r}")
        yield Sandbox(match.group(0))
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    yield from start_sandbox()


@pytest.fixture(scope="session")
def keys() -> Dict[str, str]:
    return {p.stem: p.read_text() for p in KEYS.glob("*.pem")}


def client(provider: str, base_url: str, keys: Dict[str, str]) -> Any:
    """A sync client of `provider` at `base_url`, with the sandbox's published credentials."""
    from pspkit.firekassa import FireKassa
    from pspkit.firstpay import FirstPay
    from pspkit.onchainpay import OnChainPay
    from pspkit.onepay import OnePay
    from pspkit.onlyonepays import OnlyOnePays

    make = {
        "onepay": lambda: OnePay("sk_test_sandbox", base_url=base_url),
        "onchainpay": lambda: OnChainPay("sandbox-onchainpay-public", "sandbox-onchainpay-secret", base_url=base_url),
        "firekassa": lambda: FireKassa("sandbox-firekassa-token", "sandbox-firekassa-sign-token", base_url=base_url),
        "firstpay": lambda: FirstPay(keys["firstpay-public"], keys["merchant-private"], base_url=base_url),
        "onlyonepays": lambda: OnlyOnePays("sandbox-onlyonepays-key", base_url=base_url),
    }
    return make[provider]()


@pytest.fixture()
def clients(sandbox: Sandbox, keys: Dict[str, str]) -> Dict[str, Any]:
    """A sync client per provider, with the sandbox's published credentials."""
    providers = ("onepay", "onchainpay", "firekassa", "firstpay", "onlyonepays")
    return {p: client(p, sandbox.base_url(p), keys) for p in providers}


@contextmanager
def loopback(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """An HTTP server on a free loopback port answering with `handler` while the block runs: its
    base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def all_items(iterator: Iterator[Any]) -> List[Any]:
    return list(iterator)
