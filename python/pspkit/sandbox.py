"""Serves the pspkit sandbox from Python until Ctrl-C, as the ``pspkit-sandbox`` binary does::

    python -m pspkit.sandbox --port 8080 [--size N] [--seed N] [--webhook-url URL]
                             [--fault-every N --faults 429,503,reset]

It prints what the binary prints (each provider's base URL and the credentials it accepts): the
first line names its URL, so ``--port 0`` (a free port) can be read back. For tests in Python,
``pspkit.testing.Sandbox`` starts one inside the test process instead.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import List, Optional

from .testing import Sandbox

__all__ = ["main"]


def _faults(text: str) -> List[str]:
    return [f.strip() for f in text.split(",") if f.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m pspkit.sandbox",
        description="A local, stateful emulator of OnlyOnePays, FireKassa, FirstPay, OnePay and OnChainPay.",
    )
    parser.add_argument("--port", type=int, default=8080, help="TCP port on 127.0.0.1 (0: any free port; the first line printed says which)")
    parser.add_argument("--seed", type=int, default=42, help="seed of the generated data set (default 42)")
    parser.add_argument("--size", type=int, default=3000, help="objects per seeded kind (default 3000)")
    parser.add_argument("--webhook-url", help="where webhooks and postbacks go (<url>/<provider>); by default a receiver in this process takes them")
    parser.add_argument("--fault-every", type=int, default=0, help="inject a fault on every N-th provider request (0: never)")
    parser.add_argument(
        "--faults", type=_faults, default=[], help="the faults injected in turn, comma-separated: 429[:secs], 500, 502, 503, 504, reset, reset-mid-body, delay:<ms>, truncate, html, content-type"
    )
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    """Runs the sandbox until Ctrl-C (exit status 0); 1 when it cannot start, 2 for bad
    arguments."""
    parser = _parser()
    args = parser.parse_args(argv)
    # the same refusals as the binary: a bad value is an error with usage, never a default
    if not 0 <= args.port <= 65535:
        parser.error(f"--port must be between 0 and 65535, not {args.port}")
    for name in ("seed", "size", "fault_every"):
        if not 0 <= getattr(args, name) < 2**63:
            parser.error(f"--{name.replace('_', '-')} must be from 0 to 2**63 - 1")
    try:
        sandbox = Sandbox(
            port=args.port, size=args.size, seed=args.seed, webhook_url=args.webhook_url,
            fault_every=args.fault_every, faults=args.faults,
        )
    except ValueError as e:  # an unknown fault name
        parser.error(str(e))
    except OSError as e:
        print(f"cannot start the sandbox: {e}", file=sys.stderr)
        return 1
    with sandbox:
        print(sandbox.describe(), end="", flush=True)
        try:
            while True:  # the sandbox serves on the native module's threads; this one only waits
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
