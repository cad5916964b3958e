"""Billing exports (issue 7 item 6): a month of 1,000,000 CDRs exported to CSV.

Reproduce: ``.venv/bin/python -m bench billing_export``. Target: under 60 s with a peak RSS
under 200 MB.

``BENCH_EXPORT_CDRS`` (default 1,000,000) CDRs of one CPO and 1,000 customers, all stopped in
February 2026, each with its CdrPricing and CdrRetail, are written with COPY into a fresh
PostgreSQL database (``emsp_bench_billing_export`` on ``BENCH_DATABASE_URL``'s server) and
ANALYZEd. Then, each in a process of its own running ``manage.py billing_export``, timed from
outside and its peak RSS read from ``resource.getrusage`` inside it:

1. partners, CSV, first time: the month is closed (one INSERT … SELECT of every CDR into the
   ledger) and every CDR is written as a settlement row, plus the totals per currency;
2. partners, CSV, again: the ledger is only read (what finance's second download costs);
3. customers, CSV: the month closed for customers and 1,000 invoice lines aggregated.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT

DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_billing_export"
CDRS = int(os.environ.get("BENCH_EXPORT_CDRS", "1000000"))
CUSTOMERS = 1000
T0 = datetime(2026, 2, 1, tzinfo=UTC)
TARGET_SECONDS, TARGET_RSS_MB = 60.0, 200.0

# Run inside the exporting process: the command, then its own peak RSS (kB on Linux).
CHILD = """
import json, resource, sys, django
django.setup()
from django.core.management import call_command
call_command("billing_export", *sys.argv[1:])
print(json.dumps({"rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), file=sys.stderr)
"""


def run() -> None:
    env = _env()
    _fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        load_seconds = isolated.submit(_load, env).result()
    print(f"billing_export: {CDRS:,} CDRs (+ pricing, retail) loaded with COPY in {load_seconds:.1f} s (ANALYZEd)")
    rows = []
    with tempfile.TemporaryDirectory() as scratch:
        env["BILLING_EXPORT_ROOT"] = str(Path(scratch) / "kept")
        for label, kind in (("partners, first (closes the month)", "partners"), ("partners, again", "partners"),
                            ("customers, first (closes the month)", "customers")):  # fmt: skip
            rows.append((label, *_export(env, kind, Path(scratch) / f"{kind}.csv")))
    print(_table(rows))


def _env() -> dict[str, str]:
    return {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings", "DEBUG": "0",
        "SECURE_HTTPS": "0", "LOG_LEVEL": "ERROR",
    }  # fmt: skip


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _load(env: dict[str, str]) -> float:
    """A partner, customers, and the CDRs with their prices, written straight with COPY."""
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    from billing.models import CdrPricing, CdrRetail
    from customers.models import Customer, PricingPlan
    from ocpi.cdrs.models import Cdr
    from partners.models import Partner

    started = time.perf_counter()
    partner = Partner.objects.create(name="Bench CPO", country_code="NL", party_id="CPO", status="REGISTERED")
    plan = PricingPlan.objects.create(name="Bench", markup_percent=Decimal(10), fee_per_session=Decimal("0.35"))
    Customer.objects.bulk_create(
        Customer(name=f"Driver {n}", email=f"d{n}@example.com", contract_id=f"NL-EMS-C{n:09d}", billing_country="NL",
                 pricing_plan=plan)
        for n in range(CUSTOMERS)
    )  # fmt: skip
    customers = list(Customer.objects.order_by("pk").values_list("pk", "contract_id"))
    now = datetime.now(UTC)
    cdr_columns = (
        "id, partner_id, country_code, party_id, ocpi_id, ocpi_id_ci, start_date_time, stop_date_time, auth_id, "
        "auth_method, token_known, customer_id, total_energy, total_time, total_cost, currency, location_id, "
        "evse_uid, connector_id, last_updated, data, received_at"
    )
    pricing_columns = (
        "cdr_id, flagged, reason, currency, cpo_total, expected_total, difference, tolerance, tariff_id, "
        "tariff_source, breakdown, warnings, computed_at, times_computed"
    )
    retail_columns = (
        "cdr_id, customer_id, pricing_plan_id, base_source, currency, base, markup, net, vat_rate, vat, total, "
        "problem, computed_at"
    )
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {Cdr._meta.db_table} ({cdr_columns}) FROM STDIN") as copy:
            for n in range(1, CDRS + 1):
                customer, contract = customers[n % CUSTOMERS]
                stop = T0 + timedelta(seconds=n * 2)  # 1,000,000 CDRs fill 23 days of February
                cost = Decimal(n % 5000) / 100 - (Decimal(5) if n % 100 == 0 else 0)  # 1 % credits
                copy.write_row((
                    n, partner.pk, "NL", "CPO", f"CDR{n:010d}", f"cdr{n:010d}", stop - timedelta(hours=1), stop,
                    contract, "WHITELIST", True, customer, 12.345, 1.0, float(cost), "EUR", "LOC1", "EVSE1", "1",
                    stop, "{}", now,
                ))  # fmt: skip
        with raw.copy(f"COPY {CdrPricing._meta.db_table} ({pricing_columns}) FROM STDIN") as copy:
            for n in range(1, CDRS + 1):
                cost = Decimal(n % 5000) / 100 - (Decimal(5) if n % 100 == 0 else 0)
                ours = cost + (Decimal("0.50") if n % 50 == 0 else 0)
                flagged = n % 50 == 0
                copy.write_row((
                    n, flagged, "differs" if flagged else "", "EUR", cost, ours, cost - ours, Decimal("0.01"), "T1",
                    "REVISION", "{}", "[]", now, 1,
                ))  # fmt: skip
        with raw.copy(f"COPY {CdrRetail._meta.db_table} ({retail_columns}) FROM STDIN") as copy:
            for n in range(1, CDRS + 1):
                customer, _ = customers[n % CUSTOMERS]
                cost = Decimal(n % 5000) / 100 - (Decimal(5) if n % 100 == 0 else 0)
                net = (cost * Decimal("1.1") + (Decimal("0.35") if cost >= 0 else 0)).quantize(Decimal("0.01"))
                vat = (net * Decimal("0.21")).quantize(Decimal("0.01"))
                copy.write_row((
                    n, customer, plan.pk, "cpo", "EUR", cost, net - cost, net, Decimal(21), vat, net + vat, "", now,
                ))  # fmt: skip
        cursor.execute(f"SELECT setval(pg_get_serial_sequence('{Cdr._meta.db_table}', 'id'), {CDRS})")
        for model in (Cdr, CdrPricing, CdrRetail, Customer):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    return time.perf_counter() - started


def _export(env: dict[str, str], kind: str, output: Path) -> tuple[float, float, int, float]:
    """Seconds, peak RSS (MB), rows and file size (MB) of one ``billing_export`` process."""
    command = [
        sys.executable, "-c", CHILD, "--period", "2026-02", "--kind", kind, "--format", "csv",
        "--output", str(output), "--json",
    ]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)  # noqa: S603 (fixed command)
    seconds = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    rss_kb = json.loads(done.stderr.strip().splitlines()[-1])["rss_kb"]
    return seconds, rss_kb / 1024, result["rows"], output.stat().st_size / 2**20


def _table(rows: list[tuple[str, float, float, int, float]]) -> str:
    lines = [
        f"billing_export: CSV of a month of {CDRS:,} CDRs (target < {TARGET_SECONDS:.0f} s, peak RSS < "
        f"{TARGET_RSS_MB:.0f} MB)",
        f"{'export':<38}{'seconds':>9}{'peak RSS MB':>13}{'rows':>11}{'file MB':>9}  target",
    ]
    for label, seconds, rss, count, size in rows:
        met = "met" if seconds < TARGET_SECONDS and rss < TARGET_RSS_MB else "MISSED"
        lines.append(f"{label:<38}{seconds:>9.1f}{rss:>13.1f}{count:>11,}{size:>9.1f}  {met}")
    return "\n".join(lines)
