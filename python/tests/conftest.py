"""Fixtures: the sandbox, served inside the test process by pspkit's own pytest plugin
(`pspkit_sandbox`, here on a smaller data set so walks of whole lists stay quick), and a client
per provider pointed at it."""

from __future__ import annotations

import importlib
import inspect
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest

from pspkit.testing import Credentials, Sandbox, SandboxOptions

ROOT = Path(__file__).resolve().parents[2]
PROVIDERS = ("onepay", "onchainpay", "firekassa", "firstpay", "onlyonepays")


@pytest.fixture(scope="session")
def pspkit_sandbox_options() -> SandboxOptions:
    """600 objects per kind instead of 3,000: the tests that walk a whole list stay quick."""
    return {"size": 600}


@pytest.fixture(scope="session")
def sandbox(pspkit_sandbox: Sandbox) -> Sandbox:
    """The session's sandbox (the plugin's `pspkit_sandbox`), under the name the tests use."""
    return pspkit_sandbox


@pytest.fixture(scope="session")
def keys() -> Dict[str, str]:
    """The sandbox's RSA keys (PEM), named as their files in crates/pspkit-sandbox/keys/."""
    c = Credentials()
    return {
        "firstpay-public": c.firstpay["public_key"],
        "firstpay-private": c.firstpay_postback_private_key,
        "merchant-public": c.firstpay_merchant_public_key,
        "merchant-private": c.firstpay["private_key"],
    }


_CLASSES = {"onepay": "OnePay", "onchainpay": "OnChainPay", "firekassa": "FireKassa", "firstpay": "FirstPay", "onlyonepays": "OnlyOnePays"}


def client(provider: str, base_url: str) -> Any:
    """A sync client of `provider` at `base_url` (any server, not only a sandbox), with the
    sandbox's credentials."""
    cls = getattr(importlib.import_module(f"pspkit.{provider}"), _CLASSES[provider])
    return cls(**getattr(Credentials(), provider), base_url=base_url)


@pytest.fixture()
def clients(sandbox: Sandbox) -> Dict[str, Any]:
    """A sync client per provider, pointed at the sandbox."""
    return {p: sandbox.client(p) for p in PROVIDERS}


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


def group_methods(provider_client: Any) -> Iterator[Tuple[str, Any]]:
    """Every public method of a client's operation groups, as ``("cashouts.get", bound method)``."""
    from pspkit._runtime import Group

    for group_name in dir(provider_client):
        group = getattr(provider_client, group_name, None)
        if group_name.startswith("_") or not isinstance(group, Group):
            continue
        for name, method in inspect.getmembers(group, inspect.ismethod):
            if not name.startswith("_"):
                yield f"{group_name}.{name}", method
