"""`just bench`: pspkit from Python against the usual alternatives, plus the Rust and build
figures; writes docs/benchmarks.md, docs/benchmarks.png and the README's benchmark summary.

Every client does the same work against the same server, the fixed-response server
(`examples/fixed_server.rs`: OnePay cashouts as the sandbox answers them, pre-rendered):

  (a) one GET of one cashout, decoded;
  (b) one page of 100 cashouts, decoded;
  (c) every cashout of 100,000, 100 per page, walked page by page;
  (d) async clients only: one GET of one cashout, 64 calls in flight (asyncio.gather under a
      semaphore),

and reads `id`, `amount` (as Decimal), `status` and `created_at` of every cashout it decodes.
The clients: pspkit sync and async (`pspkit.onepay`), httpx + pydantic v2 models (sync and
async), httpx + msgspec structs (the fastest typed decoding in Python), aiohttp + pydantic (async,
for (d)), requests + dicts (`json.loads(..., parse_float=Decimal)`), and the transport alone
(`http.client`, decoding nothing). Each measurement runs in a fresh process; all of them run in
5 rounds, in each of which a case's clients run back to back in a rotating order; a rate is the
median of its 5 runs and a ratio the median of the 5 per-round ratios. Peak RSS is the process's maximum resident
set size (`ru_maxrss`). Before the clients, a load generator (`examples/bench_load.rs`, several
connections) measures what the server itself can answer, so the report shows it is not the limit.

`just bench` builds what this needs and runs it; `--reuse` rewrites the report from the last
run's Python figures (target/bench/python.json) without measuring again. `--pages URL N read`
(or `fetch`) runs (b) N times without a clock, for valgrind's callgrind (see `read_pages`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[2]
KEY = "sk_test_sandbox"
ITEMS = 100_000
CLIENTS = ["pspkit", "pspkit-async", "httpx+pydantic", "httpx-async+pydantic", "httpx+msgspec", "requests+dicts"]
CONCURRENT = ["pspkit-async", "httpx-async+pydantic", "aiohttp+pydantic"]
"""The async clients of (d): many calls in flight on one event loop."""
IN_FLIGHT = 64
FLOOR = "http.client, no decoding"
"""The transport alone: the standard library's HTTP client reading the bytes, decoding nothing."""
CASES = {"a": ("one GET of one cashout", "calls/s"), "b": ("one page of 100 cashouts", "pages/s"),
         "c": (f"walk {ITEMS:,} cashouts, 100 per page", "items/s")}
SECONDS = 2.0  # per measurement of (a) and (b)
RUNS = 5


def rss_kb() -> int:
    """The process's resident set size now, in KiB."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024


def touch(items: List[Any], get: Callable[[Any, str], Any]) -> Decimal:
    """The same work for every client: read id, amount, status and created_at of each item."""
    total = Decimal(0)
    for item in items:
        get(item, "id"), get(item, "status"), get(item, "created_at")
        total += get(item, "amount") or 0
    return total


def attr(item: Any, name: str) -> Any:
    return getattr(item, name)


def key(item: Any, name: str) -> Any:
    value = item[name]
    # a dict client that wants a datetime converts it itself
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if name == "created_at" and value else value


def timed(step: Callable[[], int], seconds: float) -> float:
    """Runs `step` (returns how many units it did) after a warm-up, for `seconds`; units per second."""
    for _ in range(20):
        step()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += step()
    return done / elapsed


async def concurrently(call: Callable[[], Any], field: Callable[[Any, str], Any], seconds: float) -> float:
    """(d): `IN_FLIGHT` calls at a time (gather under a semaphore), batch after batch, for
    `seconds` after a warm-up batch; calls per second."""
    gate = asyncio.Semaphore(IN_FLIGHT)

    async def one() -> None:
        async with gate:
            touch([await call()], field)

    async def batch() -> int:
        await asyncio.gather(*(one() for _ in range(IN_FLIGHT * 4)))
        return IN_FLIGHT * 4

    await batch()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += await batch()
    return done / elapsed


async def atimed(step: Callable[[], Any], seconds: float) -> float:
    """`timed` for a coroutine function."""
    for _ in range(20):
        await step()
    done, start = 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < seconds:
        done += await step()
    return done / elapsed


# --- the clients: one page, every page, one cashout ----------------------------------------------


class Client:
    """What a measurement needs from a client; the async ones return awaitables."""

    def __init__(self, get: Callable[[], Any], page: Callable[[], Any], pages: Callable[[], Any],
                 field: Callable[[Any, str], Any]) -> None:
        self.get, self.page, self.pages, self.field = get, page, pages, field


def pspkit_client(url: str, cashout_id: str) -> Client:
    from pspkit.onepay import OnePay

    client = OnePay(KEY, base_url=url)
    return Client(lambda: client.cashouts.get(id=cashout_id), lambda: client.cashouts.list(limit=100).data,
                  lambda: client.cashouts.list_pages(page_size=100), attr)


def pspkit_async_client(url: str, cashout_id: str) -> Client:
    from pspkit.onepay import AsyncOnePay

    client = AsyncOnePay(KEY, base_url=url)

    async def page() -> Any:
        return (await client.cashouts.list(limit=100)).data

    return Client(lambda: client.cashouts.get(id=cashout_id), page,
                  lambda: client.cashouts.list_pages(page_size=100), attr)


def pydantic_models() -> Any:
    from typing import Optional as Opt

    from pydantic import BaseModel

    class Cashout(BaseModel):
        """The cashout as a careful hand-written client models it: every field, typed."""

        account_id: Opt[str] = None
        amount: Opt[Decimal] = None
        created_at: Opt[datetime] = None
        currency: Opt[str] = None
        customer_id: Opt[str] = None
        description: Opt[str] = None
        external_id: Opt[str] = None
        id: Opt[str] = None
        is_test: Opt[bool] = None
        method: Opt[str] = None
        scheduled_at: Opt[datetime] = None
        status: Opt[str] = None

    class CashoutPage(BaseModel):
        data: List[Cashout]
        current_page: Opt[int] = None
        per_page: Opt[int] = None
        next_page_url: Opt[str] = None

    return Cashout, CashoutPage


def httpx_client(url: str, cashout_id: str) -> Client:
    cashout, page_model = pydantic_models()
    return sync_httpx_client(url, cashout_id, cashout.model_validate_json, page_model.model_validate_json)


def sync_httpx_client(url: str, cashout_id: str, decode_cashout: Callable[[bytes], Any],
                      decode_page: Callable[[bytes], Any]) -> Client:
    """A sync httpx client decoding a cashout and a page with the functions given."""
    import httpx

    http = httpx.Client(base_url=url, headers={"authorization": f"Bearer {KEY}"})

    def get() -> Any:
        response = http.get(f"/cashouts/{cashout_id}")
        response.raise_for_status()
        return decode_cashout(response.content)

    def page(number: int = 1) -> Any:
        response = http.get("/cashouts", params={"page": number, "limit": 100})
        response.raise_for_status()
        return decode_page(response.content)

    def pages() -> Any:
        number = 1
        while True:
            current = page(number)
            yield current.data
            if current.next_page_url is None:
                return
            number += 1

    return Client(get, lambda: page().data, pages, attr)


def httpx_async_client(url: str, cashout_id: str) -> Client:
    import httpx

    cashout, page_model = pydantic_models()
    http = httpx.AsyncClient(base_url=url, headers={"authorization": f"Bearer {KEY}"})

    async def get() -> Any:
        response = await http.get(f"/cashouts/{cashout_id}")
        response.raise_for_status()
        return cashout.model_validate_json(response.content)

    async def page(number: int = 1) -> Any:
        response = await http.get("/cashouts", params={"page": number, "limit": 100})
        response.raise_for_status()
        return page_model.model_validate_json(response.content)

    async def first() -> Any:
        return (await page()).data

    async def pages() -> Any:
        number = 1
        while True:
            current = await page(number)
            yield current.data
            if current.next_page_url is None:
                return
            number += 1

    return Client(get, first, pages, attr)


def msgspec_models() -> Any:
    import msgspec

    # built from real types: msgspec resolves string annotations in the module, not this function
    fields = [("account_id", Optional[str], None), ("amount", Optional[Decimal], None),
              ("created_at", Optional[datetime], None), ("currency", Optional[str], None),
              ("customer_id", Optional[str], None), ("description", Optional[str], None),
              ("external_id", Optional[str], None), ("id", Optional[str], None), ("is_test", Optional[bool], None),
              ("method", Optional[str], None), ("scheduled_at", Optional[datetime], None),
              ("status", Optional[str], None)]
    cashout = msgspec.defstruct("MCashout", fields)
    page = msgspec.defstruct("MCashoutPage", [("data", List[cashout]), ("current_page", Optional[int], None),
                                              ("per_page", Optional[int], None),
                                              ("next_page_url", Optional[str], None)])
    return msgspec.json.Decoder(cashout), msgspec.json.Decoder(page)


def httpx_msgspec_client(url: str, cashout_id: str) -> Client:
    cashout, page_model = msgspec_models()
    return sync_httpx_client(url, cashout_id, cashout.decode, page_model.decode)


def aiohttp_client(url: str, cashout_id: str) -> Client:
    import aiohttp

    cashout, _ = pydantic_models()
    session: List[Any] = []

    async def get() -> Any:
        if not session:  # a session belongs to the running event loop
            session.append(aiohttp.ClientSession(headers={"authorization": f"Bearer {KEY}"},
                                                 connector=aiohttp.TCPConnector(limit=IN_FLIGHT)))
        async with session[0].get(f"{url}/cashouts/{cashout_id}") as response:
            response.raise_for_status()
            return cashout.model_validate_json(await response.read())

    async def unused() -> Any:
        raise NotImplementedError("aiohttp + pydantic is measured on (d) only")

    return Client(get, unused, unused, attr)


def requests_client(url: str, cashout_id: str) -> Client:
    import requests

    http = requests.Session()
    http.headers["authorization"] = f"Bearer {KEY}"

    def fetch(path: str, **params: Any) -> Any:
        response = http.get(url + path, params=params)
        response.raise_for_status()
        return json.loads(response.content, parse_float=Decimal)  # money stays exact

    def pages() -> Any:
        number = 1
        while True:
            current = fetch("/cashouts", page=number, limit=100)
            yield current["data"]
            if current.get("next_page_url") is None:
                return
            number += 1

    return Client(lambda: fetch(f"/cashouts/{cashout_id}"), lambda: fetch("/cashouts", page=1, limit=100)["data"],
                  pages, key)


def floor_client(url: str, cashout_id: str) -> Client:
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port)
    headers = {"authorization": f"Bearer {KEY}"}

    def fetch(path: str) -> bytes:
        connection.request("GET", parts.path + path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        assert response.status == 200, response.status
        return body

    def pages() -> Any:
        for number in range(1, ITEMS // 100 + 1):  # the page count is known: nothing is decoded
            fetch(f"/cashouts?page={number}&limit=100")
            yield [None] * 100

    return Client(lambda: fetch(f"/cashouts/{cashout_id}"), lambda: fetch("/cashouts?page=1&limit=100") and [],
                  pages, lambda item, name: None)


MAKERS: Dict[str, Callable[[str, str], Client]] = {
    FLOOR: floor_client,
    "pspkit": pspkit_client, "pspkit-async": pspkit_async_client, "httpx+pydantic": httpx_client,
    "httpx-async+pydantic": httpx_async_client, "requests+dicts": requests_client,
    "httpx+msgspec": httpx_msgspec_client, "aiohttp+pydantic": aiohttp_client,
}


# --- one measurement, in a child process ---------------------------------------------------------


def is_async(name: str) -> bool:
    """Whether the client `name` is an async one (its calls return awaitables)."""
    return "-async" in name or name.startswith("aiohttp")


def measure(name: str, case: str, url: str, cashout_id: str) -> Dict[str, float]:
    client = MAKERS[name](url, cashout_id)
    asynchronous = is_async(name)
    field = client.field

    def one() -> int:
        touch([client.get()], field)
        return 1

    def page() -> int:
        touch(client.page(), field)
        return 1

    def walk() -> int:
        seen = 0
        for items in client.pages():
            touch(items, field)
            seen += len(items)
        return seen

    async def aone() -> int:
        touch([await client.get()], field)
        return 1

    async def apage() -> int:
        touch(await client.page(), field)
        return 1

    async def awalk() -> int:
        seen = 0
        async for items in client.pages():
            touch(items, field)
            seen += len(items)
        return seen

    async def arun() -> float:
        if case == "d":
            return await concurrently(client.get, field, SECONDS)
        if case == "c":
            await apage()  # warm up the connection
            start = time.perf_counter()
            seen = await awalk()
            assert seen == ITEMS, seen
            return seen / (time.perf_counter() - start)
        return await atimed(aone if case == "a" else apage, SECONDS)

    base = rss_kb()
    if asynchronous:
        rate = asyncio.run(arun())
    elif case == "c":
        page()
        start = time.perf_counter()
        seen = walk()
        assert seen == ITEMS, seen
        rate = seen / (time.perf_counter() - start)
    else:
        rate = timed(one if case == "a" else page, SECONDS)
    return {"rate": rate, "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "base_rss_kb": base}


SIDE_BY_SIDE = [name for name in [*CLIENTS, FLOOR] if not is_async(name)]
"""The sync clients of (a) and (b), measured again side by side in one process."""
SLICES = 201
SLICE = {"a": 50, "b": 20}
"""Calls (a) or pages (b) per client per round of the side-by-side run: 5 to 70 ms each."""


def side_by_side(case: str, url: str, cashout_id: str) -> Dict[str, List[float]]:
    """(a) or (b) for the sync clients in one process, in short slices whose order rotates from
    round to round: `SLICES` rounds of `SLICE[case]` calls per client, after a warm-up; each
    client's rate in every round. The machine's speed changes within a second (neighbouring
    fresh-process runs of one case differ by up to 2x), so clients measured in the same tenth of
    a second compare the clients rather than the machine's moments; the Rust section measures
    the same way."""
    clients = {name: MAKERS[name](url, cashout_id) for name in SIDE_BY_SIDE}

    def step(client: Client) -> None:
        touch([client.get()] if case == "a" else client.page(), client.field)

    for client in clients.values():
        for _ in range(20):
            step(client)
    rates: Dict[str, List[float]] = {name: [] for name in SIDE_BY_SIDE}
    for round_ in range(SLICES):
        shift = round_ % len(SIDE_BY_SIDE)
        for name in SIDE_BY_SIDE[shift:] + SIDE_BY_SIDE[:shift]:
            client = clients[name]
            start = time.perf_counter()
            for _ in range(SLICE[case]):
                step(client)
            rates[name].append(SLICE[case] / (time.perf_counter() - start))
    return rates


BREAKDOWN_PAGES = 200
FIELDS = ("id", "amount", "created_at", "status")


def breakdown(url: str) -> Dict[str, float]:
    """Where pspkit's time goes on (b), per item: each page is fetched (HTTP and decoding in Rust,
    the GIL released) and then, timed apart while it is fresh, as (b) uses it: making the model
    objects (the first read of `data`), the first read of each field the script reads (its
    conversion), and the four reads again (cached)."""
    from pspkit.onepay import OnePay

    client = OnePay(KEY, base_url=url)
    for _ in range(20):
        client.cashouts.list(limit=100)
    steps = ["fetch", "objects", *FIELDS, "cached"]
    spent = dict.fromkeys(steps, 0.0)
    items = 0
    for _ in range(BREAKDOWN_PAGES):
        marks = [time.perf_counter()]
        page = client.cashouts.list(limit=100)
        marks.append(time.perf_counter())
        batch = page.data
        marks.append(time.perf_counter())
        for name in FIELDS:
            for item in batch:
                getattr(item, name)
            marks.append(time.perf_counter())
        for item in batch:
            item.id, item.amount, item.created_at, item.status
        marks.append(time.perf_counter())
        for step, start, end in zip(steps, marks, marks[1:]):
            spent[step] += end - start
        items += len(batch)
    out = {"fetch_ms_per_page": spent["fetch"] * 1e3 / BREAKDOWN_PAGES}
    out.update({f"{step}_us": spent[step] * 1e6 / items for step in steps[1:]})
    out.update(walk_waits(client))
    out.update(page_steps(url, client))
    return out


class Plain:
    """A cashout as plain Python attributes: what `touch` costs with nothing behind the reads."""

    __slots__ = FIELDS

    def __init__(self, item: Any) -> None:
        for name in FIELDS:
            object.__setattr__(self, name, getattr(item, name))


def page_steps(url: str, client: Any) -> Dict[str, float]:
    """(b) for pspkit and httpx + pydantic taken apart, the parts timed in the same rounds: the
    wire alone (a bare socket writes the request and reads the answer's bytes, as any client must),
    each client's fetch (pspkit: its HTTP and decoding, in Rust; httpx: its HTTP only), pydantic's
    decoding, and the script's reads of each client's page (`touch`), beside those reads on plain
    Python objects (the script's own loop). `PAGE_STEP_ROUNDS` rounds of the four (bare socket,
    pspkit, httpx + pydantic, the loop) in an order that rotates; each part's mean in ms per page
    (a mean, not a median: a collection that lands in a part is part of what it costs)."""
    import socket
    from urllib.parse import urlsplit

    import httpx

    _, page_model = pydantic_models()
    parts = urlsplit(url)
    wire = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80))
    wire.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    request = (f"GET {parts.path}/cashouts?page=1&limit=100 HTTP/1.1\r\nHost: {parts.netloc}\r\n"
               f"Authorization: Bearer {KEY}\r\n\r\n").encode()
    http = httpx.Client(base_url=url, headers={"authorization": f"Bearer {KEY}"})
    plain = [Plain(item) for item in client.cashouts.list(limit=100).data]

    def bare() -> Dict[str, float]:
        start = time.perf_counter()
        wire.sendall(request)
        received = b""
        while b"\r\n\r\n" not in received:
            received += wire.recv(1 << 16) or b"!"  # a closed socket fails the check below
        head, _, body = received.partition(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                      if line.lower().startswith(b"content-length:"))
        while len(body) < length:
            body += wire.recv(1 << 16) or b"!"
        assert head.startswith(b"HTTP/1.1 200") and len(body) == length, head[:40]
        return {"wire": time.perf_counter() - start}

    def pspkit() -> Dict[str, float]:
        marks = [time.perf_counter()]
        page = client.cashouts.list(limit=100)
        marks.append(time.perf_counter())
        touch(page.data, attr)
        marks.append(time.perf_counter())
        return {"pspkit_fetch": marks[1] - marks[0], "pspkit_reads": marks[2] - marks[1]}

    def pydantic() -> Dict[str, float]:
        marks = [time.perf_counter()]
        response = http.get("/cashouts", params={"page": 1, "limit": 100})
        response.raise_for_status()
        body = response.content
        marks.append(time.perf_counter())
        page = page_model.model_validate_json(body)
        marks.append(time.perf_counter())
        touch(page.data, attr)
        marks.append(time.perf_counter())
        return {"httpx_fetch": marks[1] - marks[0], "pydantic_decode": marks[2] - marks[1],
                "pydantic_reads": marks[3] - marks[2]}

    def loop() -> Dict[str, float]:
        start = time.perf_counter()
        touch(plain, attr)
        return {"plain_reads": time.perf_counter() - start}

    units = [bare, pspkit, pydantic, loop]
    for unit in units * 20:
        unit()
    spent: Dict[str, List[float]] = {}
    for round_ in range(PAGE_STEP_ROUNDS):
        shift = round_ % len(units)
        for unit in units[shift:] + units[:shift]:
            for part, seconds in unit().items():
                spent.setdefault(part, []).append(seconds)
    wire.close()
    http.close()
    return {f"steps_{part}_ms": statistics.fmean(times) * 1e3 for part, times in spent.items()}


PAGE_STEP_ROUNDS = 400


def read_pages(url: str, pages: int, read: bool) -> None:
    """(b) without a clock, for an instruction profiler: `pages` pages fetched after a warm-up, and
    each used as (b) uses it (`touch`) when `read`. Run it under valgrind's callgrind with two page
    counts and both modes: the difference per page between the counts is one page's cost, and
    between the modes what Python spends on it (`--pages URL N read|fetch`)."""
    from pspkit.onepay import OnePay

    client = OnePay(KEY, base_url=url)
    for _ in range(5):
        touch(client.cashouts.list(limit=100).data, attr)
    for _ in range(pages):
        page = client.cashouts.list(limit=100)
        if read:
            touch(page.data, attr)


def walk_waits(client: Any) -> Dict[str, float]:
    """Where a walk's time goes: the pages of (c) read as (c) reads them, timing apart how long
    the script waits for each next page (fetched ahead while it worked on the one before)."""
    pages = client.cashouts.list_pages(page_size=100, max_items=BREAKDOWN_PAGES * 100)
    waited = 0.0
    start = time.perf_counter()
    while True:
        asked = time.perf_counter()
        page = next(pages, None)
        waited += time.perf_counter() - asked
        if page is None:
            break
        for item in page:
            item.id, item.amount, item.created_at, item.status
    total = time.perf_counter() - start
    return {"walk_page_ms": total * 1e3 / BREAKDOWN_PAGES, "walk_wait_ms": waited * 1e3 / BREAKDOWN_PAGES}


# --- the parent: run everything, write the report ------------------------------------------------


def capacity(load: Path, url: str, cashout_id: str) -> Dict[str, float]:
    """What the server answers per second with 8 connections busy: one cashout, and a page."""
    out = {}
    for case, path in (("a", f"/cashouts/{cashout_id}"), ("b", "/cashouts?page=1&limit=100")):
        run = subprocess.run([str(load), url + path, "--connections", "8", "--seconds", "3"],
                             capture_output=True, text=True, timeout=120)
        if run.returncode != 0:
            raise SystemExit(f"the load generator failed:\n{run.stderr}")
        out[case] = float(json.loads(run.stdout)["requests_per_s"])
    out["c"] = out["b"] * 100  # items per second, pages of 100
    return out


def start_server(binary: Path) -> Any:
    process = subprocess.Popen([str(binary), "--items", str(ITEMS)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    line = process.stdout.readline()
    found = re.match(r"fixed server on (\S+) cashout (\S+) page-bytes (\d+)", line)
    if not found:
        process.kill()
        raise SystemExit(f"the fixed-response server did not start: {line!r}")
    return process, found.group(1), found.group(2), int(found.group(3))


def in_fresh_process(what: str, *args: str) -> Dict[str, Any]:
    """This script run again with ``args`` (``--child ...`` or ``--breakdown URL``), in a fresh
    interpreter: the figures it prints as JSON."""
    out = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise SystemExit(f"{what} failed:\n{out.stderr}")
    return dict(json.loads(out.stdout))


def child(name: str, case: str, url: str, cashout_id: str) -> Dict[str, float]:
    return in_fresh_process(f"{name} ({case})", "--child", name, case, url, cashout_id)


def child_breakdown(url: str) -> Dict[str, float]:
    return in_fresh_process("the breakdown", "--breakdown", url)


def progress(done: int, total: int, what: str) -> None:
    bar = "#" * (done * 30 // total)
    print(f"\r  [{bar:<30}] {done}/{total} {what:<40}", end="", file=sys.stderr, flush=True)


def python_figures(server: Path, load: Path) -> Dict[str, Any]:
    process, url, cashout_id, page_bytes = start_server(server)
    runs: Dict[Tuple[str, str], List[Dict[str, float]]] = {}
    try:
        print("  server capacity (8 connections) ...", file=sys.stderr)
        server_capacity = capacity(load, url, cashout_id)
        steps = [(n, c) for round_ in range(RUNS) for c in [*CASES, "d"] for n in round_order(round_, c)]
        for i, (name, case) in enumerate(steps):
            progress(i, len(steps), f"{name} ({case})")
            runs.setdefault((name, case), []).append(child(name, case, url, cashout_id))
        progress(len(steps), len(steps), "done")
        print(file=sys.stderr)
        print("  where pspkit's time goes on (b) ...", file=sys.stderr)
        parts = [child_breakdown(url) for _ in range(RUNS)]
        print(f"  (a) and (b) side by side, {SLICES} rounds ...", file=sys.stderr)
        side = {case: in_fresh_process(f"({case}) side by side", "--side-by-side", case, url, cashout_id)
                for case in "ab"}
    finally:
        process.terminate()
        process.wait(timeout=10)
    results: Dict[str, Dict[str, Dict[str, float]]] = {}
    for (name, case), measured in runs.items():
        results.setdefault(name, {})[case] = {
            field: statistics.median(r[field] for r in measured) for field in ("rate", "peak_rss_kb", "base_rss_kb")
        }
    split = {key: statistics.median(p[key] for p in parts) for key in parts[0]}
    rounds = {name: {case: [r["rate"] for r in runs[(name, case)]] for case in cases}
              for name, cases in results.items()}
    return {"page_bytes": page_bytes, "results": results, "rounds": rounds, "side_by_side": side,
            "capacity": server_capacity, "breakdown": split}


def round_order(round_: int, case: str) -> List[str]:
    """The clients of `case` in round `round_`, one after another, in an order that rotates from
    round to round. The machine's speed drifts over tens of seconds, so the clients a target
    compares run back to back (a case's clients take about 20 s), not a whole round apart, and
    no client is always the first after another case's."""
    names = CONCURRENT if case == "d" else [*CLIENTS, FLOOR]
    shift = round_ % len(names)
    return names[shift:] + names[:shift]


def side_ratio(py: Dict[str, Any], name: str, other: str, case: str) -> Optional[Tuple[float, float, float]]:
    """`name`'s rate over `other`'s on (a) or (b) side by side (see `side_by_side`): the median of
    the per-round ratios and their quartiles; None where the two did not both run side by side
    (another case, an async client, or a report rewritten from a run without it)."""
    side = py.get("side_by_side", {}).get(case)
    if not side or not {name, other} <= set(SIDE_BY_SIDE):
        return None
    ratios = [a / b for a, b in zip(side[name], side[other])]
    q1, median, q3 = statistics.quantiles(ratios, n=4)
    return median, q1, q3


def judged(py: Dict[str, Any], name: str, other: str, case: str) -> float:
    """The ratio a target is judged on: side by side where both clients ran so (the less noisy
    measurement), else the median of the fresh-process rounds."""
    side = side_ratio(py, name, other, case)
    return side[0] if side else paired(py, name, other, case)[0]


def paired(py: Dict[str, Any], name: str, other: str, case: str) -> Tuple[float, float, float]:
    """`name`'s rate over `other`'s on `case`: the median of the per-round ratios (the two ran back
    to back in each round, see `round_order`), and the lowest and highest of them. A report
    rewritten from a run that kept only medians gives the ratio of the medians, three times."""
    rounds = py.get("rounds")
    if not rounds:
        x = py["results"][name][case]["rate"] / py["results"][other][case]["rate"]
        return x, x, x
    ratios = [a / b for a, b in zip(rounds[name][case], rounds[other][case])]
    return statistics.median(ratios), min(ratios), max(ratios)


def import_times() -> Dict[str, float]:
    """Median of 7 fresh interpreters: `import pspkit`, then `import pspkit.onepay`, in ms."""
    code = ("import time; t = time.perf_counter(); import pspkit; a = time.perf_counter(); "
            "import pspkit.onepay; b = time.perf_counter(); print((a - t) * 1e3, (b - a) * 1e3)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(7)]
    return {"pspkit": statistics.median(float(r[0]) for r in runs),
            "pspkit.onepay": statistics.median(float(r[1]) for r in runs)}


def chart(py: Dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    results = py["results"]
    fig, axes = plt.subplots(1, 4, figsize=(17, 4.2))
    colors = ["#1f6feb", "#58a6ff", "#d29922", "#e3b341", "#a371f7", "#8b949e", "#d0d7de"]
    names = [*CLIENTS, FLOOR]
    for ax, case in zip(axes, CASES):
        title, unit = CASES[case]
        values = [results[n][case]["rate"] for n in names]
        ax.bar(range(len(names)), values, color=colors)
        ax.set_title(f"({case}) {title}", fontsize=10)
        ax.set_ylabel(unit)
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
        for i, v in enumerate(values):
            ax.text(i, v, f"{v:,.0f}", ha="center", va="bottom", fontsize=7)
    ax = axes[3]
    width = 0.4
    for j, case in enumerate(("b", "c")):
        values = [results[n][case]["peak_rss_kb"] / 1024 for n in CLIENTS]
        ax.bar([i + (j - 0.5) * width for i in range(len(CLIENTS))], values, width,
               label="one page" if case == "b" else f"walk {ITEMS:,}", color=["#8b949e", "#1f6feb"][j])
    ax.set_title("peak RSS of the process", fontsize=10)
    ax.set_ylabel("MiB")
    ax.set_xticks(range(len(CLIENTS)), CLIENTS, rotation=30, ha="right", fontsize=8)
    ax.legend(fontsize=8)
    fig.suptitle("pspkit (Python) vs httpx + pydantic and requests + dicts, loopback, higher is better "
                 "(peak RSS: lower is better)", fontsize=11)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def build_figures(build: Path, wheel: Path) -> Dict[str, Any]:
    text = build.read_text()
    seconds = [float(x) for x in re.findall(r":\s+([0-9.]+) s", text)]
    return {"machine": text.splitlines()[0].removeprefix("machine: "), "clean_s": seconds[0],
            "rebuild_s": seconds[1], "wheel_bytes": wheel.stat().st_size, "wheel": wheel.name,
            "wheel_unpacked_bytes": sum(entry.file_size for entry in zipfile.ZipFile(wheel).infolist())}


def where_the_time_goes(py: Dict[str, Any]) -> List[str]:
    """The per-item breakdown of (b) (absent from a report rewritten from an older run)."""
    split = py.get("breakdown")
    if not split:
        return []
    python_us = split["objects_us"] + sum(split[f"{name}_us"] for name in FIELDS)
    fetch_us = split["fetch_ms_per_page"] * 10
    target_us = 1e4 / (3 * py["results"]["httpx+pydantic"]["b"]["rate"])
    return [
        "",
        "### Where pspkit's time goes on (b), per item",
        "",
        f"{BREAKDOWN_PAGES} pages of 100, each fetched and then used as (b) uses it, each step timed "
        f"apart (median of {RUNS} fresh processes). Fetching a page (HTTP and decoding, in Rust with the "
        f"GIL released, and the page object) took {split['fetch_ms_per_page']:.3f} ms, {fetch_us:.2f} us per item. "
        "In Python, per item:",
        "",
        "| step | us per item |",
        "|---|---:|",
        f"| making the model object (first read of `data`: one object whose native part reads the item "
        f"where it lies in the page's Rust value) | {split['objects_us']:.2f} |",
        *[f"| first read of `{name}` (converted once, then kept) | {split[f'{name}_us']:.2f} |" for name in FIELDS],
        f"| the four reads again (cached) | {split['cached_us']:.2f} |",
        "",
        f"The objects and the first reads add up to {python_us:.2f} us per item, against "
        f"{fetch_us:.2f} us for the fetch. 3x httpx + pydantic on (b) is {target_us:.2f} us per item in all: "
        + (f"it leaves {target_us - fetch_us:.2f} us per item for everything done in Python."
           if target_us > fetch_us else "the fetch alone takes longer than that, before any Python runs."),
        *page_step_lines(split),
        *walk_lines(py, split),
    ]


def wheel_abi(name: str) -> str:
    """What a wheel's name says it runs on: `cp311-cp311` (that CPython) or `cp39-abi3` (every
    CPython from 3.9, the stable ABI)."""
    parts = name.split("-")
    return "-".join(parts[2:4]) if len(parts) >= 5 else "unknown ABI"


def page_step_lines(split: Dict[str, float]) -> List[str]:
    """(b) for pspkit and httpx + pydantic taken apart (absent from a report rewritten from an
    older run)."""
    if "steps_wire_ms" not in split:
        return []
    s = {key.removeprefix("steps_").removesuffix("_ms"): value for key, value in split.items()
         if key.startswith("steps_")}
    ours = s["pspkit_fetch"] + s["pspkit_reads"]
    theirs = s["httpx_fetch"] + s["pydantic_decode"] + s["pydantic_reads"]
    shared = s["wire"] + s["plain_reads"]
    needed = theirs / 3 - shared  # pspkit's own part at 3x httpx + pydantic
    return [
        "",
        "Both clients' (b) taken apart in the same rounds (the parts in a rotating order, "
        f"{PAGE_STEP_ROUNDS} rounds in each of the {RUNS} processes; each part's mean time in ms per page, the "
        "median of the processes). The wire is a bare socket writing the request and reading the answer's bytes: "
        "what any client pays before it does anything. The script's loop is `touch` over plain Python objects "
        "holding the same values:",
        "",
        "| part of one page | pspkit | httpx + pydantic |",
        "|---|---:|---:|",
        f"| the wire (bare socket) | {s['wire']:.3f} | {s['wire']:.3f} |",
        f"| the client's HTTP beyond the wire | {s['pspkit_fetch'] - s['wire']:.3f} (decoding included, in Rust) "
        f"| {s['httpx_fetch'] - s['wire']:.3f} |",
        f"| decoding | (in the row above) | {s['pydantic_decode']:.3f} |",
        f"| the script's reads of the page (`touch`) | {s['pspkit_reads']:.3f} | {s['pydantic_reads']:.3f} |",
        f"| of which the script's loop itself | {s['plain_reads']:.3f} | {s['plain_reads']:.3f} |",
        f"| **the page** | **{ours:.3f}** | **{theirs:.3f}** |",
        "",
        f"Taken apart this way, pspkit is {theirs / ours:.2f}x httpx + pydantic on (b). The wire and the script's "
        f"loop, {shared:.3f} ms of each page, cost both clients the same; without them pspkit's own part is "
        f"{ours - shared:.3f} ms against {theirs - shared:.3f} ms ({(theirs - shared) / (ours - shared):.2f}x). "
        f"With those shared parts as they are, 3x on the page needs pspkit's own part at {needed:.3f} ms or less"
        + (f", {1 - needed / (ours - shared):.0%} below this run's. " if needed < ours - shared else ", as it is. ")
        + "pspkit's reads cost more than pydantic's because its fields are converted when first read (the "
        "`Decimal`, the `datetime`, the enum member), where pydantic converts them all while decoding.",
    ]


def side_by_side_lines(py: Dict[str, Any]) -> List[str]:
    """The side-by-side run of (a) and (b) (absent from a report rewritten from an older run)."""
    side = py.get("side_by_side")
    if not side:
        return []
    return [
        "### (a) and (b) side by side",
        "",
        f"The sync clients again, all in one process: {SLICES} rounds, each running every client for "
        f"{SLICE['a']} calls on (a) or {SLICE['b']} pages on (b) (5 to 70 ms), in an order that rotates from "
        "round to round, after a warm-up. Each client's median rate, and its median per-round ratio to pspkit's:",
        "",
        "| client | (a) calls/s | pspkit / client | (b) pages/s | pspkit / client |",
        "|---|---:|---:|---:|---:|",
        *[f"| {name} | " + " | ".join(f"{statistics.median(side[case][name]):,.0f} | "
                                      f"{judged(py, 'pspkit', name, case):.2f}" for case in "ab") + " |"
          for name in SIDE_BY_SIDE],
        "",
    ]


def walk_lines(py: Dict[str, Any], split: Dict[str, float]) -> List[str]:
    """Where a walk's time goes (absent from a report rewritten from an older run)."""
    if "walk_page_ms" not in split:
        return []
    page_ms, wait_ms = split["walk_page_ms"], split["walk_wait_ms"]
    target_ms = 100 / (4 * py["results"]["httpx+pydantic"]["c"]["rate"]) * 1e3
    return [
        "",
        f"On (c), walking {BREAKDOWN_PAGES} pages the same way, a page took {page_ms:.3f} ms, of which the "
        f"script spent {wait_ms:.3f} ms ({wait_ms / page_ms:.0%}) waiting for the next page and "
        f"{page_ms - wait_ms:.3f} ms on the page's objects and reads. The next page is fetched while the "
        "script works through this one (one page ahead), so a walk goes no faster than one fetch "
        "(HTTP round trip and decoding) per page, however little Python does: 4x httpx + pydantic on (c) "
        f"is {target_ms:.3f} ms per page.",
    ]


def report(py: Dict[str, Any], rust: Dict[str, Any], build: Dict[str, Any], imports: Dict[str, float]) -> str:
    r = py["results"]
    lines = [
        "# Benchmarks",
        "",
        f"Made by `just bench` on {datetime.now().date()} ({build['machine']}, Python {platform.python_version()}, "
        "the release wheel). Loopback, one connection, calls one after another; client and server share the "
        "2 cores. Rerun it: `just bench` rewrites this file, `docs/benchmarks.png` and the summary in the README.",
        "",
        "The server is the fixed-response server (`examples/fixed_server.rs`): OnePay's cashout routes answered "
        f"with bodies taken once from the sandbox and pre-rendered (a page of 100 cashouts is {py['page_bytes']:,} "
        "bytes), so the figures measure the clients. Every client reads `id`, `amount` (as `Decimal`), "
        "`status` and `created_at` of each cashout it decodes.",
        "",
        "## Python: pspkit vs httpx + pydantic, httpx + msgspec, aiohttp + pydantic and requests + dicts",
        "",
        "- **pspkit**: `pspkit.onepay.OnePay` (sync) and `AsyncOnePay`; `list_pages` walks with the next page "
        "fetched while this one is used.",
        "- **httpx + pydantic**: httpx 0.28 with pydantic v2 models of every cashout field "
        "(`model_validate_json`), the walk written by hand; sync `httpx.Client` and `httpx.AsyncClient`.",
        "- **httpx + msgspec**: the same httpx client decoding into `msgspec.Struct`s of the same fields "
        "(`Decimal` and `datetime` typed), the fastest typed decoding in Python.",
        "- **aiohttp + pydantic**: `aiohttp.ClientSession` with the pydantic models, for (d) only.",
        "- **requests + dicts**: `requests.Session`, `json.loads(body, parse_float=Decimal)`.",
        "",
        f"Median of {RUNS} runs, each in a fresh process; (a) and (b) run for {SECONDS:.0f} s after a warm-up, "
        f"(c) walks all {ITEMS:,} cashouts once. The runs go in {RUNS} rounds; in each round, the clients of one "
        "case run back to back, in an order that rotates from round to round, and each ratio below is the "
        "median of the per-round ratios (the lowest and highest beside it): the machine's speed drifts over tens "
        "of seconds, and two clients measured minutes apart would compare the machine's two speeds.",
        "",
        "![throughput and peak RSS](benchmarks.png)",
        "",
        "| client | (a) one GET, calls/s | (b) one page of 100, pages/s | (c) walk 100,000, items/s "
        "| peak RSS, one page | peak RSS, walk | walk / page |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for name in [*CLIENTS, FLOOR]:
        a, b, c = (r[name][k] for k in "abc")
        lines.append(f"| {name} | {a['rate']:,.0f} | {b['rate']:,.0f} | {c['rate']:,.0f} | "
                     f"{b['peak_rss_kb'] / 1024:.1f} MiB | {c['peak_rss_kb'] / 1024:.1f} MiB | "
                     f"{c['peak_rss_kb'] / b['peak_rss_kb']:.2f} |")
    hp = r["httpx+pydantic"]
    ps = r["pspkit"]
    b_x, c_x = judged(py, "pspkit", "httpx+pydantic", "b"), judged(py, "pspkit", "httpx+pydantic", "c")

    def vs(other: str, case: str, name: str = "pspkit") -> str:
        x, low, high = paired(py, name, other, case)
        rounds = f"**{x:.2f}x** (rounds {low:.2f} to {high:.2f})"
        side = side_ratio(py, name, other, case)
        if side is None:
            return rounds
        return (f"**{side[0]:.2f}x** side by side (middle half of the rounds {side[1]:.2f} to {side[2]:.2f}); "
                f"{x:.2f}x in fresh processes (rounds {low:.2f} to {high:.2f})")

    def at_least(other: str, case: str, times: float, name: str = "pspkit") -> str:
        return met(judged(py, name, other, case) >= times)
    walk_growth = ps["c"]["peak_rss_kb"] - ps["c"]["base_rss_kb"]
    page_growth = ps["b"]["peak_rss_kb"] - ps["b"]["base_rss_kb"]
    met = lambda ok: "met" if ok else "**not met**"  # noqa: E731
    fl = r[FLOOR]
    d = {name: r[name]["d"]["rate"] for name in CONCURRENT}
    cap = py["capacity"]
    fastest = {case: max(r[name][case]["rate"] for name in [*CLIENTS, FLOOR]) for case in "abc"}
    rust_rate = {row["case"]: row["pspkit"] for row in rust["rows"]}
    lines += [
        "",
        f"The last row is the transport alone ({FLOOR}): Python's `http.client` reading the bytes of each "
        "response and decoding nothing, the most any client built on Python's HTTP stack can do here. "
        f"3x httpx + pydantic would be {3 * hp['b']['rate']:,.0f} pages/s on (b), "
        f"{3 * hp['b']['rate'] / fl['b']['rate']:.2f}x that floor's {fl['b']['rate']:,.0f}, and "
        f"{3 * hp['c']['rate']:,.0f} items/s on (c), {3 * hp['c']['rate'] / fl['c']['rate']:.2f}x its "
        f"{fl['c']['rate']:,.0f}. The Rust client itself, with no Python at all, did "
        f"{rust_rate['b']:,.0f} pages/s on (b) and {rust_rate['c']:,.0f} items/s on (c) (the Rust section "
        "below: measured apart from these figures, with the server in the benchmark's own process, so the "
        "machine's drift between the two runs shows in any comparison of them). "
        "pspkit's HTTP and decoding run in Rust with the GIL released; the decoded page reaches Python as "
        "model objects holding their Rust values, with no JSON in between, so what it spends in Python "
        "per page is making those objects and converting, on first read, the fields the script reads.",
        "",
        "Targets:",
        "",
        "Where a target compares two sync clients on (a) or (b), it is judged on the side-by-side run (below "
        "the table of (d)); the fresh-process figure is given beside it.",
        "",
        f"- pspkit sync >= 3x httpx + pydantic on (b) and >= 4x on (c): {vs('httpx+pydantic', 'b')} on (b), "
        f"{met(b_x >= 3)}; {vs('httpx+pydantic', 'c')} on (c), {met(c_x >= 4)}. (a): "
        f"{vs('httpx+pydantic', 'a')}; async pspkit vs async httpx: "
        + ", ".join(f"({case}) {vs('httpx-async+pydantic', case, 'pspkit-async')}" for case in "abc") + ".",
        f"- pspkit sync >= 0.9x the transport alone on (a): {vs(FLOOR, 'a')}: {at_least(FLOOR, 'a', 0.9)}.",
        f"- pspkit sync >= 2x httpx + msgspec on (b) and (c): {vs('httpx+msgspec', 'b')} on (b), "
        f"{at_least('httpx+msgspec', 'b', 2)}; {vs('httpx+msgspec', 'c')} on (c), {at_least('httpx+msgspec', 'c', 2)}.",
        f"- pagination peak RSS < 1.2x one page: walking {ITEMS:,} cashouts peaks at "
        f"{ps['c']['peak_rss_kb'] / 1024:.1f} MiB against {ps['b']['peak_rss_kb'] / 1024:.1f} MiB for one page "
        f"(**{ps['c']['peak_rss_kb'] / ps['b']['peak_rss_kb']:.2f}x**): "
        f"{met(ps['c']['peak_rss_kb'] < 1.2 * ps['b']['peak_rss_kb'])}. Above the process's size before the first "
        f"call (interpreter, modules, client), the walk adds {walk_growth / 1024:.1f} MiB and one page "
        f"{page_growth / 1024:.1f} MiB.",
        f"- (d) {IN_FLIGHT} calls in flight, pspkit async >= 2x aiohttp + pydantic: "
        f"{vs('aiohttp+pydantic', 'd', 'pspkit-async')}: {at_least('aiohttp+pydantic', 'd', 2, 'pspkit-async')}.",
        *where_the_time_goes(py),
        "",
        f"### (d) {IN_FLIGHT} calls in flight (async clients, one GET each, calls/s)",
        "",
        "| client | calls/s |",
        "|---|---:|",
        *[f"| {name} | {d[name]:,.0f} |" for name in CONCURRENT],
        "",
        *side_by_side_lines(py),
        "### The server is not the limit",
        "",
        "What the fixed-response server answers per second with 8 connections busy (`examples/bench_load.rs`, "
        "measured before the clients), against the fastest client of each case:",
        "",
        "| case | server capacity | fastest client | capacity / fastest |",
        "|---|---:|---:|---:|",
        *[f"| ({case}) | {cap[case]:,.0f} | {fastest[case]:,.0f} | {cap[case] / fastest[case]:.1f}x |" for case in "abc"],
        "",
        f"Target: capacity >= 5x the fastest client in every case: {met(all(cap[k] >= 5 * fastest[k] for k in 'abc'))}.",
        "",
        "## Rust: pspkit client vs hand-written reqwest + serde",
        "",
        "Same server and calls, from `examples/bench.rs` (release), against two hand-written reqwest + serde "
        "clients: a quick one decoding the 6 fields it reads into plain types (money as `f64`, statuses and "
        "timestamps as `String`), and a complete one decoding all 13 fields of a cashout as plain types (the "
        "amount kept as its JSON text). Each builds every call's URL from its arguments (the cashout id, the page "
        "size), as pspkit does. pspkit decodes all 13 into exact decimals, open enums and timestamps and "
        "runs its retry loop (deadline, attempt span) on every call. The three clients run in short rounds whose "
        "order rotates, after a warm-up (the machine's speed drifts from second to second): 201 rounds of 50 "
        "calls each on (a) and of 20 pages on (b), about 10 ms per client, and 21 rounds on (c), each walking "
        "all cashouts once; the rates are each client's median and each ratio is the median of the per-round "
        "ratios.",
        "",
        "| call | unit | pspkit | hand-written, 6 fields | hand-written, 13 fields | pspkit / 6 fields "
        "| pspkit / 13 fields |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for row in rust["rows"]:
        title, unit = CASES[row["case"]]
        lines.append(f"| ({row['case']}) {title} | {unit} | {row['pspkit']:,.0f} | {row['hand']:,.0f} | "
                     f"{row['hand_all_fields']:,.0f} | {row['ratio']:.2f} | {row['ratio_all_fields']:.2f} |")
    worst = min(row["ratio"] for row in rust["rows"])
    worst_all = min(row["ratio_all_fields"] for row in rust["rows"])
    d = rust["decode_pages_per_s"]
    lines += [
        "",
        f"Target: at least 0.95x hand-written reqwest + serde on every case: against the 6-field client "
        f"{met(worst >= 0.95)} (lowest ratio {worst:.3f}); against the 13-field client {met(worst_all >= 0.95)} "
        f"(lowest ratio {worst_all:.3f}).",
        "",
        "Where a page's time goes: the same page's bytes decoded alone, no HTTP (pages/s, median of 21; "
        "pspkit through `pspkit::decode_answer`, its own decoding of a 2xx answer, which checks the body's "
        "UTF-8 once and reads it as text; the hand-written structs through `serde_json::from_slice`): "
        f"pspkit {d['pspkit']:,.0f}, the hand-written 6-field structs {d['hand']:,.0f}, hand-written structs "
        f"with all 13 fields as plain strings {d['hand_all_fields']:,.0f}: pspkit decodes at "
        f"{d['pspkit'] / d['hand_all_fields']:.2f}x the all-fields structs and {d['pspkit'] / d['hand']:.2f}x the "
        "6-field ones, "
        + ("so the gap on (b) and (c) is the fields the quick client never reads, not the exact types."
           if d["pspkit"] >= d["hand_all_fields"] else
           f"so of the gap on (b) and (c), the exact types (decimals, timestamps, open enums) cost "
           f"{d['hand_all_fields'] / d['pspkit'] - 1:.0%} over plain strings of the same fields, and the fields "
           "the quick client never reads the rest."),
        "",
        "## Build",
        "",
        "| what | figure |",
        "|---|---:|",
        f"| clean build of the workspace (`cargo build --workspace`, dev profile, separate target dir) "
        f"| {build['clean_s']:.1f} s |",
        f"| rebuild after editing `specs/onepay.yaml` (one operation's summary) | {build['rebuild_s']:.1f} s |",
        f"| release wheel (`just wheel`, {wheel_abi(build['wheel'])}, five providers, stripped), packed "
        f"| {build['wheel_bytes'] / 1e6:.1f} MB "
        f"({build['wheel_bytes']:,} bytes) |",
        f"| the same wheel unpacked (installed size) | {build['wheel_unpacked_bytes'] / 1e6:.1f} MB "
        f"({build['wheel_unpacked_bytes']:,} bytes) |",
        f"| `import pspkit` (fresh interpreter, median of 7) | {imports['pspkit']:.0f} ms |",
        f"| then `import pspkit.onepay` | {imports['pspkit.onepay']:.0f} ms |",
        "",
    ]
    return "\n".join(lines)


def summary(py: Dict[str, Any], rust: Dict[str, Any], build: Dict[str, Any], imports: Dict[str, float]) -> str:
    """The README's benchmark lines, from the same figures."""
    r = py["results"]
    ps = r["pspkit"]
    page_x, walk_x = judged(py, "pspkit", "httpx+pydantic", "b"), judged(py, "pspkit", "httpx+pydantic", "c")
    page_ms = judged(py, "pspkit", "httpx+msgspec", "b")
    rows = {row["case"]: row["ratio"] for row in rust["rows"]}
    rows_all = {row["case"]: row["ratio_all_fields"] for row in rust["rows"]}
    cols = ["pspkit", "pspkit-async", "httpx+pydantic", "httpx+msgspec", "requests+dicts", FLOOR]
    table = [
        "| Python | pspkit | pspkit async | httpx + pydantic | httpx + msgspec | requests + dicts "
        "| transport alone (no decoding) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for case in CASES:
        title, unit = CASES[case]
        table.append(f"| ({case}) {title}, {unit} | " + " | ".join(f"{r[n][case]['rate']:,.0f}" for n in cols) + " |")
    table.append("| (c) peak RSS | " + " | ".join(f"{r[n]['c']['peak_rss_kb'] / 1024:.0f} MiB" for n in cols) + " |")
    return "\n".join([
        *table,
        "",
        f"pspkit sync is {page_x:.2f}x httpx + pydantic on a page (target 3x: {'met' if page_x >= 3 else 'not met'}) "
        f"and {walk_x:.2f}x on the walk (target 4x: {'met' if walk_x >= 4 else 'not met'}), and {page_ms:.2f}x httpx + "
        f"msgspec on a page (target 2x: {'met' if page_ms >= 2 else 'not met'}): medians of per-round ratios, "
        "the page side by side in one process; docs/benchmarks.md has their ranges and compares with the "
        "transport alone. Walking 100,000 cashouts peaks at "
        f"{ps['c']['peak_rss_kb'] / ps['b']['peak_rss_kb']:.2f}x the memory of one page. The Rust client runs at "
        f"{rows['a']:.2f} / {rows['b']:.2f} / {rows['c']:.2f} of a hand-written reqwest + serde client that decodes "
        f"6 fields, and {rows_all['a']:.2f} / {rows_all['b']:.2f} / {rows_all['c']:.2f} of one that decodes the same "
        "13 fields, on (a) / (b) / (c). "
        f"Clean build {build['clean_s']:.0f} s, rebuild after a spec edit {build['rebuild_s']:.1f} s, wheel "
        f"{build['wheel_bytes'] / 1e6:.1f} MB ({build['wheel_unpacked_bytes'] / 1e6:.1f} MB unpacked), `import pspkit` {imports['pspkit']:.0f} ms.",
    ])


def replace_between(path: Path, start: str, end: str, body: str) -> None:
    text = path.read_text()
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    path.write_text(f"{head}{start}\n{body}\n{end}{tail}")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        print(json.dumps(measure(*sys.argv[2:6])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--breakdown":
        print(json.dumps(breakdown(sys.argv[2])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--side-by-side":
        print(json.dumps(side_by_side(*sys.argv[2:5])))
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--pages":
        read_pages(sys.argv[2], int(sys.argv[3]), sys.argv[4] == "read")
        return
    parser = argparse.ArgumentParser(description="just bench: Python, Rust and build figures")
    parser.add_argument("--server", type=Path, required=True, help="the bench_server binary")
    parser.add_argument("--load", type=Path, required=True, help="the bench_load binary")
    parser.add_argument("--rust", type=Path, required=True, help="examples/bench.rs's JSON output")
    parser.add_argument("--build", type=Path, required=True, help="scripts/build-times.sh's output")
    parser.add_argument("--wheel", type=Path, required=True, help="the release wheel")
    parser.add_argument("--reuse", action="store_true", help="rewrite the report from the last run's Python figures")
    parser.add_argument("--reconcile", type=Path, help="python/bench/reconcile_bench.py's output, appended to the report")
    args = parser.parse_args()
    saved = args.rust.parent / "python.json"
    if args.reuse:
        py = json.loads(saved.read_text())
    else:
        print("Python clients against the fixed-response server:", file=sys.stderr)
        py = python_figures(args.server, args.load)
        saved.write_text(json.dumps(py))
    rust = json.loads(args.rust.read_text())
    build = build_figures(args.build, args.wheel)
    imports = import_times()
    docs = ROOT / "docs"
    chart(py, docs / "benchmarks.png")
    text = report(py, rust, build, imports)
    if args.reconcile:
        text += "\n## Reconciliation at scale (`just bench-reconcile`)\n\n" + args.reconcile.read_text()
    (docs / "benchmarks.md").write_text(text)
    replace_between(ROOT / "README.md", "<!-- bench:start -->", "<!-- bench:end -->", summary(py, rust, build, imports))
    print((docs / "benchmarks.md").read_text())


if __name__ == "__main__":
    main()
