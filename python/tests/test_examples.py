"""The Python examples run against the sandbox, with credentials from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from pspkit.testing import Sandbox

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
DEMO = Path(__file__).resolve().parents[2] / "examples" / "reconcile.py"


def sandbox_env(sandbox: Sandbox) -> Dict[str, str]:
    """PSPKIT_* variables pointing every provider at the sandbox, with the credentials it accepts
    (what `just sandbox` prints): PSPKIT_<PROVIDER>_<KEYWORD> for each keyword of the client."""
    env = dict(os.environ)
    for provider in ("onepay", "onchainpay", "firekassa", "firstpay", "onlyonepays"):
        for name, value in getattr(sandbox.credentials, provider).items():
            env[f"PSPKIT_{provider.upper()}_{name.upper()}"] = value
        env[f"PSPKIT_{provider.upper()}_BASE_URL"] = sandbox.base_url(provider)
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_example_runs(example: Path, sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, str(example)], env=sandbox_env(sandbox), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example printed nothing"


def _without_a_build(tmp_path: Path) -> Dict[str, str]:
    """The environment with no sandbox binary to be found: cargo's target directory is empty."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(tmp_path / "empty-target"))
    env.pop("PSPKIT_SANDBOX_BIN", None)
    return env


def test_the_demo_reconciles_every_provider(tmp_path: Path) -> None:
    """`./run demo`'s script, on a smaller data set: it starts its own sandbox (in its process,
    from the installed package alone: run outside the checkout, with no build to find), and exits
    non-zero if any of its checks fails."""
    result = subprocess.run(
        [sys.executable, str(DEMO), "--size", "300"],
        cwd=tmp_path, env=_without_a_build(tmp_path), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    rows = [line.split()[0] for line in lines[lines.index(next(l for l in lines if l.startswith("provider"))) + 1 :] if line]
    for provider in ("onlyonepays", "onepay", "onchainpay", "firstpay", "firekassa"):
        assert provider in rows, f"{provider} is missing from the table:\n{result.stdout}"
    assert "webhooks verified" in result.stdout
    assert "reconciliation FAILED" not in result.stderr
    assert "operations reconciled across 5 providers" in result.stdout


def test_the_demo_fails_loudly_when_a_check_fails() -> None:
    """An empty data set breaks the demo's first check (some, not all, operations in its date
    range): it says so and exits non-zero."""
    result = subprocess.run([sys.executable, str(DEMO), "--size", "0"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "reconciliation FAILED" in result.stderr
