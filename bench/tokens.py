"""The tokens we serve (issue 5): walking the list of 1,000,000 tokens, and real-time authorization.

1. Load ``BENCH_TOKENS`` tokens (default 1,000,000, 100 per customer) with COPY into a fresh
   PostgreSQL database (``emsp_bench_tokens`` on the server of ``BENCH_DATABASE_URL``), then
   walk ``GET tokens?limit=1000`` following ``Link`` to the end against gunicorn (2 sync
   workers, journal on): per-page latency p50/p99/max, first and last page, the whole walk.
   Targets: p99 < 100 ms per page, last page within 2× of the first, full walk < 5 minutes.
2. Real-time authorization at a fixed rate (``BENCH_AUTHORIZE_RATE``, default 200 requests/s,
   ``BENCH_AUTHORIZE_SECONDS``, default 30 s), open loop: each request is sent at its scheduled
   time whatever the previous answers took. ``authorize_load`` is reusable: a mixed-load
   benchmark can run it beside its own traffic against the same server.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT, _free_port, _wait_for_port

DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_tokens"
TOKEN = "bench-tokens-token"  # noqa: S105 (a benchmark partner's token)
TOKENS = int(os.environ.get("BENCH_TOKENS", "1000000"))
PER_CUSTOMER = 100
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))  # as Procfile: sync workers wait on PostgreSQL
PAGE = 1000
RATE = float(os.environ.get("BENCH_AUTHORIZE_RATE", "200"))
AUTHORIZE_SECONDS = float(os.environ.get("BENCH_AUTHORIZE_SECONDS", "30"))
AUTHORIZE_CLIENTS = int(os.environ.get("BENCH_AUTHORIZE_CLIENTS", "8"))
# Skip the load and reuse the database of the last run (same BENCH_TOKENS), e.g. to repeat a part.
REUSE = os.environ.get("BENCH_TOKENS_REUSE", "") == "1"
BASE = "/ocpi/emsp/2.1.1"
T0 = datetime(2025, 1, 1, tzinfo=UTC)


def run() -> None:
    env = _env()
    _fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        load_seconds = isolated.submit(_load_tokens, env).result()
    print(f"tokens: {TOKENS:,} tokens loaded with COPY in {load_seconds:.1f} s (ANALYZEd)")
    with Server(env) as port:
        warm_up(port, token=TOKEN)
        print(_walk_table(walk(port, token=TOKEN)))
        # An incremental sync: only the most recently updated 10 % (date_from), as a CPO pulls daily.
        recent = (T0 + timedelta(seconds=int(TOKENS * 0.9) * 30)).strftime("%Y-%m-%dT%H:%M:%SZ")
        print(_walk_table(walk(port, token=TOKEN, query=f"date_from={recent}"), f"date_from={recent} (last 10 %)"))
        uids = [_uid(index) for index in random.Random(7).sample(range(TOKENS), min(TOKENS, 5000))]
        load = authorize_load(
            port, token=TOKEN, uids=uids, rate=RATE, seconds=AUTHORIZE_SECONDS, clients=AUTHORIZE_CLIENTS
        )
        print(_authorize_table(load))


# --- setup -----------------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_JOURNAL_ENABLED": "1", "SECURE_HTTPS": "0", "DEBUG": "0", "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,testserver", "OCPI_PAGE_MAX_LIMIT": str(PAGE),
    }  # fmt: skip


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _uid(index: int) -> str:
    return f"{index:014X}"


def _load_tokens(env: dict[str, str]) -> float:
    """The partner, customers and tokens, written straight with COPY (the services would take hours)."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from customers.models import Customer, PricingPlan
    from ocpi.tokens.models import Token
    from ocpi.tokens.services import tokens_tally_refresh
    from partners.models import Partner
    from partners.tokens import token_hash

    started = time.perf_counter()
    Partner.objects.create(
        name="Bench CPO", country_code="NL", party_id="CPO", status="REGISTERED",
        access_token_hash=token_hash(TOKEN), version="2.1.1",
    )  # fmt: skip
    plan = PricingPlan.objects.create(name="Bench")
    customers = (TOKENS + PER_CUSTOMER - 1) // PER_CUSTOMER
    Customer.objects.bulk_create((_customer(Customer, n, plan) for n in range(customers)), batch_size=5000)
    first_customer = Customer.objects.order_by("pk").values_list("pk", flat=True).first() or 0
    now = datetime.now(UTC)
    columns = (
        "uid, type, auth_id, visual_number, issuer, valid, whitelist, language, last_updated, customer_id, created"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the psycopg cursor, for COPY
        with raw.copy(f"COPY {Token._meta.db_table} ({columns}) FROM STDIN") as copy:
            for index in range(TOKENS):
                customer = index // PER_CUSTOMER
                copy.write_row((
                    _uid(index), "RFID" if index % 10 else "OTHER", f"NL-EMS-C{customer:09d}",
                    f"NL-EMS-{index:010d}", "Open eMSP", index % 50 != 0, "ALLOWED", "nl",
                    T0 + timedelta(seconds=index * 30), first_customer + customer, now,
                ))  # fmt: skip
        cursor.execute(f"VACUUM ANALYZE {Token._meta.db_table}")
        cursor.execute(f"ANALYZE {Customer._meta.db_table}")
    tokens_tally_refresh()  # COPY went around the services that keep the tally
    return time.perf_counter() - started


def _customer(model: Any, number: int, plan: Any) -> Any:
    return model(
        name=f"Driver {number}", email=f"driver{number}@example.com", contract_id=f"NL-EMS-C{number:09d}",
        billing_country="NL", pricing_plan=plan,
    )  # fmt: skip


class Server:
    """gunicorn (sync workers, as in production) on a free port for the duration of a block."""

    def __init__(self, env: dict[str, str], workers: int = WORKERS) -> None:
        self.env = env
        self.workers = workers
        self.port = _free_port()

    def __enter__(self) -> int:
        command = [
            sys.executable, "-m", "gunicorn", "emsp.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", str(self.workers), "--worker-class", "sync", "--log-level", "error",
        ]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stderr=subprocess.DEVNULL)  # noqa: S603
        _wait_for_port(self.port)
        return self.port

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def warm_up(port: int, *, token: str, requests: int = 20) -> None:
    """A few small requests first, so every worker has imported and connected (steady state)."""
    for _ in range(requests):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", f"{BASE}/tokens?limit=1", headers={"Authorization": f"Token {token}"})
            connection.getresponse().read()
        finally:
            connection.close()


# --- the list walk ---------------------------------------------------------------------------------


@dataclass
class Walk:
    pages: list[float]  # seconds per page, in walk order
    tokens: int
    seconds: float
    errors: list[str]


def walk(port: int, *, token: str, limit: int = PAGE, query: str = "") -> Walk:
    """GET the tokens list page by page, following ``Link`` like a CPO, one connection per page."""
    path: str | None = f"{BASE}/tokens?limit={limit}" + (f"&{query}" if query else "")
    pages: list[float] = []
    errors: list[str] = []
    count = 0
    started = time.perf_counter()
    while path:
        begun = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        try:
            connection.request("GET", path, headers={"Authorization": f"Token {token}"})
            response = connection.getresponse()
            body = response.read()
            link = response.getheader("Link")
        finally:
            connection.close()
        pages.append(time.perf_counter() - begun)
        if response.status != 200:
            errors.append(f"{path} → {response.status}")
            break
        count += len(json.loads(body)["data"])
        path = _next_path(link)
    return Walk(pages=pages, tokens=count, seconds=time.perf_counter() - started, errors=errors)


def _next_path(link: str | None) -> str | None:
    if not link:
        return None
    url = link[link.index("<") + 1 : link.index(">")]
    return url[url.index("/ocpi/") :]


def _walk_table(result: Walk, label: str = "") -> str:
    pages = sorted(result.pages)
    p99 = pages[min(len(pages) - 1, int(len(pages) * 0.99))] * 1000
    first, last = result.pages[0] * 1000, result.pages[-1] * 1000
    # One page is noisy on a shared box: compare the first and last ten pages too.
    if not pages:
        return f"no pages: {result.errors}"
    head = statistics.median(result.pages[:10]) * 1000
    tail = statistics.median(result.pages[-10:]) * 1000
    lines = [
        f"\ntokens: GET list walk{', ' + label if label else ''}, limit={PAGE}, following Link, "
        f"gunicorn {WORKERS} sync workers + PostgreSQL",
        "| tokens | pages | p50 ms | p99 ms | max ms | first ms | last ms | first 10 / last 10 (median) ms "
        "| walk s | errors |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        f"| {result.tokens:,} | {len(pages):,} | {statistics.median(pages) * 1000:.1f} | {p99:.1f} | "
        f"{pages[-1] * 1000:.1f} | {first:.1f} | {last:.1f} | {head:.1f} / {tail:.1f} | {result.seconds:.1f} | "
        f"{len(result.errors)} |",
        "targets: p99 < 100 ms per page; last page within 2× of the first; walk < 300 s",
    ]
    if result.errors:
        lines.append(f"errors: {result.errors[:3]}")
    return "\n".join(lines)


# --- real-time authorization -----------------------------------------------------------------------


@dataclass
class Load:
    latencies: list[float]  # seconds, request sent → answer read
    late: list[float]  # seconds each request left after its scheduled time
    scheduled: list[float]  # seconds from the scheduled time to the answer (late + latency)
    results: dict[str, int]
    errors: list[str]
    seconds: float
    rate: float


def authorize_load(
    port: int, *, token: str, uids: Sequence[str], rate: float, seconds: float, clients: int = 8
) -> Load:
    """POST ``tokens/{uid}/authorize`` (with LocationReferences) at ``rate`` requests/s for
    ``seconds``, open loop from ``clients`` processes, each sending on its own schedule."""
    start = time.time() + 1.0
    jobs = [(port, token, list(uids), rate / clients, seconds, start, seed) for seed in range(clients)]
    with ProcessPoolExecutor(max_workers=clients) as pool:
        parts = list(pool.map(_authorize_client, jobs))
    results: dict[str, int] = {}
    for part in parts:
        for key, value in part["results"].items():
            results[key] = results.get(key, 0) + value
    return Load(
        latencies=sorted(x for part in parts for x in part["latencies"]),
        late=sorted(x for part in parts for x in part["late"]),
        scheduled=sorted(a + b for part in parts for a, b in zip(part["late"], part["latencies"], strict=True)),
        results=results,
        errors=[x for part in parts for x in part["errors"]],
        seconds=seconds,
        rate=rate,
    )


def _authorize_client(job: tuple[int, str, list[str], float, float, float, int]) -> dict[str, Any]:
    port, token, uids, rate, seconds, start, seed = job
    chooser = random.Random(seed)
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    latencies: list[float] = []
    late: list[float] = []
    results: dict[str, int] = {}
    errors: list[str] = []
    interval = 1 / rate
    due = start + chooser.random() * interval  # clients interleave instead of firing together
    while due < start + seconds:
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        late.append(max(0.0, time.time() - due))
        body = json.dumps({"location_id": f"LOC-{chooser.randrange(500)}", "evse_uids": ["EVSE-1", "EVSE-2"]})
        begun = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            connection.request("POST", f"{BASE}/tokens/{chooser.choice(uids)}/authorize", body=body, headers=headers)
            response = connection.getresponse()
            answer = response.read()
        finally:
            connection.close()
        latencies.append(time.perf_counter() - begun)
        if response.status == 200:
            allowed = json.loads(answer)["data"]["allowed"]
            results[allowed] = results.get(allowed, 0) + 1
        else:
            errors.append(f"HTTP {response.status}")
        due += interval
    return {"latencies": latencies, "late": late, "results": results, "errors": errors}


def authorize_summary(load: Load) -> dict[str, float]:
    """p50/p99/max in ms and the achieved rate, for tables of other benchmarks too."""
    latencies = load.latencies
    return {
        "requests": len(latencies),
        "rate": len(latencies) / load.seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] * 1000,
        "max_ms": latencies[-1] * 1000,
        "late_p99_ms": load.late[min(len(load.late) - 1, int(len(load.late) * 0.99))] * 1000,
        "scheduled_p99_ms": load.scheduled[min(len(load.scheduled) - 1, int(len(load.scheduled) * 0.99))] * 1000,
    }


def _authorize_table(load: Load) -> str:
    summary = authorize_summary(load)
    lines = [
        f"\ntokens: real-time authorization alone, open loop at {load.rate:.0f} requests/s for {load.seconds:.0f} s "
        f"from {AUTHORIZE_CLIENTS} client processes, gunicorn {WORKERS} sync workers + PostgreSQL, journal on",
        "| requests | requests/s | p50 ms | p99 ms | max ms | sent late p99 ms | p99 from schedule ms | answers "
        "| errors | target |",
        "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | --- |",
        f"| {summary['requests']:,.0f} | {summary['rate']:,.0f} | {summary['p50_ms']:.1f} | {summary['p99_ms']:.1f} | "
        f"{summary['max_ms']:.1f} | {summary['late_p99_ms']:.1f} | {summary['scheduled_p99_ms']:.1f} | "
        f"{', '.join(f'{k} {v}' for k, v in sorted(load.results.items()))} | {len(load.errors)} | p99 < 50 ms |",
    ]
    if load.errors:
        lines.append(f"errors: {load.errors[:3]}")
    return "\n".join(lines)
