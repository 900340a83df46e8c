"""Webhook verification per provider: a real delivery from the sandbox, tampering, wrong keys."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Dict

import pytest

import pspkit
from pspkit import webhooks
from pspkit.testing import Sandbox


SAMPLE_TIME = 1767225600.0


def test_onepay_sign_verify_and_tamper() -> None:
    body = b'{"event":{"type":"cashout.processed","timestamp":1767225600},"cashout":{"id":"c1","amount":1500}}'
    signature = webhooks.onepay.sign(body, "wh_secret")
    event = webhooks.onepay.verify(body, {"X-Signature": signature}, "wh_secret", now=SAMPLE_TIME + 10)
    assert event.type == "cashout.processed" and event.data["id"] == "c1"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body.replace(b"1500", b"9500"), {"x-signature": signature}, "wh_secret", now=SAMPLE_TIME)
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body, {"x-signature": signature}, "another_secret", now=SAMPLE_TIME)
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onepay.verify(body, {}, "wh_secret", now=SAMPLE_TIME)


def test_an_empty_secret_verifies_nothing() -> None:
    # an unset environment variable: a webhook forged with an empty key must not pass
    body = b'{"event":{"type":"cashout.processed","timestamp":1767225600},"cashout":{"id":"c1","amount":1500}}'
    with pytest.raises(pspkit.WebhookVerificationError, match="empty"):
        webhooks.onepay.verify(body, {"x-signature": webhooks.onepay.sign(body, "")}, "", now=SAMPLE_TIME)
    with pytest.raises(pspkit.WebhookVerificationError, match="empty"):
        webhooks.onchainpay.verify(body, {"x-api-signature": webhooks.onchainpay.sign(body, "")}, "")


def test_onepay_replays_are_refused_outside_the_tolerance() -> None:
    body = b'{"event":{"type":"cashout.processed","timestamp":1767225600},"cashout":{"id":"c1","amount":1500}}'
    headers = {"x-signature": webhooks.onepay.sign(body, "wh_secret")}
    assert webhooks.onepay.verify(body, headers, "wh_secret", now=SAMPLE_TIME + 299).type == "cashout.processed"
    with pytest.raises(pspkit.WebhookVerificationError, match="outside the 300 s tolerance"):
        webhooks.onepay.verify(body, headers, "wh_secret", now=SAMPLE_TIME + 301)
    with pytest.raises(pspkit.WebhookVerificationError, match="tolerance"):
        webhooks.onepay.verify(body, headers, "wh_secret")  # today's clock: a replay
    assert webhooks.onepay.verify(body, headers, "wh_secret", now=SAMPLE_TIME + 3000, tolerance=3600).data["id"] == "c1"
    assert webhooks.onepay.verify(body, headers, "wh_secret", tolerance=None).data["id"] == "c1"
    untimed = b'{"event":"payment.approved","data":{"id":"p1"}}'
    untimed_headers = {"x-signature": webhooks.onepay.sign(untimed, "wh_secret")}
    with pytest.raises(pspkit.WebhookVerificationError, match="no event timestamp"):
        webhooks.onepay.verify(untimed, untimed_headers, "wh_secret")
    assert webhooks.onepay.verify(untimed, untimed_headers, "wh_secret", tolerance=None).data == {"id": "p1"}
    for bad in (-1.0, float("nan"), float("inf")):
        with pytest.raises(ValueError, match="tolerance"):
            webhooks.onepay.verify(body, headers, "wh_secret", tolerance=bad)


def test_bodies_over_the_cap_are_refused(keys: Dict[str, str]) -> None:
    big = b" " * ((1 << 20) + 1)
    with pytest.raises(pspkit.WebhookVerificationError, match="over the 1048576-byte limit"):
        webhooks.onepay.verify(big, {"x-signature": "00"}, "s")
    with pytest.raises(pspkit.WebhookVerificationError, match="limit"):
        webhooks.onchainpay.verify(big, {"x-api-signature": "00"}, "s")
    with pytest.raises(pspkit.WebhookVerificationError, match="limit"):
        webhooks.firstpay.verify(big, keys["firstpay-public"])
    body = b'{"id":"o1","status":"processed"}'
    headers = {"x-api-signature": webhooks.onchainpay.sign(body, "s")}
    with pytest.raises(pspkit.WebhookVerificationError, match="over the 8-byte limit"):
        webhooks.onchainpay.verify(body, headers, "s", max_body_bytes=8)
    assert webhooks.onchainpay.verify(body, headers, "s").type == "processed"


def test_firstpay_returns_only_what_its_signature_covers(keys: Dict[str, str]) -> None:
    body = json.dumps(
        {"id": 77, "status": "SUCCESS", "amount": 100.5, "publicKey": keys["firstpay-public"],
         "payments": [{"id": 1, "amount": 5}], "note": "a|status=FAILED"}
    ).encode()
    signed = webhooks.firstpay.sign(body, keys["firstpay-private"])
    event = webhooks.firstpay.verify(signed, keys["firstpay-public"])
    assert sorted(event.unverified_fields) == ["note", "payments"]
    assert "payments" not in event.data and "note" not in event.data and "hash" not in event.data
    assert event.data["amount"] == Decimal("100.5")
    # what the signature cannot see can be swapped, and is not handed out
    swapped = webhooks.firstpay.verify(signed.replace(b'"amount": 5', b'"amount": 500'), keys["firstpay-public"])
    assert "payments" not in swapped.data


def test_onchainpay_sign_and_verify() -> None:
    body = b'{"id":"o1","status":"processed","amount":"25.50"}'
    signature = webhooks.onchainpay.sign(body, "secret")
    event = webhooks.onchainpay.verify(body, {"x-api-signature": signature, "x-api-public-key": "pub"}, "secret")
    assert event.type == "processed" and event.details["public_key"] == "pub"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.onchainpay.verify(body, {"x-api-signature": "00" * 32}, "secret")


def test_a_signed_body_python_cannot_read_is_a_verification_error() -> None:
    # valid JSON, correctly signed, with an integer Python refuses to convert (over 4,300 digits)
    body = b'{"id":"o1","status":"processed","amount":' + b"9" * 5000 + b"}"
    signature = webhooks.onchainpay.sign(body, "secret")
    with pytest.raises(pspkit.WebhookVerificationError, match="cannot be read"):
        webhooks.onchainpay.verify(body, {"x-api-signature": signature, "x-api-public-key": "pub"}, "secret")
    # a long but ordinary amount is read exactly
    body = b'{"id":"o1","status":"processed","amount":123456789012345678901234567890.01}'
    signature = webhooks.onchainpay.sign(body, "secret")
    event = webhooks.onchainpay.verify(body, {"x-api-signature": signature, "x-api-public-key": "pub"}, "secret")
    assert event.data["amount"] == Decimal("123456789012345678901234567890.01")


def test_firstpay_rsa_postback(keys: Dict[str, str]) -> None:
    body = json.dumps({"id": 77, "status": "SUCCESS", "amount": 100.5, "publicKey": keys["firstpay-public"]}).encode()
    signed = webhooks.firstpay.sign(body, keys["firstpay-private"])
    event = webhooks.firstpay.verify(signed, keys["firstpay-public"])
    assert event.type == "SUCCESS" and event.id == "77"
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.firstpay.verify(signed.replace(b"100.5", b"900.5"), keys["firstpay-public"])
    with pytest.raises(pspkit.WebhookVerificationError):
        webhooks.firstpay.verify(signed, keys["merchant-public"])


def test_a_webhook_delivered_by_the_sandbox_verifies() -> None:
    from pspkit.onepay import Cashout

    # a sandbox of its own: advancing the session's would move every other test's objects too
    with Sandbox(size=50) as sandbox:
        client = sandbox.client("onepay")
        made = client.cashouts.create(
            account_id="acc-1", amount=1000, currency="COP", customer_id="cus-1", method="ACH"
        )
        sandbox.advance()
        onepay = sandbox.webhooks("onepay")
        assert onepay, f"no OnePay webhook arrived: {sandbox.webhooks()}"
        headers, body = onepay[-1].headers, onepay[-1].body
        event = webhooks.onepay.verify(body, headers, "wh_tok_sandbox")
        assert event.type is not None and event.type.startswith("cashout.")
        assert Cashout.from_dict(event.data).id == made.id
        with pytest.raises(pspkit.WebhookVerificationError):
            webhooks.onepay.verify(body + b" ", headers, "wrong")
