"""The CPO simulator serving the issue-6 data sets: how fast a page of its lists is answered and
how much memory the simulator holds, so the sync benchmarks know the CPO side is not the limit.

1. 40,000 locations / 100,000 EVSEs (plus 10,000 sessions and CDRs): one page of 1,000 at the
   start, middle and end (p50/p99 over repeated GETs), and full ``Link`` walks at limit 1,000 and 20;
2. 400,000 locations / 1,000,000 EVSEs: the same pages and a full walk at limit 1,000.

The simulator runs in a child process (its peak RSS is its own); the client is one keep-alive
``requests`` session on the same machine. No database is needed.
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import time
from multiprocessing.connection import Connection
from typing import Any

import requests

TOKEN = "bench-simulator-token"  # noqa: S105 - a benchmark's fixed token
REPEAT = int(os.environ.get("BENCH_SIMULATOR_REPEAT", "20"))
SETS = (
    ("40,000 locations / 100,000 EVSEs", {"locations": 40_000, "sessions": 10_000, "cdrs": 10_000}, (1000, 20)),
    ("400,000 locations / 1,000,000 EVSEs", {"locations": 400_000, "sessions": 10_000, "cdrs": 10_000}, (1000,)),
)


def run() -> None:
    print("simulator: GET one page of 1,000 (ms over", REPEAT, "GETs each) and full Link walks")
    print("| data set | request | p50 ms | p99 ms | pages | walk s |")
    print("| --- | --- | ---: | ---: | ---: | ---: |")
    for label, sizes, walks in SETS:
        p50, p99 = _in_process(sizes)
        print(f"| {label} | in process: locations page of 1000 built + JSON encoded | {p50:.1f} | {p99:.1f} | | |")
        with _Simulator(sizes) as (url, peak_rss):
            for module, offset in (("locations", 0), ("locations", "middle"), ("locations", "last"), ("sessions", 0)):
                p50, p99 = _page_times(url, module, offset, sizes)
                print(f"| {label} | {module} offset {offset}, limit 1000 | {p50:.1f} | {p99:.1f} | | |")
            for limit in walks:
                pages, seconds = _walk(url, limit)
                print(f"| {label} | locations full walk, limit {limit} | | | {pages} | {seconds:.1f} |")
            print(f"| {label} | simulator peak RSS: {peak_rss() / 1024:.0f} MB | | | | |")


def _dataset(sizes: dict[str, int]) -> Any:
    from ocpi.simulator.generate import Dataset

    return Dataset(
        locations=sizes["locations"], sessions=sizes["sessions"], cdrs=sizes["cdrs"], evses_per_location=2.5, tariffs=20
    )


def _in_process(sizes: dict[str, int]) -> tuple[float, float]:
    """What the simulator itself spends on a page (no HTTP, no client): generate and encode."""
    import msgspec

    from ocpi.simulator.data import SimData

    data = SimData(_dataset(sizes))
    timings = []
    for repeat in range(REPEAT):
        began = time.perf_counter()
        page = data["locations"].page(offset=(repeat * 997) % (sizes["locations"] - 1000), limit=1000)
        msgspec.json.encode([obj for _, obj in page.items])
        timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]


def _page_times(url: str, module: str, offset: Any, sizes: dict[str, int]) -> tuple[float, float]:
    count = sizes["locations"] if module == "locations" else sizes[module]
    start = {0: 0, "middle": count // 2, "last": count - 1000}[offset]
    params: dict[str, str | int] = {"offset": start, "limit": 1000, "date_from": "2020-01-01T00:00:00Z"}
    timings = []
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {TOKEN}"
        for _ in range(REPEAT):
            began = time.perf_counter()
            response = session.get(f"{url}/{module}", params=params, timeout=60)
            response.raise_for_status()
            assert len(response.json()["data"]) == 1000
            timings.append((time.perf_counter() - began) * 1000)
    timings.sort()
    return statistics.median(timings), timings[min(len(timings) - 1, round(0.99 * (len(timings) - 1)))]


def _walk(url: str, limit: int) -> tuple[int, float]:
    pages = 0
    next_url: str | None = f"{url}/locations?limit={limit}"
    began = time.perf_counter()
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {TOKEN}"
        while next_url:
            response = session.get(next_url, timeout=60)
            response.raise_for_status()
            response.json()
            pages += 1
            next_url = response.links.get("next", {}).get("url")
    return pages, time.perf_counter() - began


class _Simulator:
    """A simulator in a child process with ``TOKEN`` registered; yields its 2.1.1 URL and a
    function reading its peak RSS (kB)."""

    def __init__(self, sizes: dict[str, int]) -> None:
        self.sizes = sizes
        context = multiprocessing.get_context("spawn")
        self.parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, sizes), daemon=True)

    def __enter__(self) -> tuple[str, Any]:
        self.process.start()
        url = self.parent.recv()

        def peak_rss() -> int:
            self.parent.send("rss")
            return int(self.parent.recv())

        return url, peak_rss

    def __exit__(self, *exc: object) -> None:
        self.parent.send("stop")
        self.process.join(timeout=30)


def _serve(pipe: Connection, sizes: dict[str, int]) -> None:
    import resource

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emsp.settings")
    django.setup()
    from types import MappingProxyType

    from ocpi.simulator import CpoSimulator
    from ocpi.simulator.store import Registration

    dataset = _dataset(sizes)
    with CpoSimulator(port=0, dataset=dataset) as simulator:
        registration = Registration(
            token="unused",  # noqa: S106
            versions_url="http://127.0.0.1:1/versions",
            version_url="http://127.0.0.1:1/2.1.1",
            endpoints=MappingProxyType({}),
            country_code="NL",
            party_id="BEN",
            business_details=MappingProxyType({"name": "Bench"}),
            initiated_by="emsp",
        )
        simulator.context.store.set_registration(registration, issued_token=TOKEN)
        pipe.send(simulator.url + "/ocpi/cpo/2.1.1")
        while (message := pipe.recv()) != "stop":
            if message == "rss":
                pipe.send(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
