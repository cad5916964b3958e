"""Cost of the traffic journal on the request path.

Two views of the same question, on PostgreSQL:

1. in-process, one core: the full Django request path (middleware, DRF, auth, envelope) for an
   authenticated ``GET /ocpi/emsp/versions`` and a ``POST`` of a 1 kB JSON body, with the
   journal off and on; the difference is what the journal costs per request;
2. end to end: gunicorn with 2 sync workers (as in production) driven by 6 client processes
   (one new connection per request, like gunicorn sync), journal off and on.

Needs PostgreSQL: ``BENCH_DATABASE_URL`` (default postgresql://postgres@127.0.0.1:5432/emsp_bench;
the database is created when missing).
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/emsp_bench")
TOKEN = "bench-journal-token"  # noqa: S105 (accepted only by bench.support.resolve)
RESOLVER = "bench.support.resolve"
DURATION_S = float(os.environ.get("BENCH_JOURNAL_SECONDS", "8"))
CLIENT_PROCESSES = 6
BODY = b'{"name": "bench", "filler": "' + b"x" * 1000 + b'"}'
REQUESTS = (("GET versions", "GET", None), ("POST 1 kB JSON (404)", "POST", BODY))
PATHS = {"GET": "/ocpi/emsp/versions", "POST": "/ocpi/emsp/2.1.1/nothing"}


def run() -> None:
    _ensure_database()
    _migrate()
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        print(isolated.submit(_in_process_table).result())
    print(f"\njournal, end to end: gunicorn 2 sync workers, {DURATION_S:.0f} s per row, {CLIENT_PROCESSES} clients")
    print("| journal | request | requests/s | p50 ms | p99 ms |")
    print("| --- | --- | ---: | ---: | ---: |")
    for enabled in (False, True):
        with _Server(journal=enabled) as port:
            for label, method, body in REQUESTS:
                rate, p50, p99 = _load(port, method, body)
                print(f"| {'on' if enabled else 'off'} | {label} | {rate:,.0f} | {p50:.2f} | {p99:.2f} |")


def _env(journal: bool) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_CREDENTIALS_RESOLVER": RESOLVER,
        "OCPI_JOURNAL_ENABLED": "1" if journal else "0",
        "SECURE_HTTPS": "0",
        "DEBUG": "0",
        "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
    }


def _ensure_database() -> None:
    import psycopg

    admin_url = DATABASE_URL.rsplit("/", 1)[0] + "/postgres"
    name = DATABASE_URL.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{name}"')


def _migrate() -> None:
    command = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env=_env(True), check=True)  # noqa: S603 (our own manage.py)


def _in_process_table(rounds: int = 3000) -> str:
    os.environ.update(_env(True))
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {TOKEN}", raise_request_exception=False)
    lines = [
        f"journal, in-process on one core ({rounds} requests per cell, best of 3)",
        "| request | journal off µs | journal on µs | journal cost µs |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, method, body in REQUESTS:
        cost = {}
        for enabled in (False, True):
            settings.OCPI_JOURNAL_ENABLED = enabled
            cost[enabled] = min(_time_requests(client, method, body, rounds) for _ in range(3))
        lines.append(f"| {label} | {cost[False]:.0f} | {cost[True]:.0f} | {cost[True] - cost[False]:.0f} |")
    return "\n".join(lines)


def _time_requests(client: Any, method: str, body: bytes | None, rounds: int) -> float:
    path = PATHS[method]
    started = time.perf_counter()
    for _ in range(rounds):
        if body is None:
            client.get(path)
        else:
            client.generic(method, path, body, content_type="application/json")
    return (time.perf_counter() - started) / rounds * 1e6


class _Server:
    """gunicorn on a free port for the duration of a block."""

    def __init__(self, *, journal: bool) -> None:
        self.journal = journal
        self.port = _free_port()

    def __enter__(self) -> int:
        command = [
            sys.executable, "-m", "gunicorn", "emsp.wsgi", "--bind", f"127.0.0.1:{self.port}",
            "--workers", "2", "--worker-class", "sync", "--log-level", "error",
        ]  # fmt: skip
        self.process = subprocess.Popen(  # noqa: S603 (fixed command)
            command, cwd=ROOT, env=_env(self.journal), stderr=subprocess.DEVNULL
        )
        _wait_for_port(self.port)
        return self.port

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def _load(port: int, method: str, body: bytes | None) -> tuple[float, float, float]:
    deadline = time.time() + DURATION_S
    jobs = [(port, method, body, deadline)] * CLIENT_PROCESSES
    with ProcessPoolExecutor(max_workers=len(jobs)) as pool:
        latencies = sorted(latency for result in pool.map(_client, jobs) for latency in result)
    p99 = latencies[int(len(latencies) * 0.99)]
    return len(latencies) / DURATION_S, statistics.median(latencies) * 1000, p99 * 1000


def _client(job: tuple[int, str, bytes | None, float]) -> list[float]:
    port, method, body, deadline = job
    headers = {"Authorization": f"Token {TOKEN}", "Content-Type": "application/json"}
    latencies = []
    while time.time() < deadline:
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request(method, PATHS[method], body=body, headers=headers)
        connection.getresponse().read()
        connection.close()
        latencies.append(time.perf_counter() - started)
    return latencies


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")
