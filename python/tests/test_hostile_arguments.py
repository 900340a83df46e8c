"""Hostile keyword arguments for every method of every provider's client, against a sandbox in
this process: wrong types, overflowing and non-finite numbers, huge and invalid strings, deep and
odd containers, naive times, and objects whose ``__str__`` raises. Each call returns, or is
refused with a ``ValidationError`` naming the argument (nothing sent), or gets the sandbox's own
answer as an ``ApiError``, or raises Python's own ``TypeError`` for a missing required keyword, or
the exception the caller's own object raised. Nothing else: not a transport error, an unknown
outcome or a configuration error for the caller's mistake, and not a Rust panic (pyo3's
``PanicException``, a ``BaseException``)."""

from __future__ import annotations

import datetime
import inspect
import itertools
import random
from decimal import Decimal
from typing import Any, Callable, Dict, List

import pspkit
from pspkit.testing import Sandbox

from conftest import group_methods

PROVIDERS = ("onepay", "firekassa", "firstpay", "onlyonepays", "onchainpay")
DRAWS_PER_METHOD = 4


class Raises:
    """An argument whose conversions fail: the caller's own error must come back unchanged."""

    def __str__(self) -> str:
        raise LookupError("the caller's own object failed")

    __repr__ = __str__

    def __index__(self) -> int:
        raise LookupError("the caller's own object failed")

    def __float__(self) -> float:
        raise LookupError("the caller's own object failed")


HOSTILE: List[Any] = [
    None, 0, -1, 2**64, -(2**63) - 1, 10**400, 1.5, float("nan"), float("inf"), -0.0,
    Decimal("NaN"), Decimal("sNaN"), Decimal("1e999999"), Decimal("-0"), Decimal("0.1"),
    "", " ", "x" * 100_000, "a\x00b", "\ud800", "💸", "1,5", "1e3", "../../etc/passwd",
    b"bytes", bytearray(b"x"), [], [None], [[[]]], {}, {"a": float("nan")}, {1: 2}, (1, 2), {1, 2},
    {"a": {"b": {"c": [1, {"d": None}]}}}, {"k": "\ud800"}, {"k": "x" * 100_000},
    datetime.datetime(2026, 1, 1), datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc),
    datetime.date(2026, 1, 1), True, False, object(), Raises(), type, print, 1j,
]
PLAUSIBLE: List[Any] = ["abc", 1, "10.00", True]


def arguments(rng: random.Random, method: Callable[..., Any]) -> Dict[str, Any]:
    chosen: Dict[str, Any] = {}
    for param in inspect.signature(method).parameters.values():
        required = param.default is inspect.Parameter.empty
        if param.kind is not param.KEYWORD_ONLY or (not required and rng.random() < 0.5):
            continue
        chosen[param.name] = rng.choice(HOSTILE if rng.random() < 0.6 else PLAUSIBLE)
    return chosen


def test_hostile_keyword_arguments_end_in_a_result_or_a_named_error() -> None:
    rng = random.Random(20261130)
    outcomes: Dict[str, int] = {}
    broken: List[str] = []
    with Sandbox(size=30, seed=11) as sandbox:
        for provider in PROVIDERS:
            client = sandbox.client(provider, max_retries=0, timeout=10)
            for name, method in group_methods(client):
                for _ in range(DRAWS_PER_METHOD):
                    kwargs = arguments(rng, method)
                    try:
                        result = method(**kwargs)
                        if name.endswith(("_all", "_pages")):
                            list(itertools.islice(result, 2))
                        outcome = "returned"
                    except pspkit.ValidationError as e:
                        outcome = "ValidationError"
                        if not e.field or e.field.split(".")[0].split("[")[0] not in str(e):
                            broken.append(f"{provider} {name}: a refusal that names no argument: {e}")
                    except pspkit.ApiError as e:  # the sandbox's answer to what was sent
                        outcome = type(e).__name__
                    except pspkit.PspError as e:
                        # the sandbox is up and the client configured: a transport error, an
                        # unknown outcome or a configuration error would misname the caller's
                        # mistake (a URL too long to send was reported as a lost write)
                        outcome = "broken"
                        broken.append(f"{provider} {name}: {type(e).__name__}: {str(e)[:300]}")
                    except LookupError as e:
                        outcome = "the caller's own error"
                        if str(e) != "the caller's own object failed":
                            broken.append(f"{provider} {name}: {type(e).__name__}: {e}")
                    except TypeError as e:
                        outcome = "missing argument"
                        if "required keyword-only argument" not in str(e):
                            broken.append(f"{provider} {name}: TypeError: {e}")
                    except BaseException as e:  # a panic, a ValueError naming nothing, anything else
                        shown = {k: repr(v)[:40] for k, v in kwargs.items() if not isinstance(v, Raises)}
                        broken.append(f"{provider} {name} {shown}: {type(e).__module__}.{type(e).__name__}: {e}")
                        outcome = "broken"
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    assert not broken, "\n".join(broken[:20])
    # the draws reach both ends: calls that go through, and refusals
    assert outcomes.get("returned", 0) > 10 and outcomes.get("ValidationError", 0) > 100, outcomes
