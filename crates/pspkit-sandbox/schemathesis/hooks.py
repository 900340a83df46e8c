"""Schemathesis hooks for running the specs against the sandbox.

Two jobs, both taken from the specs' own extensions, so the checks judge what is on the wire:

- **signing** (`x-signing`): each request is signed as pspkit's clients sign it, after
  schemathesis has serialised it, so the signature covers the exact bytes sent (OnChainPay:
  nonce + HMAC-SHA256 of the body; FireKassa: HMAC-SHA512 `Signature` over path?query + body;
  FirstPay: `publicKey` + RSA-SHA256 `hash` in the body). Credentials come from the environment
  (`run.py` sets them from what the sandbox prints).
- **envelope** (`x-envelope`): OnChainPay's success schemas describe the payload, which travels
  as `{"success": true, "response": <payload>}`; a well-formed request the provider cannot
  satisfy (unknown id) is `success: false` under HTTP 200. Each 2xx schema becomes
  "the success envelope around it, or the spec's failure body", which is what the spec means.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import itertools
import json
import os
import time
from decimal import Decimal, InvalidOperation
from typing import Any

import requests.auth
import schemathesis
from schemathesis.core.parameters import ParameterLocation
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

PROVIDER = os.environ["PSPKIT_SANDBOX_PROVIDER"]


def _env(name: str) -> str:
    return os.environ[f"PSPKIT_SANDBOX_{name}"]


# --- x-envelope ---------------------------------------------------------------------------------


def _error_schema(raw: dict[str, Any]) -> dict[str, Any] | None:
    """The spec's failure body: the schema of its 4XX answers."""
    for item in raw.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            response = op.get("responses", {}).get("4XX")
            while isinstance(response, dict) and "$ref" in response:
                name = response["$ref"].rsplit("/", 1)[-1]
                response = raw["components"]["responses"][name]
            if isinstance(response, dict):
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema:
                    return schema
    return None


def _require_one_of(raw: dict[str, Any]) -> None:
    """`x-require-one-of` (groups of body fields of which one must be given) as the JSON Schema
    it stands for, so that generated bodies honour it and its violations count as invalid."""
    for item in raw.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict) or not op.get("x-require-one-of"):
                continue
            for media in op.get("requestBody", {}).get("content", {}).values():
                groups = [{"anyOf": [{"required": [f]} for f in group]} for group in op["x-require-one-of"]]
                media["schema"] = {"allOf": [media.get("schema", {}), *groups]}


@schemathesis.hook
def before_load_schema(context: Any, raw: dict[str, Any]) -> None:
    _require_one_of(raw)
    envelope = raw.get("x-envelope")
    if not envelope:
        return
    failure = _error_schema(raw)
    for item in raw.get("paths", {}).values():
        for op in item.values():
            if not isinstance(op, dict):
                continue
            for status, response in op.get("responses", {}).items():
                if not str(status).startswith("2") or "$ref" in response:
                    continue
                for media in response.get("content", {}).values():
                    payload = media.get("schema", {})
                    success = {
                        "type": "object",
                        "required": [envelope["success"]],
                        "properties": {envelope["success"]: {"enum": [True]}, envelope["data"]: payload},
                    }
                    media["schema"] = {"anyOf": [success, failure]} if failure else success
                    media.pop("example", None)
                    media.pop("examples", None)


# --- x-signing ----------------------------------------------------------------------------------


_nonces = itertools.count(int(time.time() * 1000) * 1000)


def _with_fields(body: bytes | None, first: dict[str, Any], last: dict[str, Any]) -> bytes | None:
    """`body` with fields added before and after its own, its own bytes kept as they are (the
    signature is over what is sent); None when the body is not a JSON object (the sandbox must
    refuse it, unsigned)."""
    try:
        text = (body or b"{}").decode("utf-8").strip()
        if not isinstance(json.loads(text), dict):
            return None
    except ValueError:  # not UTF-8, not JSON
        return None
    inner = text[1:-1].strip()
    parts = [json.dumps(first, separators=(",", ":"))[1:-1]] if first else []
    if inner:
        parts.append(inner)
    if last:
        parts.append(json.dumps(last, separators=(",", ":"))[1:-1])
    return ("{" + ",".join(parts) + "}").encode("utf-8")


def _object(body: bytes | None) -> dict[str, Any] | None:
    """The body as a JSON object, if it is one (absent counts as empty)."""
    try:
        value = json.loads((body or b"{}").decode("utf-8"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class _Raw(str):
    """A JSON number kept as its text (FirstPay's string to sign renders the number's digits)."""


def _js(value: Any) -> str:
    """`${value}` in JavaScript for a parsed JSON value (pspkit::signing::firstpay_string_to_sign)."""
    if isinstance(value, _Raw):
        try:
            return format(Decimal(value).normalize(), "f")
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        return value
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, list):
        return ",".join("" if v is None else _js(v) for v in value)
    return "[object Object]"


def _firstpay_string_to_sign(body: bytes) -> str:
    fields = json.loads(body, parse_float=_Raw, parse_int=_Raw)
    keys = sorted((k for k in fields if k != "hash"), key=lambda k: k.encode("utf-16-be"))
    return "|".join(f"{k}={_js(fields[k])}" for k in keys)


@functools.cache
def _firstpay_keys() -> tuple[Any, str]:
    """The merchant's signing key and FirstPay's public key (sent as `publicKey`)."""
    with open(_env("FIRSTPAY_MERCHANT_KEY"), "rb") as f:
        private = serialization.load_pem_private_key(f.read(), password=None)
    with open(_env("FIRSTPAY_PUBLIC_KEY"), encoding="utf-8") as f:
        return private, f.read()


class Sign(requests.auth.AuthBase):
    """Signs the prepared request as pspkit's client for PROVIDER would.

    What schemathesis left out on purpose stays out: a security header it did not generate (a
    "missing header" case) is not added, and a body it did not send is not made up (a "missing
    body" case), except for OnChainPay operations without a body, where the client sends one
    with only the nonce."""

    def __init__(self, headers: set[str], declares_body: bool, negative_body: bool) -> None:
        self.headers = headers
        self.declares_body = declares_body
        self.negative_body = negative_body

    def _header(self, r: requests.PreparedRequest, name: str, value: str) -> None:
        if name.lower() in self.headers:
            r.headers[name] = value

    def __call__(self, r: requests.PreparedRequest) -> requests.PreparedRequest:
        body = r.body.encode("utf-8") if isinstance(r.body, str) else r.body
        sent_body = body is not None or not self.declares_body
        if PROVIDER == "onepay":
            self._header(r, "Authorization", f"Bearer {_env('ONEPAY_KEY')}")
        elif PROVIDER == "onlyonepays":
            self._header(r, _env("ONLYONEPAYS_HEADER"), _env("ONLYONEPAYS_KEY"))
        elif PROVIDER == "firekassa":
            self._header(r, "Authorization", f"Bearer {_env('FIREKASSA_TOKEN')}")
            message = r.path_url.encode("utf-8") + (body or b"")
            signature = hmac.new(_env("FIREKASSA_SIGN_TOKEN").encode(), message, hashlib.sha512).hexdigest()
            self._header(r, "Signature", signature)
        elif PROVIDER == "onchainpay":
            # the specs declare `nonce`, so schemathesis draws one; a valid body gets a fresh one
            # instead (a drawn one repeats, and a replayed nonce is refused before anything is
            # validated); an invalid body is sent as drawn
            fields = _object(body) if sent_body else None
            if fields is not None and not self.negative_body:
                fields["nonce"] = next(_nonces)
                body = json.dumps(fields, separators=(",", ":")).encode("utf-8")
                self._set_body(r, body)
            self._header(r, "x-api-public-key", _env("ONCHAINPAY_PUBLIC"))
            secret = _env("ONCHAINPAY_SECRET").encode()
            self._header(r, "x-api-signature", hmac.new(secret, body or b"", hashlib.sha256).hexdigest())
        elif PROVIDER == "firstpay" and sent_body and not (r.headers.get("Content-Type") or "").startswith("multipart/"):
            with_key = _with_fields(body, {"publicKey": _firstpay_keys()[1]}, {})
            if with_key is not None:
                try:
                    message = _firstpay_string_to_sign(with_key).encode("utf-8")
                except (ValueError, RecursionError):
                    return r  # left unsigned: the sandbox refuses it, as it should
                signature = _firstpay_keys()[0].sign(message, padding.PKCS1v15(), hashes.SHA256())  # type: ignore[union-attr,call-arg]
                signed = _with_fields(with_key, {}, {"hash": base64.b64encode(signature).decode()})
                self._set_body(r, signed or with_key)
        return r

    @staticmethod
    def _set_body(r: requests.PreparedRequest, body: bytes) -> None:
        r.body = body
        r.headers["Content-Length"] = str(len(body))
        r.headers.setdefault("Content-Type", "application/json")


@schemathesis.auth()
class SandboxAuth:
    """The credentials are static; what changes per request is the signature (see Sign)."""

    def get(self, case: Any, context: Any) -> bool:
        return True

    def set(self, case: Any, data: bool, context: Any) -> None:
        headers = {name.lower() for name in (case.headers or {})}
        negative_body = case.meta is not None and case.meta.is_negative_at(ParameterLocation.BODY)
        case._auth = Sign(headers, declares_body=bool(list(case.operation.body)), negative_body=negative_body)
