"""Required-but-nullable request fields: ``None`` sends JSON ``null``, over real HTTP.

For every spec, every request-body field that is both required and nullable is found in the spec
itself, its operation is called through the public method that sends it (with the spec's request
example for the other fields), and the body that reaches a loopback server must hold ``null`` for
the field. A required field that is not nullable, given ``None``, is refused before sending.
"""

from __future__ import annotations

import inspect
import json
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Dict, Iterator, List, Tuple

import pytest
import yaml

import pspkit
from conftest import client, group_methods, loopback

SPECS = Path(__file__).resolve().parents[2] / "specs"
PROVIDERS = ["onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"]


def _resolve(doc: Dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = doc
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def required_nullable_fields(provider: str) -> List[Tuple[Dict[str, Any], str]]:
    """(operation, wire field) for every required, nullable field of a JSON request body."""
    doc = yaml.safe_load((SPECS / f"{provider}.yaml").read_text())
    found = []
    for item in doc["paths"].values():
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete") or "x-codegen-skip" in op:
                continue
            body = _resolve(doc, op.get("requestBody", {}))
            schema = _resolve(doc, body.get("content", {}).get("application/json", {}).get("schema", {}))
            for name, prop in schema.get("properties", {}).items():
                if name in schema.get("required", []) and (prop.get("nullable") or _resolve(doc, prop).get("nullable")):
                    found.append((op, name))
    return found


class _Capture(BaseHTTPRequestHandler):
    bodies: List[bytes] = []
    answer: bytes = b"{}"

    def _any(self) -> None:
        length = int(self.headers.get("content-length", "0"))
        _Capture.bodies.append(self.rfile.read(length))
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(_Capture.answer)))
        self.end_headers()
        self.wfile.write(_Capture.answer)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def capture() -> Iterator[str]:
    _Capture.bodies = []
    with loopback(_Capture) as url:
        yield url


def _public_method(provider_client: Any, rust_name: str) -> Any:
    """The public method whose body sends operation `rust_name` (read from the generated source)."""
    for _, method in group_methods(provider_client):
        if f'self._call("{rust_name}",' in inspect.getsource(method):
            return method
    raise AssertionError(f"no public method sends {rust_name}")


def _exact(value: Any) -> Any:
    """YAML reads `100.5` as a float, which pspkit refuses for money: keep its digits instead."""
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, list):
        return [_exact(v) for v in value]
    if isinstance(value, dict):
        return {k: _exact(v) for k, v in value.items()}
    return value


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name).lstrip("_")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_none_sends_null_for_every_required_nullable_field(provider: str, capture: str) -> None:
    fields = required_nullable_fields(provider)
    provider_client = client(provider, capture)
    for op, wire in fields:
        method = _public_method(provider_client, _snake(op["operationId"]))
        example = op["requestBody"]["content"]["application/json"].get("example", {})
        params = inspect.signature(method).parameters
        kwargs = {_snake(k): _exact(v) for k, v in example.items() if _snake(k) in params}
        kwargs[_snake(wire)] = None
        _Capture.bodies = []
        try:
            method(**kwargs)
        except pspkit.PspError:
            pass  # the canned answer need not decode: only the request matters here
        assert _Capture.bodies, f"{op['operationId']}: nothing was sent"
        sent = json.loads(_Capture.bodies[-1])
        assert wire in sent and sent[wire] is None, f"{op['operationId']}.{wire}: sent {sent.get(wire, '<absent>')!r}"
    if provider == "firstpay":
        assert {w for _, w in fields} == {"paymentMethodId", "amount", "clientFieldsValues"}


def test_none_for_a_required_field_that_is_not_nullable_is_refused_before_sending(capture: str) -> None:
    firstpay = client("firstpay", capture)
    with pytest.raises(pspkit.ValidationError, match="client_fields_values.*required"):
        firstpay.payments.create_pay_in(
            account_id=7, amount="100.5", client_fields_values=None, payment_method_id="pm_1"  # type: ignore[arg-type]
        )
    assert _Capture.bodies == []
