"""Round trips of the spec's Session examples and ChargeMap's Session payloads: what a CPO
pushes is what a GET serves, and every GET validates against ChargeMap's schema."""

from __future__ import annotations

import pytest

from tests.ocpi.sessions.payloads import CHARGEMAP, SESSION_SCHEMA, chargemap, load, served, session, spec_example
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)

# The base a PATCH payload is applied to is older than any of them, so none is stale.
BASE_LAST_UPDATED = "2010-01-01T00:00:00Z"


def round_trip(cpo, body):
    url = f"sessions/NL/CPO/{body['id']}"
    response = cpo.call("PUT", url, json=body)
    assert response.status_code == 201, response.text
    answer = cpo.call("GET", url).json()
    assert schema_errors(SESSION_SCHEMA, answer) == []
    return answer["data"]


@pytest.mark.parametrize("name", ["sessions_session_example_starting.json", "sessions_session_example_finished.json"])
def test_it_round_trips_the_spec_session_examples(cpo, name):
    body = spec_example(name)
    assert round_trip(cpo, body) == served(body)


def test_it_applies_the_spec_patch_example(cpo):
    cpo.call("PUT", "sessions/NL/CPO/101", json=session())
    patch = spec_example("sessions_patch_total_cost_example.json")
    assert cpo.call("PATCH", "sessions/NL/CPO/101", json=patch).status_code == 200
    answer = cpo.call("GET", "sessions/NL/CPO/101").json()
    assert answer["data"]["total_cost"] == 0.60
    assert schema_errors(SESSION_SCHEMA, answer) == []


@pytest.mark.parametrize(
    "path", chargemap("Session", expect="valid"), ids=lambda path: str(path.relative_to(CHARGEMAP / "tests"))
)
def test_it_round_trips_chargemaps_valid_sessions(cpo, path):
    body = load(path)
    assert round_trip(cpo, body) == served(body)


@pytest.mark.parametrize(
    "path", chargemap("SessionPatch", expect="valid"), ids=lambda path: str(path.relative_to(CHARGEMAP / "tests"))
)
def test_it_applies_chargemaps_valid_session_patches(cpo, path):
    patch = load(path)
    base = session(id=patch.get("id", "101"), last_updated=BASE_LAST_UPDATED)
    url = f"sessions/NL/CPO/{base['id']}"
    assert cpo.call("PUT", url, json=base).status_code == 201
    response = cpo.call("PATCH", url, json=patch)
    assert response.status_code == 200, response.text
    answer = cpo.call("GET", url).json()
    assert schema_errors(SESSION_SCHEMA, answer) == []
    data = answer["data"]
    for field, value in served(patch).items():
        if field == "charging_periods":
            assert data[field] == served(base[field]) + value
        else:
            assert data[field] == value, field
