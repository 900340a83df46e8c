"""Webhook verification per provider: a real delivery from the sandbox, tampering, wrong keys."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Dict, Iterator, List, Tuple

import pytest

import pspkit
from pspkit import webhooks
from conftest import start_sandbox


def test_onepay_sign_verify_and_tamper() -> None:
    body = b'{"event":{"type":"cashout.processed","timestamp":1767225600},"cashout":{"id":"c1","amount":1500}}'
    signature = webhooks.onepay.sign(body, "wh_secret")
    event = webhooks.onepay.verify(body, {"X-Signature": signature}, "wh_secret")
    assert event.type == "cashout.processed" and event.data["id"] == "c1"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body.replace(b"1500", b"9500"), {"x-signature": signature}, "wh_secret")
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body, {"x-signature": signature}, "another_secret")
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body, {}, "wh_secret")


def test_onchainpay_sign_and_verify() -> None:
    body = b'{"id":"o1","status":"processed","amount":"25.50"}'
    signature = webhooks.onchainpay.sign(body, "secret")
    event = webhooks.onchainpay.verify(body, {"x-api-signature": signature, "x-api-public-key": "pub"}, "secret")
    assert event.type == "processed" and event.details["public_key"] == "pub"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onchainpay.verify(body, {"x-api-signature": "00" * 32}, "secret")


def test_firstpay_rsa_postback(keys: Dict[str, str]) -> None:
    body = json.dumps({"id": 77, "status": "SUCCESS", "amount": 100.5, "publicKey": keys["firstpay-public"]}).encode()
    signed = webhooks.firstpay.sign(body, keys["firstpay-private"])
    event = webhooks.firstpay.verify(signed, keys["firstpay-public"])
    assert event.type == "SUCCESS" and event.id == "77"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.firstpay.verify(signed.replace(b"100.5", b"900.5"), keys["firstpay-public"])
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.firstpay.verify(signed, keys["merchant-public"])


class _Inbox(BaseHTTPRequestHandler):
    received: List[Tuple[str, Dict[str, str], bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        _Inbox.received.append((self.path, dict(self.headers.items()), body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture()
def inbox() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Inbox)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()


def test_a_webhook_delivered_by_the_sandbox_verifies(inbox: str) -> None:
    from pspkit.onepay import Cashout, OnePay

    for sandbox in start_sandbox("--webhook-url", inbox):
        client = OnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
        made = client.cashouts.create(
            account_id="acc-1", amount=1000, currency="COP", customer_id="cus-1", method="ACH"
        )
        sandbox.advance()
        onepay = [r for r in _Inbox.received if r[0].endswith("onepay")]
        assert onepay, f"no OnePay webhook arrived: {[r[0] for r in _Inbox.received]}"
        _, headers, body = onepay[-1]
        event = webhooks.onepay.verify(body, headers, "wh_tok_sandbox")
        assert event.type is not None and event.type.startswith("cashout.")
        assert Cashout.from_dict(event.data).id == made.id
        with pytest.raises(pspkit.WebhookVerificationError):
            webhooks.onepay.verify(body + b" ", headers, "wrong")
