"""Pulling a large CPO network (issue 6 item 6): the sync worker against the CPO simulator.

"run s" is the pull itself (the SyncRun's start to end: pages read, validated and written, and
removals settled); "process s" adds the worker process starting Django and ending.

1. 40,000 locations / 100,000 EVSEs: a full pull at limit 1,000 (target < 15 s) and at limit 20
   (target < 45 s) into an empty database; a repeat with no changes (target < 10 s, zero rows
   rewritten); the worker's peak RSS (target < 150 MB).
2. 400,000 locations / 1,000,000 EVSEs: a full pull at limit 1,000; peak RSS (target < 200 MB).

The worker is ``manage.py partner_sync`` in its own process (its peak RSS is read with
``wait4``); the simulator runs in another process; the database is PostgreSQL
(``BENCH_DATABASE_URL``, else ``DATABASE_URL``, names the server; the benchmark creates and
drops its own database, ``BENCH_SYNC_DATABASE``, default ``emsp_bench_sync``). "Rows
rewritten" counts Location, EVSE and connector rows whose ``xmin`` is newer than the
transaction id taken before the run.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
TOKEN = "bench-sync-token"  # noqa: S105 - a benchmark's fixed token
DATABASE = os.environ.get("BENCH_SYNC_DATABASE", "emsp_bench_sync")
SETS = (
    ("40,000 locations / 100,000 EVSEs", 40_000, ((1000, 15.0, 150), (20, 45.0, 150))),
    ("400,000 locations / 1,000,000 EVSEs", 400_000, ((1000, None, 200),)),
)
TABLES = ("ocpi_locations_location", "ocpi_locations_evse", "ocpi_locations_connector")


def run() -> None:
    server = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not server.startswith(("postgres://", "postgresql://")):
        print("sync: skipped (set BENCH_DATABASE_URL=postgresql://… : the benchmark needs PostgreSQL)")
        return
    url = _database_url(server, DATABASE)
    print(f"sync: full pulls of Locations by `manage.py partner_sync` (load average {_load()})")
    print(
        "| data set | run | limit | pages | created | unchanged | rows rewritten | run s | process s | target s "
        "| peak RSS MB |"
    )
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, locations, pulls in SETS:
        with _Simulator(locations) as cpo_url:
            for limit, target, rss_target in pulls:
                _fresh_database(server, url)
                partner_id = _partner(url, cpo_url)
                first = _pull(url, partner_id, limit)
                _row(label, "full pull, empty database", limit, first, target=target, rss=rss_target)
                if limit == 1000 and target is not None:
                    again = _pull(url, partner_id, limit)
                    _row(label, "full pull again, no change", limit, again, target=10.0, rss=rss_target)
    _drop(server, DATABASE)
    print(f"load average after: {_load()}")


def _row(label: str, name: str, limit: int, result: dict[str, Any], *, target: float | None, rss: int) -> None:
    verdict = "" if target is None else (" (meets)" if result["run_seconds"] < target else " (MISSES)")
    rss_verdict = " (meets)" if result["rss_mb"] < rss else " (MISSES)"
    print(
        f"| {label} | {name} | {limit} | {result['pages']} | {result['created']} | {result['unchanged']} "
        f"| {result['rewritten']} | {result['run_seconds']:.1f} | {result['seconds']:.1f} | {target or '—'}{verdict} "
        f"| {result['rss_mb']:.0f} (< {rss}{rss_verdict}) |"
    )


def _pull(url: str, partner_id: int, limit: int) -> dict[str, Any]:
    before = _sql(url, "SELECT txid_current()")
    command = [
        sys.executable, "manage.py", "partner_sync", "--partner", str(partner_id), "--module", "locations",
        "--full", "--limit", str(limit), "--json",
    ]  # fmt: skip
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=_env(url), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)  # noqa: S603
    assert process.stdout is not None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    (result,) = json.loads(output)
    assert result["status"] == "SUCCEEDED", result
    newer = f"WHERE xmin::text::bigint > {int(before)}"
    rewritten = sum(int(_sql(url, f"SELECT count(*) FROM {table} {newer}")) for table in TABLES)  # noqa: S608
    run_seconds = (
        datetime.fromisoformat(result["finished_at"]) - datetime.fromisoformat(result["started_at"])
    ).total_seconds()
    return {
        **result,
        "seconds": seconds,
        "run_seconds": run_seconds,
        "rss_mb": usage.ru_maxrss / 1024,
        "rewritten": rewritten,
    }


def _partner(url: str, cpo_url: str) -> int:
    code = (
        "import django; django.setup()\n"
        "from partners.models import Partner\n"
        "from partners.tokens import encrypt_token\n"
        f"endpoints = {{m: '{cpo_url}/' + m for m in ('locations', 'sessions', 'cdrs', 'tariffs')}}\n"
        "p = Partner.objects.create(name='Bench CPO', country_code='NL', party_id='SIM', status='REGISTERED',"
        f" version='2.1.1', endpoints=endpoints, their_token_encrypted=encrypt_token('{TOKEN}'), request_timeout=120)\n"
        "print(p.pk)\n"
    )
    output = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=_env(url), capture_output=True, check=True)  # noqa: S603
    return int(output.stdout.strip().splitlines()[-1])


def _env(url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_ALLOW_PRIVATE_URLS": "1",
        "DEBUG": "0",
    }


def _fresh_database(server: str, url: str) -> None:
    _drop(server, DATABASE)
    _sql(server, f'CREATE DATABASE "{DATABASE}"')
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], cwd=ROOT, env=_env(url), check=True
    )


def _drop(server: str, name: str) -> None:
    _sql(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sql(url: str, statement: str) -> Any:
    import psycopg

    with psycopg.connect(_libpq(url), autocommit=True) as connection:
        cursor = connection.execute(statement)
        row = cursor.fetchone() if cursor.description else None
    return row[0] if row else None


def _libpq(url: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def _database_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


class _Simulator:
    """The CPO simulator in a child process with ``TOKEN`` registered; yields its 2.1.1 URL."""

    def __init__(self, locations: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.parent, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, locations), daemon=True)

    def __enter__(self) -> str:
        self.process.start()
        return str(self.parent.recv())

    def __exit__(self, *exc: object) -> None:
        self.parent.send("stop")
        self.process.join(timeout=30)


def _serve(pipe: Connection, locations: int) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emsp.settings")
    django.setup()
    from types import MappingProxyType

    from ocpi.simulator import CpoSimulator, Dataset
    from ocpi.simulator.store import Registration

    dataset = Dataset(locations=locations, evses_per_location=2.5, sessions=100, cdrs=100, tariffs=20)
    with CpoSimulator(port=0, dataset=dataset) as simulator:
        registration = Registration(
            token="unused",  # noqa: S106
            versions_url="http://127.0.0.1:1/versions",
            version_url="http://127.0.0.1:1/2.1.1",
            endpoints=MappingProxyType({}),
            country_code="NL",
            party_id="EMS",
            business_details=MappingProxyType({"name": "Bench"}),
            initiated_by="emsp",
        )
        simulator.context.store.set_registration(registration, issued_token=TOKEN)
        pipe.send(simulator.url + "/ocpi/cpo/2.1.1")
        while pipe.recv() != "stop":
            pass
