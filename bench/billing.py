"""Billing: how fast the tariff engine prices CDRs, and the whole verification of one CDR.

Reproduce: ``.venv/bin/python -m bench billing``. No target is set in issue 7 for pricing; the
figures say whether pricing every CDR on arrival (one Celery task each) can keep up with
pushes and pulls.

1. The engine alone (``billing.engine.price_cdr``, no database), on three shapes: the spec's
   CDR example (one period, one element); the spec's complex tariff over four periods on a
   weekday (power, day and clock restrictions); a 14-hour session across midnight in 28 periods
   under the 2.2.1 step-size tariff (clock cuts in every hour's periods).
2. The verification service (``billing.services.cdr_price``: read the CDR, find the revision
   valid at its start, price, write CdrPricing and CdrRetail) on PostgreSQL
   (``BENCH_DATABASE_URL``'s server, database ``emsp_bench_billing``, created afresh), over
   ``BENCH_BILLING_CDRS`` (default 2,000) stored CDRs of a customer of ours.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.journal import DATABASE_URL as _JOURNAL_DATABASE_URL
from bench.journal import ROOT

DATABASE_URL = _JOURNAL_DATABASE_URL.rsplit("/", 1)[0] + "/emsp_bench_billing"
CDRS = int(os.environ.get("BENCH_BILLING_CDRS", "2000"))
EXAMPLES = ROOT.parent / "shared" / "ocpi" / "examples"  # as tests/support/schemas.py finds it
ISO = "%Y-%m-%dT%H:%M:%SZ"
STAMP = "2026-01-01T00:00:00Z"


def run() -> None:
    rows = [(name, *_rate(price)) for name, price in _engine_cases()]
    service = _service()
    print("billing — pricing CDRs (single process)")
    print(f"{'case':<62} {'CDRs/s':>9} {'ms/CDR':>8}")
    for name, rate, per in rows:
        print(f"{name:<62} {rate:>9,.0f} {per:>8.3f}")
    print(
        f"{'verification service on PostgreSQL (cdr_price, ' + str(CDRS) + ' CDRs)':<62} {service['rate']:>9,.0f} "
        f"{service['mean_ms']:>8.3f}   p50 {service['p50_ms']:.2f} ms, p95 {service['p95_ms']:.2f} ms"
    )


def _rate(price: Callable[[], Any], seconds: float = 2.0) -> tuple[float, float]:
    """Median of five runs of ``seconds`` each: CDRs per second and ms per CDR."""
    rates = []
    for _ in range(5):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds / 5:
            price()
            count += 1
        rates.append(count / (time.perf_counter() - started))
    rate = statistics.median(rates)
    return rate, 1000 / rate


def _engine_cases() -> list[tuple[str, Callable[[], Any]]]:
    from billing.engine import price_cdr

    spec_cdr = json.loads((EXAMPLES / "2.1.1" / "cdrs_cdr_example.json").read_text())
    complex_tariff = json.loads((EXAMPLES / "2.1.1" / "tariffs_tariff_example_complex.json").read_text())
    step_tariff = json.loads((EXAMPLES / "2.2.1" / "tariff_14_step_size.json").read_text())
    weekday = _cdr(datetime(2026, 1, 14, 8, 0, tzinfo=UTC), periods=4, minutes=60, parking_last=True)
    overnight = _cdr(datetime(2026, 1, 14, 12, 0, tzinfo=UTC), periods=28, minutes=30, parking_last=True)
    return [
        ("spec CDR example, 2 EUR/h (1 period)", lambda: price_cdr(spec_cdr, spec_cdr["tariffs"][0])),
        ("complex tariff, 4 periods, weekday", lambda: price_cdr(weekday, complex_tariff)),
        ("step-size tariff, 14 h across midnight, 28 periods", lambda: price_cdr(overnight, step_tariff)),
    ]


def _cdr(start: datetime, *, periods: int, minutes: int, parking_last: bool) -> dict[str, Any]:
    step = timedelta(minutes=minutes)
    charging = [
        {
            "start_date_time": (start + step * i).strftime(ISO),
            "dimensions": [{"type": "ENERGY", "volume": 11 * minutes / 60}, {"type": "TIME", "volume": minutes / 60}],
        }
        for i in range(periods - 1 if parking_last else periods)
    ]
    if parking_last:
        charging.append(
            {
                "start_date_time": (start + step * (periods - 1)).strftime(ISO),
                "dimensions": [{"type": "PARKING_TIME", "volume": minutes / 60}],
            }
        )
    return {
        "id": "BENCH",
        "start_date_time": start.strftime(ISO),
        "stop_date_time": (start + step * periods).strftime(ISO),
        "location": {"id": "LOC1", "country": "NLD", "time_zone": "Europe/Amsterdam"},
        "currency": "EUR",
        "charging_periods": charging,
        "total_cost": 0,
        "total_energy": 11 * minutes / 60 * (periods - 1),
        "total_time": minutes * periods / 60,
    }


def _service() -> dict[str, float]:
    env = {
        **os.environ, "DATABASE_URL": DATABASE_URL, "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "SECURE_HTTPS": "0", "DEBUG": "0", "LOG_LEVEL": "ERROR", "OCPI_JOURNAL_ENABLED": "0",
    }  # fmt: skip
    _fresh_database()
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    with ProcessPoolExecutor(max_workers=1) as isolated:  # Django is set up in a child, not here
        return isolated.submit(_measure_service, env).result()


def _fresh_database() -> None:
    import psycopg

    admin_url, name = DATABASE_URL.rsplit("/", 1)
    with psycopg.connect(f"{admin_url}/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')


def _measure_service(env: dict[str, str]) -> dict[str, float]:
    os.environ.update(env)
    import django

    django.setup()
    from billing import services
    from ocpi.cdrs import schemas as cdr_schemas
    from ocpi.cdrs.services import cdr_receive
    from ocpi.core.wire import convert
    from ocpi.tariffs import schemas as tariff_schemas
    from ocpi.tariffs.services import tariff_put
    from partners.models import Partner

    partner = Partner.objects.create(
        name="Bench CPO", status=Partner.Status.REGISTERED, country_code="NL", party_id="BEN"
    )
    party: dict[str, Any] = {"partner_id": partner.pk, "country_code": "NL", "party_id": "BEN"}
    complex_tariff = json.loads((EXAMPLES / "2.1.1" / "tariffs_tariff_example_complex.json").read_text())
    tariff_put(**party, tariff=convert(complex_tariff, tariff_schemas.Tariff))
    ids = [_stored_cdr(cdr_receive, convert, cdr_schemas, party, index) for index in range(CDRS)]
    timings = []
    for cdr_id in ids:
        started = time.perf_counter()
        services.cdr_price(cdr_id=cdr_id)
        timings.append(time.perf_counter() - started)
    timings_ms = sorted(t * 1000 for t in timings)
    return {
        "rate": len(timings) / sum(timings),
        "mean_ms": statistics.fmean(timings_ms),
        "p50_ms": timings_ms[len(timings_ms) // 2],
        "p95_ms": timings_ms[int(len(timings_ms) * 0.95)],
    }


def _stored_cdr(receive: Any, convert: Any, schemas: Any, party: dict[str, Any], index: int) -> int:
    start = datetime(2026, 1, 5, 6, 0, tzinfo=UTC) + timedelta(minutes=37 * index)
    cdr = _cdr(start, periods=4, minutes=45, parking_last=True)
    connector = {
        "id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE", "voltage": 230,
        "amperage": 32, "tariff_id": "11", "last_updated": "2026-01-01T00:00:00Z",
    }  # fmt: skip
    cdr.update(
        id=f"BENCH{index:07d}",
        auth_id="NL-EMS-BENCH",
        auth_method="WHITELIST",
        total_cost=7.5,
        last_updated=cdr["stop_date_time"],
        location={
            **cdr["location"], "type": "ON_STREET", "address": "Dam 1", "city": "Amsterdam", "postal_code": "1012",
            "coordinates": {"latitude": "52.373000", "longitude": "4.893000"},
            "evses": [{"uid": "E1", "status": "AVAILABLE", "connectors": [connector], "last_updated": STAMP}],
            "last_updated": "2026-01-01T00:00:00Z",
        },
    )  # fmt: skip
    cdr_id, _ = receive(**party, cdr=convert(cdr, schemas.CDR))
    return int(cdr_id)
