"""Remote commands (issue 5 item 5) against gunicorn (sync workers) + PostgreSQL and the CPO simulator.

1. Round trip: ``BENCH_COMMANDS`` UNLOCK_CONNECTOR commands sent one after another through the
   service (store, POST to the simulator, record its answer), the simulator calling the result
   back at once: the time to send, and from the start of the send to the command being FINISHED.
2. Result URL load: ``BENCH_COMMAND_RESULTS`` pending commands, each given its result by the
   simulator's token from ``BENCH_COMMAND_CLIENTS`` client threads at once (closed loop): the
   rate our endpoint takes them and the latency of each POST.

No target is set by the issue; the figures say what a staff click or a CLI call costs and how many
results a CPO can post at once before they queue.
"""

from __future__ import annotations

import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any
from urllib.parse import urlsplit

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT
from bench.tokens import Server

DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_commands"
COMMANDS = int(os.environ.get("BENCH_COMMANDS", "200"))
RESULTS = int(os.environ.get("BENCH_COMMAND_RESULTS", "2000"))
CLIENTS = int(os.environ.get("BENCH_COMMAND_CLIENTS", "8"))


def run() -> None:
    env = {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_JOURNAL_ENABLED": "1", "SECURE_HTTPS": "0", "DEBUG": "0", "LOG_LEVEL": "ERROR",
        "ALLOWED_HOSTS": "127.0.0.1,localhost", "OCPI_ALLOW_PRIVATE_URLS": "1",
    }  # fmt: skip
    _fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = Server(env)
    env["OCPI_BASE_URL"] = f"http://127.0.0.1:{server.port}"
    with server, ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        figures = isolated.submit(_measure, env).result()
    print(_table(figures, workers=server.workers))


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _measure(env: dict[str, str]) -> dict[str, Any]:
    os.environ.update(env)
    import django

    django.setup()
    from ocpi.simulator import ClientOptions, CpoSimulator
    from ocpi.simulator.generate import Dataset
    from partners.models import Partner
    from partners.services import partner_invite

    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=30.0)
    with CpoSimulator(port=0, dataset=Dataset(locations=4, sessions=0, cdrs=0), client_options=options) as sim:
        invitation = partner_invite(name="Bench simulator")
        sim.register_with(invitation.versions_url, invitation.token)
        sim.commands.callback_delay = 0.0
        partner = Partner.objects.get(pk=invitation.partner.pk)
        sends, finals = _round_trips(sim, partner)
        rate, latencies = _result_load(partner, str(sim.emsp_token), env["OCPI_BASE_URL"])
    return {"sends": sends, "finals": finals, "rate": rate, "latencies": latencies}


def _round_trips(sim: Any, partner: Any) -> tuple[list[float], list[float]]:
    from ocpi.commands.models import Command
    from ocpi.commands.services import command_unlock_connector

    evse = sim.data.find("locations", "LOC0000001")[1]["evses"][0]
    sends, finals = [], []
    for _ in range(COMMANDS):
        started = time.perf_counter()
        command = command_unlock_connector(
            partner=partner, location_id="LOC0000001", evse_uid=evse["uid"], connector_id=evse["connectors"][0]["id"]
        )
        sends.append(time.perf_counter() - started)
        while not command.is_final:
            time.sleep(0.002)
            command.refresh_from_db(fields=["state"])
        finals.append(time.perf_counter() - started)
        assert Command.objects.get(pk=command.pk).succeeded, command.pk
    return sends, finals


def _result_load(partner: Any, token: str, base_url: str) -> tuple[float, list[float]]:
    from datetime import timedelta

    from django.utils import timezone

    from ocpi.commands.models import Command

    now = timezone.now()
    Command.objects.bulk_create(
        Command(
            partner=partner, type="UNLOCK_CONNECTOR", state="ACCEPTED", request={}, response_token=f"bench-{number}",
            url="http://127.0.0.1/commands/UNLOCK_CONNECTOR", requested_at=now, deadline=now + timedelta(hours=1),
        )
        for number in range(RESULTS)
    )  # fmt: skip
    host = urlsplit(base_url)
    pending = list(range(RESULTS))
    lock = threading.Lock()
    latencies: list[float] = []

    def client() -> None:
        connection = http.client.HTTPConnection(host.hostname or "127.0.0.1", host.port, timeout=60)
        headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
        while True:
            with lock:
                if not pending:
                    break
                number = pending.pop()
            started = time.perf_counter()
            connection.request(
                "POST", f"/ocpi/emsp/2.1.1/commands/UNLOCK_CONNECTOR/bench-{number}", b'"ACCEPTED"', headers
            )
            response = connection.getresponse()
            response.read()
            assert response.status == 200, response.status
            with lock:
                latencies.append(time.perf_counter() - started)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    finished = Command.objects.filter(response_token__startswith="bench-", state="FINISHED")  # noqa: S106
    assert finished.count() == RESULTS
    return RESULTS / seconds, latencies


def _ms(values: list[float], quantile: float) -> str:
    ordered = sorted(values)
    return f"{ordered[min(len(ordered) - 1, int(quantile * len(ordered)))] * 1000:.1f}"


def _table(figures: dict[str, Any], *, workers: int) -> str:
    rows = [
        ("send (store, POST, answer)", figures["sends"]),
        ("send to FINISHED (result back)", figures["finals"]),
        (f"result POST, {CLIENTS} clients", figures["latencies"]),
    ]
    lines = [
        f"\ncommands: gunicorn {workers} sync workers + PostgreSQL, the CPO simulator in process, journal on",
        f"{'':34} {'n':>6} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}",
    ]
    for name, values in rows:
        lines.append(
            f"{name:34} {len(values):>6} {statistics.median(values) * 1000:>8.1f} {_ms(values, 0.99):>8}"
            f" {max(values) * 1000:>8.1f}"
        )
    lines.append(f"result POSTs taken: {figures['rate']:.0f}/s")
    return "\n".join(lines)
