"""PostgreSQL stopped for 30 s under load: every request is answered fast (under 5 s) with a
503 and the envelope, and the platform serves again once PostgreSQL is back, without a restart.

The cluster, and the platform pointed at it, belong to this test (tests/support/services.py)."""

from __future__ import annotations

import time

import pytest
import requests

from tests.ocpi.sessions.payloads import session
from tests.support.services import Platform, PostgresCluster

TOKEN = "faults-cpo-token"
OUTAGE_SECONDS = 30


@pytest.fixture(scope="module")
def platform():
    cluster = PostgresCluster()
    cluster.start()
    platform = Platform({"DATABASE_URL": cluster.create_database("emsp_faults"), "OCPI_JOURNAL_ENABLED": "1"})
    try:
        platform.manage("migrate", "--noinput", "-v0")
        platform.manage(
            "shell", "--no-imports", "-c",
            "from partners.models import Partner; from partners.tokens import token_hash; "
            f"Partner.objects.create(name='Faults CPO', country_code='NL', party_id='CPO', status='REGISTERED', "
            f"access_token_hash=token_hash('{TOKEN}'), version='2.1.1')",
        )  # fmt: skip
        platform.web(workers=2)
        platform.cluster = cluster  # type: ignore[attr-defined]
        yield platform
    finally:
        platform.close()
        cluster.close()


def put_session(platform, number: int) -> tuple[int, float, dict]:
    started = time.monotonic()
    try:
        answer = requests.put(
            f"{platform.base_url}/ocpi/emsp/2.1.1/sessions/NL/CPO/S{number}", json=session(id=f"S{number}"),
            headers={"Authorization": f"Token {TOKEN}"}, timeout=10,
        )  # fmt: skip
    except requests.RequestException as exc:
        return 0, time.monotonic() - started, {"error": str(exc)}
    return answer.status_code, time.monotonic() - started, answer.json()


def test_a_database_outage_is_answered_fast_and_served_through_once_it_is_back(platform):
    assert [put_session(platform, n)[0] for n in range(5)] == [201] * 5

    platform.cluster.stop()
    during: list[tuple[int, float, dict]] = []
    stopped_at = time.monotonic()
    while time.monotonic() - stopped_at < OUTAGE_SECONDS:
        during.append(put_session(platform, len(during)))
        time.sleep(0.2)
    platform.cluster.start()

    assert len(during) > 50
    assert max(elapsed for _, elapsed, _ in during) < 5  # fail fast: no request hangs on the database
    assert {status for status, _, _ in during} == {503}
    assert {body["status_code"] for _, _, body in during} == {3000}

    recovered, deadline = None, time.monotonic() + 15
    while recovered is None and time.monotonic() < deadline:
        status, _, _ = put_session(platform, 1000)
        recovered = status if status in (200, 201) else None
        time.sleep(0.5)
    assert recovered in (200, 201)  # the same gunicorn workers, new connections
    assert [put_session(platform, n)[0] for n in range(5)] == [200] * 5  # the sessions stored before are there
