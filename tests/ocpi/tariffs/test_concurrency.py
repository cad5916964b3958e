"""Parallel pushes of one tariff serialise on its row: the newest ``last_updated`` wins and every
accepted write leaves exactly one revision (PostgreSQL row locks)."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ocpi.tariffs.models import Tariff, TariffRevision
from tests.ocpi.tariffs.support import tariff, url

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _parallel(cpo, calls):
    def send(call):
        method, body = call
        with requests.Session() as session:
            response = session.request(
                method,
                f"{cpo.base_url}/ocpi/emsp/2.1.1/{url()}",
                json=body,
                headers={"Authorization": f"Token {cpo.token}"},
                timeout=30,
            )
        return response.status_code, response.json()["status_code"]

    with ThreadPoolExecutor(max_workers=10) as pool:
        return list(pool.map(send, calls))


def test_it_ends_in_the_newest_state_after_parallel_shuffled_patches(cpo):
    cpo.call("PUT", url(), json=tariff(last_updated="2015-01-01T00:00:00Z"))
    patches = [
        ("PATCH", {"currency": f"C{minute:02d}", "last_updated": f"2015-06-01T00:{minute:02d}:00Z"})
        for minute in range(40)
    ]
    random.shuffle(patches)

    results = _parallel(cpo, patches)

    assert set(results) == {(200, 1000)}
    data = cpo.call("GET", url()).json()["data"]
    assert data["currency"] == "C39"
    assert data["last_updated"] == "2015-06-01T00:39:00Z"
    assert data["elements"] == tariff()["elements"]


def test_it_stores_a_tariff_once_when_first_puts_race(cpo):
    puts = [("PUT", tariff(last_updated=f"2015-06-01T00:{minute:02d}:00Z")) for minute in range(20)]
    random.shuffle(puts)

    results = _parallel(cpo, puts)

    assert sorted(status for status, _ in results).count(201) >= 1
    assert all(status in (200, 201) and code == 1000 for status, code in results)
    assert Tariff.objects.count() == 1
    assert cpo.call("GET", url()).json()["data"]["last_updated"] == "2015-06-01T00:19:00Z"
    valid_from = list(TariffRevision.objects.values_list("valid_from", flat=True))
    assert len(valid_from) == len(set(valid_from)) <= 20


def test_it_never_loses_a_patched_field_to_a_racing_put(cpo):
    cpo.call("PUT", url(), json=tariff(last_updated="2015-01-01T00:00:00Z"))
    calls = [("PUT", tariff(last_updated="2015-06-01T00:00:00Z"))] * 5 + [
        ("PATCH", {"currency": "USD", "last_updated": "2015-06-01T00:00:01Z"})
    ] * 5
    random.shuffle(calls)

    _parallel(cpo, calls)

    data = cpo.call("GET", url()).json()["data"]
    assert data["currency"] == "USD"
    assert data["last_updated"] == "2015-06-01T00:00:01Z"
