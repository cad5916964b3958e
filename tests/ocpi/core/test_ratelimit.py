"""Per-partner rate limits on pushes and authorize, counted in the real Redis on 127.0.0.1."""

from __future__ import annotations

import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from ocpi.core import ratelimit
from tests.ocpi.sessions.payloads import session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/15"
    settings.OCPI_RATE_LIMIT_PREFIX = f"test-rate:{uuid.uuid4().hex}"  # a window of our own
    settings.OCPI_RATE_LIMITS = {"push": (5, 60), "authorize": (3, 60)}
    ratelimit._outage_until = 0.0
    yield settings
    ratelimit._outage_until = 0.0


def put(caller, number):
    party = f"{caller.partner.country_code}/{caller.partner.party_id}"
    return caller.call("PUT", f"sessions/{party}/{number}", json=session(id=str(number)))


def test_the_pushes_past_the_limit_are_answered_429_with_retry_after_and_the_envelope(cpo):
    assert [put(cpo, n).status_code for n in range(5)] == [201] * 5
    refused = put(cpo, 5)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    body = refused.json()
    assert body["status_code"] == 2000
    assert "at most 5 push requests per 60 s" in body["status_message"]
    assert cpo.call("GET", "sessions/NL/CPO/1").status_code == 200  # reads are not limited


def test_each_partner_has_its_own_limit(cpo, other_cpo):
    for n in range(6):
        put(cpo, n)
    assert put(other_cpo, 1).status_code == 201


def test_a_partner_factor_scales_its_limit(cpo):
    cpo.partner.rate_limit_factor = 2
    cpo.partner.save()
    assert [put(cpo, n).status_code for n in range(11)] == [201] * 10 + [429]


@pytest.mark.postgres  # parallel writes: SQLite would refuse some of them itself
def test_a_burst_from_many_connections_gets_exactly_the_limit_through(cpo, limits):
    limits.OCPI_RATE_LIMITS = {"push": (10, 60)}
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda n: put(cpo, n).status_code, range(24)))
    assert statuses.count(429) == 14
    assert len(statuses) - statuses.count(429) == 10


def test_authorize_has_a_limit_of_its_own(cpo):
    for n in range(6):
        put(cpo, n)  # the push window is spent ...
    url = "tokens/UNKNOWN/authorize"
    statuses = [cpo.call("POST", url).status_code for _ in range(4)]
    assert statuses == [404, 404, 404, 429]  # ... and authorize still had its own 3


def test_without_redis_the_api_keeps_answering_without_waiting_on_it(cpo, limits):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    limits.REDIS_URL = f"redis://127.0.0.1:{port}/0"
    started = time.monotonic()
    assert [put(cpo, n).status_code for n in range(8)] == [201] * 8
    assert time.monotonic() - started < 5  # one short timeout, then Redis is left alone for a while
    assert ratelimit._in_outage()


def test_no_redis_url_means_no_limit(cpo, limits):
    limits.REDIS_URL = ""
    assert {put(cpo, n).status_code for n in range(7)} == {201}


def test_a_malformed_limit_setting_names_the_variable(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from emsp.env import env_rate

    monkeypatch.setenv("OCPI_RATE_LIMIT_PUSH", "many")
    with pytest.raises(ImproperlyConfigured, match="OCPI_RATE_LIMIT_PUSH: expected REQUESTS/SECONDS"):
        env_rate("OCPI_RATE_LIMIT_PUSH", (1, 1))
    monkeypatch.setenv("OCPI_RATE_LIMIT_PUSH", "off")
    assert env_rate("OCPI_RATE_LIMIT_PUSH", (1, 1)) is None
