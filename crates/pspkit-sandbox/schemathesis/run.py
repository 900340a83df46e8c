"""Schemathesis against the sandbox, one run per spec, with every default check.

Starts the sandbox binary on a free port, reads its base URLs and credentials from what it
prints, and runs `st run specs/<provider>.yaml` against each provider with the signing and
envelope hooks of `hooks.py`. Examples per operation are bounded so that the five runs fit in a
few minutes on two cores; the seed is fixed so that a failure reproduces (PSPKIT_SCHEMATHESIS_SEED
and PSPKIT_SCHEMATHESIS_EXAMPLES change them).

    python crates/pspkit-sandbox/schemathesis/run.py [--binary target/debug/pspkit-sandbox] [provider ...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
PROVIDERS = ["onepay", "onchainpay", "firekassa", "firstpay", "onlyonepays"]


def start_sandbox(binary: Path) -> tuple[subprocess.Popen[str], dict[str, str]]:
    """The running sandbox and the environment the hooks read its credentials from."""
    # a small data set: lists still page, start-up stays fast
    sandbox = subprocess.Popen(
        [str(binary), "--port", "0", "--size", "200"], stdout=subprocess.PIPE, text=True
    )
    assert sandbox.stdout is not None
    printed = [sandbox.stdout.readline() for _ in range(7)]
    text = "".join(printed)

    def find(pattern: str) -> str:
        match = re.search(pattern, text)
        if not match:
            sandbox.kill()
            raise SystemExit(f"the sandbox did not print {pattern!r}:\n{text}")
        return match.group(1)

    keys = ROOT / "crates/pspkit-sandbox/keys"
    env = {
        "PSPKIT_SANDBOX_URL": find(r"pspkit sandbox on (http://\S+)"),
        # the header is the one the spec's security scheme names, as the sandbox prints it
        "PSPKIT_SANDBOX_ONLYONEPAYS_HEADER": find(r"onlyonepays .* api key \(([^)]+)\): "),
        "PSPKIT_SANDBOX_ONLYONEPAYS_KEY": find(r"onlyonepays .* api key \([^)]+\): (\S+)"),
        "PSPKIT_SANDBOX_FIREKASSA_TOKEN": find(r"firekassa .* token: (\S+)"),
        "PSPKIT_SANDBOX_FIREKASSA_SIGN_TOKEN": find(r"sign token: (\S+)"),
        "PSPKIT_SANDBOX_ONEPAY_KEY": find(r"onepay .* secret key: (\S+)"),
        "PSPKIT_SANDBOX_ONCHAINPAY_PUBLIC": find(r"onchainpay .* public key: (\S+)"),
        "PSPKIT_SANDBOX_ONCHAINPAY_SECRET": find(r"onchainpay .* secret key: (\S+)"),
        "PSPKIT_SANDBOX_FIRSTPAY_MERCHANT_KEY": str(keys / "merchant-private.pem"),
        "PSPKIT_SANDBOX_FIRSTPAY_PUBLIC_KEY": str(keys / "firstpay-public.pem"),
    }
    return sandbox, env


def run_one(provider: str, env: dict[str, str], examples: int, seed: int) -> bool:
    st = Path(sys.executable).parent / "st"
    command = [
        str(st), "run", str(ROOT / "specs" / f"{provider}.yaml"),
        "--url", f"{env['PSPKIT_SANDBOX_URL']}/{provider}",
        "--checks", "all",
        "--max-examples", str(examples),
        "--seed", str(seed),
        # one worker: hypothesis describes strategies with ast.parse, which CPython 3.11 cannot
        # run from two threads at once ("AST constructor recursion depth mismatch")
        "--workers", "1",
        "--no-color",
        # a failure is printed with the request that caused it; the rest is noise in a test log
        "--warnings", "off",
    ]
    child_env = {
        **os.environ,
        **env,
        "PSPKIT_SANDBOX_PROVIDER": provider,
        "SCHEMATHESIS_HOOKS": "hooks",
        "PYTHONPATH": os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")]),
    }
    started = time.monotonic()
    result = subprocess.run(command, env=child_env, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    ok = result.returncode == 0
    print(f"{'ok' if ok else 'FAILED'}: schemathesis {provider} ({elapsed:.0f} s)", flush=True)
    if not ok:
        print(result.stdout[-20000:], result.stderr[-5000:], sep="\n", flush=True)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # where cargo put it: CARGO_TARGET_DIR may point outside the project
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    parser.add_argument("--binary", type=Path, default=target / "debug" / "pspkit-sandbox")
    parser.add_argument("providers", nargs="*", help=f"any of {', '.join(PROVIDERS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.providers) - set(PROVIDERS)
    if unknown:
        parser.error(f"unknown providers: {', '.join(sorted(unknown))}")
    examples = int(os.environ.get("PSPKIT_SCHEMATHESIS_EXAMPLES", "10"))
    seed = int(os.environ.get("PSPKIT_SCHEMATHESIS_SEED", "20260101"))
    sandbox, env = start_sandbox(args.binary)
    try:
        results = [run_one(p, env, examples, seed) for p in args.providers or PROVIDERS]
    finally:
        sandbox.terminate()
        sandbox.wait(timeout=10)
    passed = sum(results)
    print(f"schemathesis: {passed} passed, {len(results) - passed} failed")
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
