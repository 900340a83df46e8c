"""pspkit's pytest plugin (registered under ``pytest11``, so pytest loads it by itself once
pspkit is installed): one in-process sandbox for the whole test session.

Ask for ``pspkit_sandbox`` in a test::

    def test_payout(pspkit_sandbox):
        client = pspkit_sandbox.client("onepay")
        ...
        assert pspkit_sandbox.created("onepay", "cashout") == 1

The sandbox is shared by every test of the session, so count relative to what it held before
(``before = pspkit_sandbox.created(...)``). To change how it starts, override
``pspkit_sandbox_options`` in a ``conftest.py``::

    @pytest.fixture(scope="session")
    def pspkit_sandbox_options():
        return {"size": 500, "seed": 7}
"""

from __future__ import annotations

from typing import Iterator

import pytest

from .testing import Sandbox, SandboxOptions

__all__ = ["pspkit_sandbox", "pspkit_sandbox_options"]


@pytest.fixture(scope="session")
def pspkit_sandbox_options() -> SandboxOptions:
    """The keyword arguments of the session's ``Sandbox`` (none: its defaults); override this
    fixture to change them."""
    return {}


@pytest.fixture(scope="session")
def pspkit_sandbox(pspkit_sandbox_options: SandboxOptions) -> Iterator[Sandbox]:
    """A ``pspkit.testing.Sandbox`` serving in this process for the whole session, closed at its
    end."""
    with Sandbox(**pspkit_sandbox_options) as sandbox:
        yield sandbox
