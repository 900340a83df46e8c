"""The GIL is released during sync calls; `import pspkit` is fast."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from typing import Any, List, Tuple

from pspkit.testing import Sandbox

THREADS = 8
CALLS = 10_000


def test_ten_thousand_calls_from_eight_threads_run_at_once(sandbox: Sandbox) -> None:
    from pspkit.onepay import OnePay

    client = OnePay("sk_test_sandbox", base_url=sandbox.base_url("onepay"))
    spans: List[List[Tuple[float, float]]] = [[] for _ in range(THREADS)]
    errors: List[BaseException] = []
    start = threading.Barrier(THREADS)

    def work(index: int) -> None:
        try:
            start.wait()
            for _ in range(CALLS // THREADS):
                began = time.perf_counter()
                client.balances.get()
                spans[index].append((began, time.perf_counter()))
        except BaseException as e:  # reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert sum(len(s) for s in spans) == CALLS

    # sweep over every call's [start, end]: how many threads were inside a call at once
    events = sorted([(b, 1) for s in spans for b, _ in s] + [(e, -1) for s in spans for _, e in s])
    inside = peak = 0
    for _, step in events:
        inside += step
        peak = max(peak, inside)
    # a call holding the GIL would keep every other thread out of its own call: peak 1 (2 at a
    # switch); all 8 in flight at once shows the wait happens without the GIL
    assert peak == THREADS, f"at most {peak} threads were inside a call at the same time"
    overlapped = _moments_all_busy(spans)
    assert overlapped > 0.0, "never all threads in flight together"


def _moments_all_busy(spans: List[List[Tuple[float, float]]]) -> float:
    events = sorted([(b, 1) for s in spans for b, _ in s] + [(e, -1) for s in spans for _, e in s])
    inside, busy, last = 0, 0.0, 0.0
    for at, step in events:
        if inside == THREADS:
            busy += at - last
        inside += step
        last = at
    return busy


def _import_seconds(statement: str) -> float:
    code = f"import time; t = time.perf_counter(); {statement}; print(time.perf_counter() - t)"
    best = min(
        float(subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True).stdout)
        for _ in range(3)
    )
    return best


def test_import_pspkit_takes_under_100_ms() -> None:
    seconds = _import_seconds("import pspkit")
    assert seconds < 0.100, f"import pspkit took {seconds * 1000:.1f} ms"


def test_every_provider_module_imports(capsys: Any) -> None:
    for provider in ("onlyonepays", "firekassa", "firstpay", "onepay", "onchainpay"):
        seconds = _import_seconds(f"import pspkit.{provider}")
        assert seconds < 1.0, f"pspkit.{provider}: {seconds:.3f} s"


def test_a_sync_program_does_not_import_asyncio() -> None:
    # asyncio costs more to import than pspkit itself: only async code should pay for it
    import subprocess
    import sys

    code = "import sys, pspkit, pspkit.onepay, pspkit.testing, pspkit.webhooks; print('asyncio' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "False", out.stdout + out.stderr
