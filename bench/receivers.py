"""The receivers of CPO pushes (issue 4): validation speed and a mixed inbound load.

1. Validation on one core: full Session objects (JSON bytes → ``ocpi.sessions.schemas.Session``)
   and PATCH bodies (Session and EVSE), objects per second.
2. Mixed inbound load with the journal on, against gunicorn (2 sync workers) and PostgreSQL:
   70 % Session and EVSE PATCH, 25 % Session PUT, 5 % CDR POST, realistic bodies, sustained for
   ``BENCH_RECEIVERS_SECONDS`` (default 60) from 6 client processes.
3. The same server and clients against the nested-DRF-serializer twin of Session PUT
   (``bench/drf``): Session PUT only on each endpoint, and the mixed load with its PUTs sent to the
   twin, ``BENCH_RECEIVERS_COMPARE_SECONDS`` (default 20) each, so the ratio shows.

Needs PostgreSQL: the server of ``BENCH_DATABASE_URL`` (default 127.0.0.1:5432), where it
creates the database ``emsp_bench_receivers`` afresh on every run.
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
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT, _free_port, _wait_for_port

# A database of its own, made afresh each run: the load leaves thousands of objects behind.
DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_receivers"
TOKEN = "bench-receivers-token"  # noqa: S105 (a benchmark partner's token)
SECONDS = float(os.environ.get("BENCH_RECEIVERS_SECONDS", "60"))
COMPARE_SECONDS = float(os.environ.get("BENCH_RECEIVERS_COMPARE_SECONDS", "20"))
CLIENTS = 6
# gunicorn's advice for sync workers is 2 × cores + 1; on this 2-core box 4 measured best
# (2: 296/s, 4: 368/s on the same load, bench/RESULTS.md).
WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))  # as Procfile: sync workers wait on PostgreSQL
LOCATIONS = 100  # pushes spread over many sites, as in real traffic (one site's row lock serialises its EVSEs)
EVSES = 4
SESSIONS = 200
BASE = "/ocpi/emsp/2.1.1"
DRF_SESSIONS = "/bench/drf/sessions"  # the twin of f"{BASE}/sessions" (bench/drf/urls.py)
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def run() -> None:
    print(_validation_table())
    _fresh_database()
    env = _env()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    _create_partner(env)
    print(_load_table(env))
    print(_comparison_table(env))


# --- payloads ------------------------------------------------------------------------------------


def _stamp(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def _connector(index: int) -> dict[str, Any]:
    return {
        "id": str(index), "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
        "voltage": 230, "amperage": 32, "tariff_id": "T1", "last_updated": _stamp(0),
    }  # fmt: skip


def _evse(index: int) -> dict[str, Any]:
    return {
        "uid": f"EVSE-{index}", "evse_id": f"NL*CPO*E{index}", "status": "AVAILABLE",
        "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE"],
        "connectors": [_connector(1), _connector(2)], "physical_reference": str(index),
        "last_updated": _stamp(0),
    }  # fmt: skip


def _location(evses: int, location_id: str = "LOC-BENCH") -> dict[str, Any]:
    return {
        "id": location_id, "type": "ON_STREET", "name": "Bench square", "address": "Stationsplein 1",
        "city": "Amsterdam", "postal_code": "1012AB", "country": "NLD",
        "coordinates": {"latitude": "52.378901", "longitude": "4.900272"},
        "evses": [_evse(index) for index in range(evses)],
        "operator": {"name": "Bench CPO"}, "time_zone": "Europe/Amsterdam", "last_updated": _stamp(0),
    }  # fmt: skip


def _session(session_id: str, minutes: float, periods: int = 10) -> dict[str, Any]:
    location = _location(1)
    return {
        "id": session_id, "start_datetime": _stamp(0), "kwh": 12.5, "auth_id": "NL-EMS-C00000001-A",
        "auth_method": "WHITELIST", "location": location, "currency": "EUR", "status": "ACTIVE",
        "charging_periods": [
            {"start_date_time": _stamp(period), "dimensions": [
                {"type": "ENERGY", "volume": 1.25}, {"type": "TIME", "volume": 0.25},
                {"type": "MAX_CURRENT", "volume": 32},
            ]}
            for period in range(periods)
        ],
        "total_cost": 4.25, "last_updated": _stamp(minutes),
    }  # fmt: skip


def _cdr(cdr_id: str) -> dict[str, Any]:
    session = _session("S", 10, periods=3)
    return {
        "id": cdr_id, "start_date_time": _stamp(0), "stop_date_time": _stamp(60), "auth_id": session["auth_id"],
        "auth_method": "WHITELIST", "location": session["location"], "currency": "EUR",
        "charging_periods": session["charging_periods"], "total_cost": 4.25, "total_energy": 12.5,
        "total_time": 1.0, "total_parking_time": 0.1, "last_updated": _stamp(61),
    }  # fmt: skip


# --- validation ---------------------------------------------------------------------------------


def _validation_table() -> str:
    import msgspec

    _setup_django(_env())
    from ocpi.locations.schemas import EvsePatch
    from ocpi.sessions.schemas import Session, SessionPatch

    sessions = [json.dumps(_session(f"S{index}", index)).encode() for index in range(256)]
    patches = [
        json.dumps({"kwh": index / 10, "status": "ACTIVE", "last_updated": _stamp(index)}).encode()
        for index in range(256)
    ]
    evse_patches = [json.dumps({"status": "CHARGING", "last_updated": _stamp(index)}).encode() for index in range(256)]
    rows = [
        ("full Session (1 EVSE, 10 periods), JSON bytes", Session, sessions, 50_000),
        ("Session PATCH (3 fields), JSON bytes", SessionPatch, patches, 300_000),
        ("EVSE PATCH (status), JSON bytes", EvsePatch, evse_patches, None),
    ]
    lines = [
        "receivers: validation on one core (msgspec, best / median of 21 runs)",
        "| object | best /s | median /s | target |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, kind, bodies, target in rows:
        best, median = _rate(lambda body, kind=kind: msgspec.json.decode(body, type=kind), bodies)
        lines.append(f"| {label} | {best:,.0f} | {median:,.0f} | {f'≥ {target:,}' if target else '—'} |")
    best, median = _rate(_drf_valid, sessions[:16], repeats=5)
    lines.append(f"| full Session, nested DRF serializers (bench/drf) | {best:,.0f} | {median:,.0f} | — |")
    return "\n".join(lines)


def _drf_valid(body: bytes) -> None:
    from bench.drf.serializers import SessionSerializer

    serializer = SessionSerializer(data=json.loads(body))
    if not serializer.is_valid():  # both validators must agree on the benchmark's bodies
        raise AssertionError(f"the DRF twin refuses a valid Session: {serializer.errors}")


def _rate(function: Any, bodies: list[bytes], repeats: int = 21) -> tuple[float, float]:
    rates = []
    for _ in range(repeats):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < 0.05:
            for body in bodies:
                function(body)
            count += len(bodies)
        rates.append(count / (time.perf_counter() - started))
    return max(rates), statistics.median(rates)


# --- mixed load ----------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_JOURNAL_ENABLED": "1", "SECURE_HTTPS": "0", "DEBUG": "0", "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
    }  # fmt: skip


def _setup_django(env: dict[str, str]) -> None:
    os.environ.update(env)
    import django

    django.setup()


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _create_partner(env: dict[str, str]) -> None:
    script = (
        "from partners.models import Partner; from partners.tokens import token_hash;"
        f"Partner.objects.create(name='Bench CPO', country_code='NL', party_id='CPO', status='REGISTERED',"
        f" access_token_hash=token_hash('{TOKEN}'), version='2.1.1')"
    )
    command = [sys.executable, "manage.py", "shell", "--no-imports", "-c", script]
    subprocess.run(command, cwd=ROOT, env=env, check=True)  # noqa: S603 (our own manage.py)


def _load_table(env: dict[str, str]) -> str:
    results = _load(env, mode="mixed", seconds=SECONDS)
    title = (
        f"\nreceivers: mixed inbound load, journal on, gunicorn {WORKERS} sync workers + PostgreSQL, "
        f"{CLIENTS} clients, {SECONDS:.0f} s"
    )
    rows = [("mixed (70 % PATCH, 25 % PUT, 5 % CDR POST)", results)]
    return _summarise(title, rows, "≥ 400/s, p99 < 50 ms, 0 errors")


def _comparison_table(env: dict[str, str]) -> str:
    env = {**env, "DJANGO_SETTINGS_MODULE": "bench.drf.settings"}
    runs = [
        ("Session PUT only, msgspec endpoint", "put"),
        ("Session PUT only, nested DRF twin", "put-drf"),
        ("mixed, its PUTs to the nested DRF twin", "mixed-drf"),
    ]
    rows = [(label, _load(env, mode=mode, seconds=COMPARE_SECONDS)) for label, mode in runs]
    title = (
        f"\nreceivers: msgspec against nested DRF serializers, same server and clients, {COMPARE_SECONDS:.0f} s each"
    )
    return _summarise(title, rows, "—")


def _load(env: dict[str, str], *, mode: str, seconds: float) -> list[dict[str, Any]]:
    port = _free_port()
    command = [
        sys.executable, "-m", "gunicorn", "emsp.wsgi", "--bind", f"127.0.0.1:{port}",
        "--workers", str(WORKERS), "--worker-class", "sync", "--log-level", "error",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        _wait_for_port(port)
        _seed(port)
        deadline = time.time() + seconds
        jobs = [(port, deadline, seed, mode) for seed in range(CLIENTS)]
        with ProcessPoolExecutor(max_workers=CLIENTS) as pool:
            results = list(pool.map(_client, jobs))
    finally:
        server.terminate()
        server.wait(timeout=30)
    for result in results:
        result["seconds"] = [seconds]
    return results


def _seed(port: int, token: str = TOKEN) -> None:
    for index in range(LOCATIONS):
        _send(port, "PUT", f"{BASE}/locations/NL/CPO/LOC-{index}", _location(EVSES, f"LOC-{index}"), token)
    for index in range(SESSIONS):
        _send(port, "PUT", f"{BASE}/sessions/NL/CPO/S{index}", _session(f"S{index}", 0), token)


def seed(port: int, *, token: str) -> None:
    """The locations and sessions the mixed load pushes to, for the NL/CPO partner of ``token``."""
    _seed(port, token)


def pushes_open_loop(port: int, *, token: str, rate: float, seconds: float, clients: int = CLIENTS) -> dict[str, Any]:
    """The mixed push load at a fixed ``rate`` (open loop: each client on its own schedule), for
    benchmarks that run it beside another load; latencies in seconds, and the errors."""
    start = time.time() + 1.0
    jobs = [(port, token, rate / clients, seconds, start, seed) for seed in range(clients)]
    with ProcessPoolExecutor(max_workers=clients) as pool:
        parts = list(pool.map(_open_loop_client, jobs))
    return {
        "latencies": sorted(x for part in parts for x in part["latencies"]),
        "errors": [x for part in parts for x in part["errors"]],
    }


def _open_loop_client(job: tuple[int, str, float, float, float, int]) -> dict[str, list[Any]]:
    port, token, rate, seconds, start, seed = job
    chooser = random.Random(seed)
    latencies: list[float] = []
    errors: list[str] = []
    interval, step = 1 / rate, 0
    due = start + chooser.random() * interval
    while due < start + seconds:
        pause = due - time.time()
        if pause > 0:
            time.sleep(pause)
        step += 1
        method, path, body = _pick(chooser, seed, step, "mixed")
        status, elapsed = _send(port, method, path, body, token)
        latencies.append(elapsed)
        if status >= 300:
            errors.append(f"{method} {path.rsplit('/', 2)[-2]} → {status}")
        due += interval
    return {"latencies": latencies, "errors": errors}


def _send(port: int, method: str, path: str, body: Any, token: str = TOKEN) -> tuple[int, float]:
    payload = json.dumps(body).encode()
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=payload, headers=headers)
        response = connection.getresponse()
        response.read()
        status = response.status
    finally:
        connection.close()
    return status, time.perf_counter() - started


def _client(job: tuple[int, float, int, str]) -> dict[str, list[Any]]:
    port, deadline, seed, mode = job
    chooser = random.Random(seed)
    latencies: list[float] = []
    errors: list[str] = []
    step = 0
    while time.time() < deadline:
        step += 1
        method, path, body = _pick(chooser, seed, step, mode)
        status, elapsed = _send(port, method, path, body)
        latencies.append(elapsed)
        if status >= 300:
            errors.append(f"{method} {path.rsplit('/', 2)[-2]} → {status}")
    return {"latencies": latencies, "errors": errors}


def _pick(chooser: random.Random, seed: int, step: int, mode: str) -> tuple[str, str, Any]:
    """One request of the load: ``mode`` is mixed or put, ending in -drf for the twin's PUT."""
    roll = 0.9 if mode.startswith("put") else chooser.random()
    minutes = 1 + step / 100 + seed / 1000
    session_id = f"S{chooser.randrange(SESSIONS)}"
    sessions = DRF_SESSIONS if mode.endswith("-drf") else f"{BASE}/sessions"
    if roll < 0.35:
        period = {"start_date_time": _stamp(minutes), "dimensions": [{"type": "ENERGY", "volume": 0.5}]}
        body = {"kwh": round(step / 10, 2), "last_updated": _stamp(minutes), "charging_periods": [period]}
        return "PATCH", f"{BASE}/sessions/NL/CPO/{session_id}", body
    if roll < 0.70:
        evse = f"LOC-{chooser.randrange(LOCATIONS)}/EVSE-{chooser.randrange(EVSES)}"
        status = chooser.choice(["AVAILABLE", "CHARGING", "BLOCKED"])
        return "PATCH", f"{BASE}/locations/NL/CPO/{evse}", {"status": status, "last_updated": _stamp(minutes)}
    if roll < 0.95:
        return "PUT", f"{sessions}/NL/CPO/{session_id}", _session(session_id, minutes)
    return "POST", f"{BASE}/cdrs", _cdr(f"CDR-{seed}-{step}")


def _summarise(title: str, rows: list[tuple[str, list[dict[str, list[Any]]]]], target: str) -> str:
    lines = [
        title,
        "| load | requests | requests/s | p50 ms | p99 ms | errors | target |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    first_errors: list[str] = []
    for label, results in rows:
        latencies = sorted(latency for result in results for latency in result["latencies"])
        errors = [error for result in results for error in result["errors"]]
        seconds = results[0]["seconds"][0]
        p99 = latencies[int(len(latencies) * 0.99)] * 1000
        lines.append(
            f"| {label} | {len(latencies):,} | {len(latencies) / seconds:,.0f} | "
            f"{statistics.median(latencies) * 1000:.1f} | {p99:.1f} | {len(errors)} | {target} |"
        )
        first_errors += errors[:5]
    if first_errors:
        lines.append(f"first errors: {first_errors[:5]}")
    return "\n".join(lines)
