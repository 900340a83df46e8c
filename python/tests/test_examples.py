"""The Python examples run against the sandbox, with credentials from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Dict

import pytest

from conftest import KEYS, Sandbox

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "examples").glob("*.py"))
DEMO = Path(__file__).resolve().parents[2] / "examples" / "reconcile.py"


def sandbox_env(sandbox: Sandbox) -> Dict[str, str]:
    """PSPKIT_* variables pointing every provider at the sandbox (what `just sandbox` prints)."""
    env = dict(os.environ)
    env.update(
        {
            "PSPKIT_ONEPAY_SECRET_KEY": "sk_test_sandbox",
            "PSPKIT_ONCHAINPAY_PUBLIC_KEY": "sandbox-onchainpay-public",
            "PSPKIT_ONCHAINPAY_SECRET_KEY": "sandbox-onchainpay-secret",
            "PSPKIT_FIREKASSA_TOKEN": "sandbox-firekassa-token",
            "PSPKIT_FIREKASSA_SIGN_TOKEN": "sandbox-firekassa-sign-token",
            "PSPKIT_FIRSTPAY_PUBLIC_KEY": (KEYS / "firstpay-public.pem").read_text(),
            "PSPKIT_FIRSTPAY_PRIVATE_KEY": (KEYS / "merchant-private.pem").read_text(),
            "PSPKIT_ONLYONEPAYS_API_KEY": "sandbox-onlyonepays-key",
        }
    )
    for provider in ("onepay", "onchainpay", "firekassa", "firstpay", "onlyonepays"):
        env[f"PSPKIT_{provider.upper()}_BASE_URL"] = sandbox.base_url(provider)
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_example_runs(example: Path, sandbox: Sandbox) -> None:
    result = subprocess.run(
        [sys.executable, str(example)], env=sandbox_env(sandbox), capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip(), "the example printed nothing"


def test_the_demo_reconciles_every_provider() -> None:
    """`./run demo`'s script, on a smaller data set: it starts its own sandbox (with a webhook
    receiver), and exits non-zero if any of its checks fails."""
    result = subprocess.run(
        [sys.executable, str(DEMO), "--size", "300"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    rows = [line.split()[0] for line in lines[lines.index(next(l for l in lines if l.startswith("provider"))) + 1 :] if line]
    for provider in ("onlyonepays", "onepay", "onchainpay", "firstpay", "firekassa"):
        assert provider in rows, f"{provider} is missing from the table:\n{result.stdout}"
    assert "webhooks verified" in result.stdout
    assert "reconciliation FAILED" not in result.stderr
    assert "operations reconciled across 5 providers" in result.stdout


def test_the_demo_fails_loudly_without_its_sandbox(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(DEMO), "--sandbox-bin", str(tmp_path / "missing")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "is missing" in result.stderr
