"""The staff console on large tables (issue 8 item 4): 100,000 sessions and 1,000,000 tokens.

Loads ``BENCH_CONSOLE_SESSIONS`` sessions (default 100,000), ``BENCH_CONSOLE_TOKENS`` tokens
(default 1,000,000, 100 per customer), 20,000 CDRs, 2,000 locations with 2 EVSEs each into a
fresh PostgreSQL database (``emsp_bench_console`` on the server of ``BENCH_DATABASE_URL``),
ANALYZEs it, then renders each main admin page through Django's test client as a superuser
(``BENCH_CONSOLE_REPEAT`` times, default 7) and prints latency p50/max and the queries per page.
Target: every page under 300 ms at p50 with a flat number of queries.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import timedelta

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT

DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_console"
SESSIONS = int(os.environ.get("BENCH_CONSOLE_SESSIONS", "100000"))
TOKENS = int(os.environ.get("BENCH_CONSOLE_TOKENS", "1000000"))
REPEAT = int(os.environ.get("BENCH_CONSOLE_REPEAT", "7"))
PER_CUSTOMER = 100
PAGES = (
    ("dashboard", "/admin/"),
    ("sessions", "/admin/ocpi_sessions/session/"),
    ("sessions ACTIVE", "/admin/ocpi_sessions/session/?status__exact=ACTIVE"),
    ("sessions page 500", "/admin/ocpi_sessions/session/?p=500"),
    ("sessions search auth_id", "/admin/ocpi_sessions/session/?q=NL-EMS-C000000004"),
    ("sessions search anywhere", "/admin/ocpi_sessions/session/?q=ZZZ-NOT-THERE"),
    ("session detail", "/admin/ocpi_sessions/session/{session}/change/"),
    ("tokens", "/admin/ocpi_tokens/token/"),
    ("tokens search uid", "/admin/ocpi_tokens/token/?q=U000000500000"),
    ("tokens search e-mail", "/admin/ocpi_tokens/token/?q=d5000@"),
    ("tokens search anywhere", "/admin/ocpi_tokens/token/?q=ZZZ-NOT-THERE"),
    ("token detail", "/admin/ocpi_tokens/token/{token}/change/"),
    ("customers", "/admin/customers/customer/"),
    ("audit trail", "/admin/console/auditentry/"),
    ("cdrs", "/admin/ocpi_cdrs/cdr/"),
    ("locations", "/admin/ocpi_locations/location/"),
    ("locations map", "/admin/console/map/"),
)


def run() -> None:
    env = {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings", "DEBUG": "0",
        "SECURE_HTTPS": "0", "LOG_LEVEL": "ERROR", "ALLOWED_HOSTS": "testserver",
    }  # fmt: skip
    _fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        print(isolated.submit(_measure, env).result())


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _measure(env: dict[str, str]) -> str:
    os.environ.update(env)
    import django

    django.setup()
    from django.test.utils import override_settings

    loaded = _load()
    # Pages render without collectstatic: plain static URLs, as in development.
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={"default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
                                     "staticfiles": plain}):  # fmt: skip
        return _table(loaded, [_page(name, url) for name, url in PAGES])


def _load() -> str:
    from django.db import connection

    from ocpi.tokens.models import Token
    from tests.console import makers

    started = time.perf_counter()
    owner = makers.partner("Bench CPO")
    tokens = _tokens()
    sample = list(Token.objects.order_by("pk")[:1000])
    makers.sessions(owner, SESSIONS, tokens=sample, active=50)
    makers.cdrs(owner, 20_000, flagged=100, conflicts=20)
    makers.locations(owner, 2_000)
    makers.commands(owner, 200)
    makers.token_pushes(owner, sample[:300])
    makers.journal(owner, 5_000)
    makers.sync_runs(owner)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f"{SESSIONS:,} sessions, {len(tokens):,} tokens loaded in {time.perf_counter() - started:.0f} s"


def _tokens() -> range:
    from decimal import Decimal

    from django.utils import timezone

    from customers.models import Customer, PricingPlan
    from ocpi.tokens.models import Token

    plan = PricingPlan.objects.create(name="Bench plan", markup_percent=Decimal(10))
    customers = Customer.objects.bulk_create(
        Customer(name=f"Driver {i}", email=f"d{i}@example.com", contract_id=f"NL-EMS-C{i:09d}", pricing_plan=plan)
        for i in range(TOKENS // PER_CUSTOMER)
    )
    now = timezone.now()
    for first in range(0, TOKENS, 20_000):
        Token.objects.bulk_create(
            (
                Token(
                    uid=f"U{i:012d}",
                    auth_id=customers[i // PER_CUSTOMER].contract_id,
                    issuer="Open eMSP",
                    customer=customers[i // PER_CUSTOMER],
                    last_updated=now - timedelta(seconds=i),
                )
                for i in range(first, min(first + 20_000, TOKENS))
            ),
            batch_size=5_000,
        )
    return range(TOKENS)


def _page(name: str, url: str) -> tuple[str, float, float, int]:
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from ocpi.sessions.models import Session
    from ocpi.tokens.models import Token

    user = User.objects.filter(username="bench").first() or User.objects.create_superuser("bench", password=None)
    client = Client()
    client.force_login(user)
    url = url.format(session=Session.objects.order_by("pk").values_list("pk", flat=True)[0],
                     token=Token.objects.order_by("-pk").values_list("pk", flat=True)[0])  # fmt: skip
    client.get(url)  # warm
    timings = []
    for _ in range(REPEAT):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return name, statistics.median(timings), max(timings), len(captured)


def _table(loaded: str, rows: list[tuple[str, float, float, int]]) -> str:
    lines = [f"console: {loaded}", f"{'page':<26}{'p50 ms':>9}{'max ms':>9}{'queries':>9}"]
    lines += [f"{name:<26}{p50:>9.1f}{worst:>9.1f}{queries:>9}" for name, p50, worst, queries in rows]
    return "\n".join(lines)
