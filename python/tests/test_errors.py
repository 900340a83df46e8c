"""Every exception class, raised by a real failure over loopback."""

from __future__ import annotations

import json
import socket
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any, Dict

import pytest

import pspkit
from conftest import loopback
from pspkit.testing import Sandbox


def _onepay(sandbox: Sandbox, **options: Any) -> Any:
    from pspkit.onepay import OnePay

    return OnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"), **options)


def test_every_error_is_a_psp_error() -> None:
    for name in pspkit.errors.__all__:
        assert issubclass(getattr(pspkit.errors, name), pspkit.PspError)
    assert issubclass(pspkit.RateLimitError, pspkit.ApiError)
    assert issubclass(pspkit.AuthenticationError, pspkit.ApiError)
    assert issubclass(pspkit.NotFoundError, pspkit.ApiError)
    assert issubclass(pspkit.TimeoutError, TimeoutError)
    assert issubclass(pspkit.ValidationError, ValueError)


def test_api_error_keeps_status_and_body(sandbox: Sandbox) -> None:
    sandbox.inject("500")
    with pytest.raises(pspkit.ApiError) as raised:
        _onepay(sandbox, max_retries=0).balances.get()
    error = raised.value
    assert type(error) is pspkit.ApiError
    assert error.status == 500 and error.provider == "onepay" and error.operation == "get_balance"
    assert error.body != "" and error.attempts == 1


def test_rate_limit_error(sandbox: Sandbox) -> None:
    sandbox.inject("429:1")
    with pytest.raises(pspkit.RateLimitError) as raised:
        _onepay(sandbox, max_retries=0).balances.get()
    assert raised.value.status == 429 and raised.value.retry_after == 1.0


def test_authentication_error_names_no_secret(sandbox: Sandbox) -> None:
    from pspkit.onepay import OnePay

    with pytest.raises(pspkit.AuthenticationError) as raised:
        OnePay("sk_test_wrong_secret", base_url=sandbox.base_url("onepay")).balances.get()
    assert raised.value.status == 401
    assert "sk_test_wrong_secret" not in str(raised.value) + repr(raised.value)


def test_not_found_error(sandbox: Sandbox) -> None:
    with pytest.raises(pspkit.NotFoundError) as raised:
        _onepay(sandbox).cashouts.get(id="no-such-cashout")
    assert raised.value.status == 404 and raised.value.code == "not_found"
    assert "no-such-cashout" in (raised.value.message or "")


def test_transport_error_on_a_closed_port() -> None:
    from pspkit.onepay import OnePay

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(pspkit.TransportError):
        OnePay("sk_test_sandbox", base_url=f"http://127.0.0.1:{port}", max_retries=1).balances.get()


def test_timeout_error(sandbox: Sandbox) -> None:
    sandbox.inject("delay:2000")
    with pytest.raises(pspkit.TimeoutError) as raised:
        _onepay(sandbox, max_retries=0, timeout=0.3).balances.get()
    assert raised.value.attempts == 1


def test_decode_error_keeps_the_raw_body(sandbox: Sandbox) -> None:
    sandbox.inject("truncate")
    with pytest.raises(pspkit.DecodeError) as raised:
        _onepay(sandbox, max_retries=0).balances.get()
    assert raised.value.body.startswith("{") and raised.value.status == 200


def test_validation_error_before_anything_is_sent(sandbox: Sandbox) -> None:
    client = _onepay(sandbox)
    sent = sandbox.requests("onepay", "createCashout")
    with pytest.raises(pspkit.ValidationError) as raised:
        client.cashouts.create(
            account_id="a", amount=10.5, currency="COP", customer_id="c", method="ACH"  # type: ignore[arg-type]
        )
    assert raised.value.field == "amount" and "float" in raised.value.rule
    with pytest.raises(pspkit.ValidationError) as raised:
        client.cashouts.list(limit=0)
    assert raised.value.field == "limit"
    assert sandbox.requests("onepay", "createCashout") == sent


@pytest.mark.parametrize("value", ["", ".", "..", "..\\invoices\\INV-1"])
def test_a_path_parameter_that_would_change_the_route_is_refused_before_sending(
    clients: Dict[str, Any], sandbox: Sandbox, value: str
) -> None:
    # `..` or `\` in an id would send the cancel to another resource (URLs resolve `..` and read
    # `\` as `/`), and a download the same
    firekassa = clients["firekassa"]
    sent = sandbox.inspect()["requests_total"]
    for call in (firekassa.transactions.cancel, firekassa.transactions.download_receipt):
        with pytest.raises(pspkit.ValidationError) as raised:
            call(id=value)
        assert raised.value.field == "id", raised.value
    assert sandbox.inspect()["requests_total"] == sent


def test_an_idempotency_key_that_cannot_be_sent_as_given_is_refused(sandbox: Sandbox) -> None:
    # replaced by a fresh one, the key would not match the caller's earlier attempt at the same
    # cashout, and the provider would make it twice
    client = _onepay(sandbox)
    sent = sandbox.requests("onepay", "createCashout")
    for key in ["pedido-ñ-42", ""]:
        with pytest.raises(pspkit.ValidationError) as raised:
            client.cashouts.create(
                account_id="a", amount=Decimal(10), currency="COP", customer_id="c", method="ACH", idempotency_key=key
            )
        assert raised.value.field == "idempotency_key", raised.value
    assert sandbox.requests("onepay", "createCashout") == sent


def test_a_float_amount_given_through_from_dict_never_reaches_the_wire(sandbox: Sandbox) -> None:
    from pspkit.onepay import SplitRequest

    client = _onepay(sandbox)
    sent = sandbox.inspect()["requests_total"]
    with pytest.raises(pspkit.ValidationError) as raised:
        client.charges.create(
            amount=Decimal(1000), customer_id="cus-1", splits=[{"split_value": 0.1 + 0.2, "split_type": "AMOUNT"}]
        )
    assert "split_value" in raised.value.field and "float" in raised.value.rule, raised.value
    assert sandbox.inspect()["requests_total"] == sent
    # from_dict refuses it where the object is made, naming the field, and so the amounts no
    # number is: NaN, Infinity
    for bad in [0.1 + 0.2, "NaN", "Infinity", "1_000", "abc"]:
        with pytest.raises(pspkit.ValidationError) as raised:
            SplitRequest.from_dict({"split_value": bad, "split_type": "AMOUNT"})
        assert raised.value.field == "split_value", raised.value
    assert SplitRequest.from_dict({"split_value": "10.50"}).split_value == Decimal("10.50")


def test_outcome_unknown_for_an_unsafe_write_that_may_have_arrived(clients: Dict[str, Any], sandbox: Sandbox) -> None:
    before = sandbox.requests("onchainpay", "createOrder")
    sandbox.inject("reset")
    with pytest.raises(pspkit.OutcomeUnknownError) as raised:
        clients["onchainpay"].orders.create(currency="USDT", network="tron", amount=Decimal("5"), order="py-unknown")
    assert raised.value.idempotency_key is None
    # sent once, never retried: OnChainPay does not deduplicate orders
    assert sandbox.requests("onchainpay", "createOrder") == before + 1


def test_configuration_error_names_the_missing_credential(monkeypatch: pytest.MonkeyPatch) -> None:
    from pspkit.onepay import OnePay

    monkeypatch.delenv("PSPKIT_ONEPAY_SECRET_KEY", raising=False)
    with pytest.raises(pspkit.ConfigurationError, match="PSPKIT_ONEPAY_SECRET_KEY"):
        OnePay()


def test_credentials_from_the_environment(monkeypatch: pytest.MonkeyPatch, sandbox: Sandbox) -> None:
    from pspkit.onepay import OnePay

    monkeypatch.setenv("PSPKIT_ONEPAY_SECRET_KEY", "sk_test_sandbox")
    monkeypatch.setenv("PSPKIT_ONEPAY_BASE_URL", sandbox.base_url("onepay"))
    client = OnePay()
    assert client.base_url == sandbox.base_url("onepay")
    assert client.balances.get().balance is not None


@pytest.mark.parametrize("name", ["timeout", "deadline"])
@pytest.mark.parametrize("value", [1e300, float("inf"), float("nan"), -1.0, 0.0])
def test_hostile_client_options_are_refused_with_the_option_named(name: str, value: float) -> None:
    from pspkit.onepay import OnePay

    with pytest.raises(ValueError, match=name):
        OnePay("sk_test", base_url="http://127.0.0.1:9", **{name: value})


@pytest.mark.parametrize("value", [-1, -(2**40), 2**32 - 1, 2**40])
def test_retry_counts_out_of_range_are_validation_errors_naming_them(value: int) -> None:
    from pspkit.onepay import OnePay

    with pytest.raises(pspkit.ValidationError, match="max_retries") as refused:
        OnePay("sk_test", base_url="http://127.0.0.1:9", max_retries=value)
    assert refused.value.field == "max_retries"
    client = OnePay("sk_test", base_url="http://127.0.0.1:9")
    with pytest.raises(pspkit.ValidationError, match="max_retries"):
        client.with_options(max_retries=value)


def test_an_amount_past_the_specs_digits_is_refused_before_sending(sandbox: Sandbox) -> None:
    from decimal import Decimal

    client = sandbox.client("firekassa")
    before = sandbox.requests("firekassa", "createInvoice")
    for amount in (Decimal("100.0000000000000"), "0.1234567890123", Decimal("12345678901234567")):
        with pytest.raises(pspkit.ValidationError, match="decimal point") as refused:
            client.invoices.create(amount=amount, order_id="o-digits")
        assert refused.value.field is not None and "amount" in refused.value.field
    assert sandbox.requests("firekassa", "createInvoice") == before, "nothing was sent"


def test_an_amount_nested_in_a_body_past_the_specs_digits_is_refused_naming_its_path(sandbox: Sandbox) -> None:
    from decimal import Decimal

    client = sandbox.client("onepay")
    before = sandbox.requests("onepay", "createCharge")
    splits = [
        {"account_id": "ac-1", "split_value": 10},
        {"account_id": "ac-2", "split_value": Decimal("0.1234567890123")},
    ]
    with pytest.raises(pspkit.ValidationError, match="after the decimal point") as refused:
        client.charges.create(amount=1000, customer_id="cu-1", account_id="ac-0", splits=splits)
    assert refused.value.field == "body.splits[1].split_value"
    assert sandbox.requests("onepay", "createCharge") == before, "nothing was sent"


class _EchoesTheCard(BaseHTTPRequestHandler):
    """A provider that repeats the card number it was sent in its error, as some do."""

    body = json.dumps({
        "message": "La tarjeta 4111 1111 1111 1111 fue rechazada",
        "errors": [{"key": "card_number", "description": "4111111111111112 no es válida"}],
    }).encode()

    def do_GET(self) -> None:
        self.send_response(422)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_a_card_number_the_provider_echoes_is_masked_in_str_and_repr() -> None:
    from pspkit.onepay import OnePay

    with loopback(_EchoesTheCard) as url:
        with pytest.raises(pspkit.ApiError) as raised:
            OnePay("sk_test_card", base_url=url, max_retries=0).balances.get()
    error = raised.value
    shown = f"{error}\n{error!r}"
    assert "4111 1111 1111 1111" not in shown and "4111111111111112" not in shown, shown
    assert "La tarjeta [card number ending 1111] fue rechazada" in shown, shown
    assert "card_number: [card number ending 1112] no es válida" in shown, shown
    # the attributes keep what the provider sent
    assert error.message == "La tarjeta 4111 1111 1111 1111 fue rechazada"
    assert error.field_errors == [("card_number", "4111111111111112 no es válida")]
    assert "4111 1111 1111 1111" in error.body
