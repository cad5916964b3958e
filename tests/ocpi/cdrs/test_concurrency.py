"""The same CDR posted in parallel is stored once (PostgreSQL unique constraint + savepoint)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from ocpi.cdrs.models import Cdr, CdrConflict
from tests.ocpi.sessions.payloads import spec_example

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_it_stores_a_cdr_posted_20_times_in_parallel_once(cpo):
    body = spec_example("cdrs_cdr_example.json")

    def post(_):
        with requests.Session() as http:
            response = http.post(
                f"{cpo.base_url}/ocpi/emsp/2.1.1/cdrs",
                json=body,
                headers={"Authorization": f"Token {cpo.token}"},
                timeout=30,
            )
        return response.status_code, response.headers.get("Location")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(post, range(20)))
    assert sorted(status for status, _ in answers) == [200] * 19 + [201]
    assert len({location for _, location in answers}) == 1
    assert Cdr.objects.count() == 1
    assert not CdrConflict.objects.exists()
