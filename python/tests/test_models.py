"""Response objects: attributes, ==, repr without secrets, to_dict, exact money, open enums."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler
from typing import Any, Dict, List

import pytest

import pspkit

from conftest import client, loopback


def test_attributes_equality_and_to_dict(clients: Dict[str, Any]) -> None:
    client = clients["onepay"]
    first = client.cashouts.list(limit=1).data[0]
    again = client.cashouts.get(id=first.id)
    assert first == again and first is not again
    plain = first.to_dict()
    assert plain["id"] == first.id and isinstance(plain["amount"], Decimal)
    assert isinstance(plain["created_at"], datetime)
    assert repr(first).startswith("Cashout(") and first.id in repr(first)
    with pytest.raises(AttributeError):
        first.no_such_field  # noqa: B018
    with pytest.raises(AttributeError):
        first.amount = Decimal(1)


def test_unknown_enum_value_is_kept_as_its_string() -> None:
    from pspkit.onepay import Cashout, CashoutStatus

    known = Cashout.from_dict({"status": "processed"})
    unknown = Cashout.from_dict({"status": "brand_new_status"})
    assert known.status is CashoutStatus.PROCESSED and known.status == "processed"
    assert unknown.status == "brand_new_status" and not isinstance(unknown.status, CashoutStatus)


def test_money_is_exact_both_ways() -> None:
    from pspkit.onepay import Cashout

    cashout = Cashout(amount=Decimal("0.10"), currency="COP")
    assert cashout.to_json()["amount"] == "0.10"
    assert cashout.amount == Decimal("0.10")
    with pytest.raises(pspkit.ValidationError) as raised:  # a float's binary expansion is no amount
        Cashout.from_dict({"amount": 12345678901234567890.12}).amount
    assert raised.value.field == "amount"


def test_repr_masks_secrets() -> None:
    from pspkit.onchainpay import ApiKey

    fields = ApiKey._fields
    secret_field = next(name for name in fields if "secret" in name or "private" in name)
    key = ApiKey.from_dict({fields[secret_field][0]: "very-secret-value", "id": "k1"})
    assert "very-secret-value" not in repr(key)
    assert "'***'" in repr(key)


def test_repr_masks_a_webhook_token() -> None:
    from pspkit.onepay import Webhook

    hook = Webhook.from_dict({"id": "wh-1", "header": "wh_hdr_0123456789"})
    assert "wh_hdr_0123456789" not in repr(hook) and "header='***'" in repr(hook), repr(hook)
    assert hook.header == "wh_hdr_0123456789", "the value itself is kept"
    assert "wh-1" in repr(hook), "the other fields are shown"


def test_repr_masks_card_data_the_spec_marks_sensitive(clients: Dict[str, Any]) -> None:
    """FireKassa's `account` holds the card number a payout went to: not a secret by its name,
    but marked `x-sensitive` in the spec, so a transaction's repr masks it (as `card_number`)."""
    transactions = clients["firekassa"].transactions.list().items
    with_account = [t for t in transactions if t.account]
    assert with_account, "the sandbox's transactions carry an account"
    for transaction in with_account:
        shown = repr(transaction)
        assert "account='***'" in shown and repr(transaction.account) not in shown, shown
        assert transaction.id in shown, "the other fields are shown"


def test_repr_masks_secret_keys_inside_open_objects_and_never_raises() -> None:
    from pspkit.onchainpay import WebhookDelivery
    from pspkit.onepay import Cashout

    delivery = WebhookDelivery.from_dict(
        {"requestHeaders": {"x-api-signature": "SIG-0123", "Authorization": "Bearer TOK-0123", "x-trace": "t-1"}}
    )
    shown = repr(delivery)
    assert "SIG-0123" not in shown and "TOK-0123" not in shown, shown
    assert "t-1" in shown, "the other headers are shown"
    assert delivery.request_headers["Authorization"] == "Bearer TOK-0123", "the value itself is kept"


def test_a_model_from_a_dict_is_read_only_whatever_happens_to_the_dict() -> None:
    from pspkit.onchainpay import WebhookDelivery

    source: Dict[str, Any] = {"requestHeaders": {"x-trace": "t-1"}}
    delivery = WebhookDelivery.from_dict(source)
    source["requestHeaders"]["x-trace"] = "changed"  # the caller's dict, changed afterwards
    read = delivery.request_headers
    assert read == {"x-trace": "t-1"}
    read["x-trace"] = "changed too"  # what a read handed out, changed
    assert delivery.request_headers == {"x-trace": "t-1"}


def test_requests_accept_models_and_plain_dicts(clients: Dict[str, Any]) -> None:
    from pspkit.firstpay import ClientFieldValue

    client = clients["firstpay"]
    for fields in ([ClientFieldValue(key="phone", value="+880170000000")], [{"key": "phone", "value": "+880170000000"}]):
        payment = client.payments.create_pay_out(
            account_id=7, amount="10.25", payment_method_id="pm_bkash", client_fields_values=fields
        )
        assert payment.id is not None


def test_naive_datetimes_are_refused(clients: Dict[str, Any]) -> None:
    import pspkit

    payments = clients["onepay"].payments
    with pytest.raises(pspkit.ValidationError, match="timezone") as raised:
        payments.create(amount=1000, expiration_date=datetime(2026, 1, 1))
    assert raised.value.field == "expiration_date"
    made = payments.create(amount=1000, expiration_date=datetime(2026, 1, 1, tzinfo=timezone.utc))
    assert made.id is not None


def test_pickle_and_copy_round_trip(clients: Dict[str, Any]) -> None:
    import copy
    import pickle

    page = clients["onepay"].cashouts.list(limit=2)
    cashout = page.data[0]
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        restored = pickle.loads(pickle.dumps(cashout, protocol=protocol))
        assert restored == cashout and type(restored) is type(cashout)
        assert restored.amount == cashout.amount and restored.created_at == cashout.created_at
    # a page object with nested models survives too
    assert pickle.loads(pickle.dumps(page)) == page
    shallow, deep = copy.copy(cashout), copy.deepcopy(page)
    assert shallow == cashout and shallow is not cashout
    assert deep == page and deep.data[0] is not page.data[0]
    with pytest.raises(AttributeError):
        deep.data[0].amount = Decimal(1)


def test_to_dict_and_to_json_are_fresh(clients: Dict[str, Any]) -> None:
    page = clients["onepay"].cashouts.list(limit=1)
    cashout = page.data[0]
    before = cashout.to_dict()
    taken = cashout.to_dict()
    taken["amount"] = Decimal("-1")
    wire = page.to_json()
    wire["data"][0]["amount"] = "-1"
    wire["data"].clear()
    assert cashout.to_dict() == before and page.data[0] == cashout
    assert page.to_json()["data"][0]["id"] == cashout.id


def test_a_response_field_is_converted_once_and_kept(clients: Dict[str, Any]) -> None:
    """Responses come from Rust as records: each field is converted on its first read and the
    same object is returned after; nested objects, lists, money, times and enums are typed."""
    from pspkit.onepay import CashoutList, CashoutStatus

    page = clients["onepay"].cashouts.list(limit=3)
    assert isinstance(page, CashoutList) and len(page.data) == 3
    cashout = page.data[0]
    assert cashout.amount is cashout.amount and cashout.created_at is cashout.created_at
    assert type(cashout.amount) is Decimal and cashout.created_at.tzinfo is not None
    assert isinstance(cashout.status, CashoutStatus)
    # an item of the list is the same object on every read of the list (a fresh list each time,
    # so changing one leaves the page as it was)
    assert page.data[0] is cashout and page.data[1] != cashout
    taken = page.data
    taken.clear()
    assert len(page.data) == 3
    assert page.to_json()["data"][0]["id"] == cashout.id
    # a copy built from the JSON form reads the same values
    rebuilt = CashoutList.from_dict(page.to_json())
    assert rebuilt == page and rebuilt.data[0].amount == cashout.amount
    assert rebuilt.data[0].created_at == cashout.created_at and rebuilt.data[0].status is cashout.status


def test_decoded_objects_are_freed_by_reference_counting_alone(clients: Dict[str, Any]) -> None:
    """A decoded object holds no reference cycle, so the cycle collector does not track it:
    dropping a page frees its objects and the values their reads made, with the collector off."""
    import gc
    import tracemalloc

    onepay = clients["onepay"]

    def read_a_page() -> None:
        page = onepay.cashouts.list(limit=20)
        for item in page.data:
            assert not gc.is_tracked(item)
            item.id, item.amount, item.created_at, item.status, item.account_id

    read_a_page()
    gc.disable()
    tracemalloc.start()
    try:
        read_a_page()
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(40):
            read_a_page()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        gc.enable()
    # 40 pages of 20 objects with 5 values read: kept, they would be well over 200 KB
    assert grown < 48 * 1024, grown


def test_arguments_nested_too_deep_are_refused_before_sending(clients: Dict[str, Any], sandbox: Any) -> None:
    """Keyword arguments reach Rust as Python objects (no JSON text): hostile nesting is refused
    with an error naming where, and nothing is sent."""
    import pspkit

    deep: Dict[str, Any] = {}
    inner = deep
    for _ in range(200):
        inner["next"] = {}
        inner = inner["next"]
    before = sandbox.requests("onepay", "createCharge")
    with pytest.raises(pspkit.PspError, match="nested more than 128 levels") as raised:
        clients["onepay"].charges.create(amount=1000, customer_id="cus_1", metadata=deep)
    assert "metadata" in str(raised.value)
    assert sandbox.requests("onepay", "createCharge") == before


def _records_match_their_classes(value: Any, seen: List[str]) -> None:
    """Every model object read from a response holds a record whose fields are in the order of
    its class's ``_fields`` (the record is asked by position)."""
    from pspkit._runtime import Model

    if isinstance(value, list):
        for item in value:
            _records_match_their_classes(item, seen)
    elif isinstance(value, Model):
        cls = type(value)
        assert value._wires() == [wire for wire, _ in cls._fields.values()], cls.__name__
        seen.append(cls.__name__)
        for name in cls._fields:
            _records_match_their_classes(getattr(value, name), seen)


def test_records_read_fields_in_their_classes_order(clients: Dict[str, Any]) -> None:
    seen: List[str] = []
    _records_match_their_classes(clients["onepay"].cashouts.list(limit=5), seen)
    _records_match_their_classes(list(clients["onchainpay"].orders.list_all(page_size=5, max_items=5)), seen)
    _records_match_their_classes(list(clients["firekassa"].transactions.list_all(page_size=5, max_items=5)), seen)
    _records_match_their_classes(
        list(clients["firstpay"].payments.list_all(created_at_from=0, created_at_to=4_102_444_800_000, max_items=5)),
        seen,
    )
    _records_match_their_classes(list(clients["onlyonepays"].operations.search_all(page_size=5, max_items=5)), seen)
    assert {"CashoutList", "Cashout"} <= set(seen) and len(set(seen)) >= 6, sorted(set(seen))


class _OneCashout(BaseHTTPRequestHandler):
    """Answers any GET with ``body``: one OnePay cashout, as a test shaped it."""

    body: bytes = b"{}"

    def do_GET(self) -> None:  # noqa: N802 (the handler's protocol)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(_OneCashout.body)))
        self.end_headers()
        self.wfile.write(_OneCashout.body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ("2026-03-01T10:20:30Z", datetime(2026, 3, 1, 10, 20, 30, tzinfo=timezone.utc)),
        ("2026-03-01T10:20:30.123456789+03:00", datetime(2026, 3, 1, 10, 20, 30, 123456, tzinfo=timezone(timedelta(hours=3)))),
        ("2026-03-01 10:20:30-05:30", datetime(2026, 3, 1, 10, 20, 30, tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
        ("2026-03-01T00:00:00-23:59", datetime(2026, 3, 1, tzinfo=timezone(-timedelta(hours=23, minutes=59)))),
        ("2026-03-01T00:00:00+00:00", datetime(2026, 3, 1, tzinfo=timezone.utc)),
        ("0001-01-01T00:00:00.5Z", datetime(1, 1, 1, 0, 0, 0, 500000, tzinfo=timezone.utc)),
        ("9999-12-31T23:59:60Z", datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=timezone.utc)),
        ("2026-03-01", datetime(2026, 3, 1, tzinfo=timezone.utc)),
    ],
)
def test_a_response_time_keeps_its_instant_and_offset(clients: Dict[str, Any], sent: str, read: datetime) -> None:
    """Times decoded in Rust reach Python as aware datetimes with the offset the provider wrote
    (fractions past microseconds cut, a leap second read as the end of the second before)."""
    cashout = clients["onepay"].cashouts.list(limit=1).data[0].to_json()
    _OneCashout.body = json.dumps({**cashout, "created_at": sent}).encode()
    with loopback(_OneCashout) as url:
        whole = client("onepay", url).cashouts.get(id=cashout["id"])
    got = whole.created_at
    assert got == read and got.utcoffset() == read.utcoffset()
    assert type(got) is datetime and (got.tzinfo is timezone.utc) == (read.tzinfo is timezone.utc)
    # a copy, a pickle and a model rebuilt from its JSON read the same instant (a leap second too)
    import copy
    import pickle

    assert copy.deepcopy(whole).created_at == read
    assert pickle.loads(pickle.dumps(whole)).created_at == read
    assert type(whole).from_dict(whole.to_json()).created_at == read


def test_a_response_time_python_cannot_hold_is_a_clear_error(clients: Dict[str, Any]) -> None:
    # refused where the answer is decoded, naming the field, not later when it is read
    cashout = clients["onepay"].cashouts.list(limit=1).data[0].to_json()
    _OneCashout.body = json.dumps({**cashout, "created_at": "0000-06-01T00:00:00Z"}).encode()
    with loopback(_OneCashout) as url:
        with pytest.raises(pspkit.DecodeError, match="at created_at: .*0000-06-01T00:00:00Z.*years 1 to 9999"):
            client("onepay", url).cashouts.get(id=cashout["id"])


def test_a_date_python_cannot_hold_is_refused_where_decoded_and_where_given(clients: Dict[str, Any]) -> None:
    onepay = clients["onepay"]
    customer = onepay.customers.list(limit=1).data[0].to_json()
    for sent in ("0000-01-01", "+12345-01-01"):
        _OneCashout.body = json.dumps({**customer, "birthdate": sent}).encode()
        with loopback(_OneCashout) as url:
            with pytest.raises(pspkit.DecodeError, match="birthdate"):
                client("onepay", url).customers.get(id=customer["id"])
    with pytest.raises(pspkit.ValidationError, match="birthdate") as refused:
        onepay.customers.create(
            first_name="A", last_name="B", email="a@example.com", phone="+573001234567", birthdate="0000-01-01",
            document_type="CC", document_number="1", enable_notifications=False, user_type="natural",
        )
    assert "years 1 to 9999" in str(refused.value)


@pytest.mark.parametrize("status", ["processed", "pending", "brand_new_status", ""])
def test_a_response_status_is_its_member_or_its_text(clients: Dict[str, Any], status: str) -> None:
    from pspkit.onepay import CashoutStatus

    cashout = clients["onepay"].cashouts.list(limit=1).data[0].to_json()
    _OneCashout.body = json.dumps({**cashout, "status": status}).encode()
    with loopback(_OneCashout) as url:
        got = client("onepay", url).cashouts.get(id=cashout["id"]).status
    if status in CashoutStatus._value2member_map_:
        assert got is CashoutStatus(status)
    else:
        assert got == status and type(got) is str


@pytest.mark.parametrize(
    "sent",
    [
        "0.05", "1.50", "-12.3400", "0", "-0.50", "79228162514264337593543950335", "0.0000000000000000000000000001",
        "1e-7", "12E+2",
        # whole amounts (made from an int on the way to Python), at and past the edges of an i64
        "1878800", "-5", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
    ],
)
def test_a_response_amount_is_the_exact_decimal_sent(clients: Dict[str, Any], sent: str) -> None:
    """Amounts decoded in Rust reach Python as the Decimal of the provider's own digits,
    trailing zeros (the scale) included."""
    cashout = clients["onepay"].cashouts.list(limit=1).data[0].to_json()
    _OneCashout.body = json.dumps({**cashout, "amount": "AMOUNT"}).replace('"AMOUNT"', sent).encode()
    with loopback(_OneCashout) as url:
        got = client("onepay", url).cashouts.get(id=cashout["id"]).amount
    expected = Decimal(sent)
    assert type(got) is Decimal and got == expected
    if "e" not in sent.lower():
        assert got.as_tuple() == expected.as_tuple()


def _objects_read_where_they_lie(value: Any, wire: Any, found: List[Any]) -> None:
    """Every model object inside a response reads the part of the response it lies at: its JSON
    form is that part of its root's, whatever its depth (an item of a page, an object nested in
    an item)."""
    from pspkit._runtime import Model

    if isinstance(value, list):
        # an optional list the provider left out reads as empty (it is not sent back either)
        wire = [] if wire is None else wire
        assert isinstance(wire, list) and len(wire) == len(value)
        for item, item_wire in zip(value, wire):
            _objects_read_where_they_lie(item, item_wire, found)
    elif isinstance(value, Model):
        assert value.to_json() == wire, type(value).__name__
        found.append(value)
        for name, (field_wire, _) in type(value)._fields.items():
            _objects_read_where_they_lie(getattr(value, name), wire.get(field_wire), found)


def test_nested_objects_are_read_in_place_and_outlive_their_response(clients: Dict[str, Any]) -> None:
    """The objects inside a response share its decoded value (no copy per item): each reads its
    own part of it, at any depth and index, and still does once the response object is gone."""
    import gc

    onepay = clients["onepay"]
    responses = [onepay.cashouts.list(limit=5), onepay.charges.list(), onepay.customers.list(), onepay.accounts.list()]
    found: List[Any] = []
    for response in responses:
        _objects_read_where_they_lie(response, response.to_json(), found)
    nested = [obj for obj in found if obj not in responses]
    assert len(nested) >= 10, len(nested)
    kept = [(obj, obj.to_json(), obj.to_dict()) for obj in nested]
    del responses, found
    gc.collect()
    for obj, wire, plain in kept:
        assert obj.to_json() == wire and obj.to_dict() == plain


def test_a_response_date_is_a_date_of_the_day_sent(clients: Dict[str, Any]) -> None:
    onepay = clients["onepay"]
    customer = onepay.customers.list(limit=1).data[0]
    made = onepay.customers.create_transaction(customer_id=customer.id, amount=1000, concept="a test")
    assert type(made.created_at) is date and made.created_at.isoformat() == made.to_json()["created_at"]


class _Charges(BaseHTTPRequestHandler):
    """Answers any request with ``reply`` (one OnePay charge); keeps the body of each POST."""

    protocol_version = "HTTP/1.1"
    reply: bytes = b"{}"
    received: List[bytes] = []

    def _answer(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(_Charges.reply)))
        self.end_headers()
        self.wfile.write(_Charges.reply)

    def do_GET(self) -> None:  # noqa: N802 (the handler's protocol)
        self._answer()

    def do_POST(self) -> None:  # noqa: N802
        _Charges.received.append(self.rfile.read(int(self.headers["content-length"])))
        self._answer()

    def log_message(self, *args: Any) -> None:
        pass


def test_numbers_in_fields_the_spec_leaves_open_keep_every_digit_both_ways() -> None:
    """A charge's ``metadata`` and ``remarks`` have no documented shape: their numbers reach Python
    as the provider wrote them (a 30-digit reference as ``int``, 22 significant digits and
    ``1e400`` as ``Decimal``), where reading them through binary floating point would round or
    fail; and a ``Decimal`` or a large ``int`` sent in ``metadata`` goes out with the same digits."""
    many = "7" * 5000  # more digits than Python reads into an int: a Decimal, not an error
    _Charges.reply = (
        '{"id": "ch_1", "status": "approved", "amount": 10, "metadata": {"reference": 123456789012345678901234567890,'
        f' "share": 0.1000000000000000000001, "cap": 1e400, "count": 3, "long": {many}}}, "remarks": [1.10, -0.0]}}'
    ).encode()
    _Charges.received = []
    with loopback(_Charges) as url:
        onepay = client("onepay", url)
        charge = onepay.charges.create(
            amount=Decimal("10"), customer_id="cu_1", card_id="card_1", idempotency_key="key-1",
            metadata={"fee": Decimal("0.1000000000000000000001"), "reference": 10**30, "rate": Decimal("1E-7")},
        )
        again = onepay.charges.get(id="ch_1")
    sent = _Charges.received[0].decode()
    assert '"fee":0.1000000000000000000001' in sent and f'"reference":{10**30}' in sent and '"rate":1e-7' in sent, sent

    for read in (charge, again):
        metadata = read.metadata
        assert metadata["reference"] == 123456789012345678901234567890 and type(metadata["reference"]) is int
        assert str(metadata["share"]) == "0.1000000000000000000001" and isinstance(metadata["share"], Decimal)
        assert metadata["cap"] == Decimal("1e400") and metadata["count"] == 3 and type(metadata["count"]) is int
        assert metadata["long"] == Decimal(many)
        assert [str(r) for r in read.remarks] == ["1.10", "-0.0"]
    # the plain forms, a model rebuilt from them, a pickle and a deep copy keep the digits too
    import copy
    import pickle

    assert str(charge.to_dict()["metadata"]["share"]) == "0.1000000000000000000001"
    assert type(charge).from_dict(charge.to_json()).metadata["reference"] == 123456789012345678901234567890
    for kept in (pickle.loads(pickle.dumps(charge)), copy.deepcopy(charge)):
        assert kept == charge and str(kept.metadata["share"]) == "0.1000000000000000000001"
        assert kept.metadata["long"] == Decimal(many) and kept.metadata["cap"] == Decimal("1e400")


def test_a_number_no_decimal_holds_in_an_open_field_is_a_clear_error_when_read() -> None:
    _Charges.reply = b'{"id": "ch_1", "status": "approved", "metadata": {"far": 1e9999999999999999999}, "remarks": [2]}'
    with loopback(_Charges) as url:
        charge = client("onepay", url).charges.get(id="ch_1")
    assert charge.id == "ch_1" and charge.remarks == [2]
    for read in (lambda: charge.metadata, charge.to_json, charge.to_dict):
        with pytest.raises(ValueError, match=r"the number 1e\+?9{19} is beyond what a Python Decimal holds"):
            read()
    # a repr is for logs and debuggers: it says the field is unreadable instead of raising
    shown = repr(charge)
    assert "id='ch_1'" in shown and "metadata=<unreadable: ValueError>" in shown, shown


def test_from_dict_refuses_a_value_its_field_cannot_hold_where_the_object_is_made() -> None:
    """A webhook's data (or any dict) is checked field by field when ``from_dict`` makes the
    object, nested objects and lists included: the error names the path, and no read of an object
    ``from_dict`` made can fail later. Fields the spec does not list are kept as given."""
    from pspkit.onepay import CashoutList, Charge

    for data, field, rule in [
        ({"id": 5}, "id", "must be a string, not int"),
        ({"id": "ch_1", "status": 3}, "status", "must be a string, not int"),
        ({"id": "ch_1", "amount": "1_000"}, "amount", "is not a decimal number"),
        ({"id": "ch_1", "amount": True}, "amount", "not bool"),
        ({"id": "ch_1", "created_at": "yesterday"}, "created_at", "isoformat"),
        ({"id": "ch_1", "created_at": 1700000000}, "created_at", "must be an RFC 3339 string, not int"),
        ({"id": "ch_1", "splits": "none"}, "splits", "must be a list, not str"),
        ({"id": "ch_1", "customer": {"id": 7}}, "customer.id", "must be a string, not int"),
    ]:
        with pytest.raises(pspkit.ValidationError) as raised:
            Charge.from_dict(data)
        assert raised.value.field == field and rule in raised.value.rule, raised.value
        assert str(raised.value).startswith(f"invalid Charge data: {field}: "), raised.value
    with pytest.raises(pspkit.ValidationError) as raised:
        CashoutList.from_dict({"data": [{"id": "c-1"}, {"id": "c-2", "amount": 0.1}]})
    assert raised.value.field == "data[1].amount" and "float" in raised.value.rule, raised.value
    with pytest.raises(pspkit.ValidationError, match="must be a dict, not list"):
        Charge.from_dict([("id", "ch_1")])  # type: ignore[arg-type]

    made = Charge.from_dict({"id": "ch_1", "status": "approved", "amount": "10.50", "brand_new": {"n": 1}})
    assert made.amount == Decimal("10.50") and made.to_json()["brand_new"] == {"n": 1}


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), Decimal("-sNaN"), 1.5])
def test_a_number_json_cannot_carry_exactly_is_refused_in_an_open_field(clients: Dict[str, Any], bad: Any) -> None:
    with pytest.raises(pspkit.ValidationError, match=r"metadata\.fee"):
        clients["onepay"].charges.create(amount=Decimal("10"), customer_id="cu_1", card_id="card_1", metadata={"fee": bad})


def test_an_identifier_sent_as_a_long_number_keeps_every_digit() -> None:
    """OnlyOnePays sends operation ids as numbers: one beyond 64 bits is read as its digits, where
    binary floating point would turn it into another operation's id; a fraction is no id."""
    _Charges.reply = b'{"items": [{"id": 123456789012345678901234567890, "status": "success"}, {"id": 7}]}'
    with loopback(_Charges) as url:
        onlyonepays = client("onlyonepays", url)
        page = onlyonepays.operations.get_by_ids(id=["123456789012345678901234567890", "7"])
        assert [item.id for item in page.items] == ["123456789012345678901234567890", "7"]
        _Charges.reply = b'{"items": [{"id": 12.5}]}'
        with pytest.raises(pspkit.DecodeError, match=r"items\[0\]\.id"):
            onlyonepays.operations.get_by_ids(id=["12.5"])
