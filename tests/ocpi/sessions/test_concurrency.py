"""Parallel pushes of one Session serialise on its row (PostgreSQL row locks)."""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
import requests

from ocpi.core.types import format_datetime
from tests.ocpi.sessions.payloads import served, session

URL = "sessions/NL/CPO/101"
BASE = datetime(2020, 1, 1, tzinfo=UTC)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def in_parallel(cpo, calls, url=URL):
    """Run (method, body) calls against the live server at once, each on its own connection."""

    def send(call):
        method, body = call
        with requests.Session() as http:
            response = http.request(
                method,
                f"{cpo.base_url}/ocpi/emsp/2.1.1/{url}",
                json=body,
                headers={"Authorization": f"Token {cpo.token}"},
                timeout=30,
            )
        return response.status_code, response.json()["status_code"]

    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(send, calls))


@pytest.mark.parametrize("round_", range(3))
def test_it_ends_50_parallel_patches_with_shuffled_last_updated_in_the_newest_state(cpo, round_):
    url = f"sessions/NL/CPO/R{round_}"
    cpo.call("PUT", url, json=session(id=f"R{round_}", last_updated=format_datetime(BASE)))
    patches = [
        ("PATCH", {"kwh": float(i), "total_cost": i / 10, "last_updated": format_datetime(BASE + timedelta(seconds=i))})
        for i in range(1, 51)
    ]
    random.shuffle(patches)
    assert set(in_parallel(cpo, patches, url)) == {(200, 1000)}
    data = cpo.call("GET", url).json()["data"]
    assert (data["kwh"], data["total_cost"]) == (50.0, 5.0)
    assert data["last_updated"] == format_datetime(BASE + timedelta(seconds=50))


def test_it_never_loses_a_field_when_a_put_races_a_patch(cpo):
    same_time = format_datetime(BASE + timedelta(seconds=1))
    put = session(kwh=77.0, meter_id="NEW-METER", total_cost=1.0, last_updated=same_time)
    period = session()["charging_periods"][0]
    patch = {"total_cost": 3.0, "charging_periods": [period], "last_updated": same_time}
    # Either order, serialised: the PUT's fields always survive; the PATCH lands on top of the
    # PUT or is replaced by it, never on a copy read before the PUT.
    put_then_patch = served({**put, "total_cost": 3.0, "charging_periods": [*put["charging_periods"], period]})
    patch_then_put = served(put)
    for _ in range(15):
        cpo.call("PUT", URL, json=session(last_updated=format_datetime(BASE)))
        assert set(in_parallel(cpo, [("PUT", put), ("PATCH", patch)])) <= {(200, 1000)}
        data = cpo.call("GET", URL).json()["data"]
        assert data in (put_then_patch, patch_then_put)
