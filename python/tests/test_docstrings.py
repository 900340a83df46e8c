"""Every operation's docstring describes the Python method: each keyword argument of its
signature (body fields and ``idempotency_key`` included) under ``Args:``, the route and the retry
rule, and nothing of the Rust method underneath."""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Iterator, Tuple

from pspkit import PROVIDERS
from pspkit._providers import CLIENTS
from pspkit._runtime import Group


def methods() -> Iterator[Tuple[str, str, Any]]:
    for provider in PROVIDERS:
        module_name, sync_class, _ = CLIENTS[provider]
        client_class = getattr(importlib.import_module(module_name), sync_class)
        for group_name, group in inspect.getmembers(client_class, lambda m: isinstance(m, property)):
            annotation = inspect.signature(group.fget).return_annotation
            group_class = getattr(importlib.import_module(module_name), annotation, None)
            if not (isinstance(group_class, type) and issubclass(group_class, Group)):
                continue  # base_url, is_closed
            for name, method in inspect.getmembers(group_class, inspect.isfunction):
                if not name.startswith("_"):
                    yield provider, f"{group_name}.{name}", method


def test_every_keyword_is_documented_under_args() -> None:
    checked = 0
    for provider, name, method in methods():
        doc = inspect.getdoc(method) or ""
        keywords = [p for p in inspect.signature(method).parameters if p != "self"]
        if keywords:
            assert "\nArgs:\n" in doc, f"{provider} {name}: no Args section"
            args = doc.split("\nArgs:\n", 1)[1]
            for keyword in keywords:
                assert f"    {keyword}: " in f"    {args}" or f"\n    {keyword}: " in args, (
                    f"{provider} {name}: `{keyword}` is not described"
                )
        assert "Sends a `" not in doc and "Arguments:" not in doc, f"{provider} {name}: Rust docs leaked"
        checked += 1
    assert checked >= 200, checked  # every operation, and the walks of the lists


def test_writes_say_how_they_are_retried() -> None:
    docs = {(provider, name): inspect.getdoc(method) or "" for provider, name, method in methods()}
    create = docs[("onepay", "cashouts.create")]
    assert "`POST /cashouts`" in create and "same idempotency key" in create
    assert "idempotency_key: " in create and "generated when omitted" in create
    # a write the provider does not deduplicate says so
    assert "Not retried once it may have reached the provider" in docs[("onepay", "accounts.validate")]
