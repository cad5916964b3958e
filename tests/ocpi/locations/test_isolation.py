"""A partner reads and writes only under its own country_code/party_id (DESIGN.md §4)."""

from __future__ import annotations

import pytest

from ocpi.locations.models import Location
from tests.ocpi.locations.conftest import assert_not_found, assert_ok, connector, data_of, evse, location, spec_location


@pytest.mark.parametrize(
    "request_",
    [
        ("GET", "", None),
        ("GET", "/3256", None),
        ("GET", "/3256/1", None),
        ("PUT", "", location(name="Hijacked", last_updated="2016-01-01T00:00:00Z")),
        ("PUT", "/3256", evse("3256", status="BLOCKED", last_updated="2016-01-01T00:00:00Z")),
        ("PUT", "/3256/1", connector("1", voltage=1, last_updated="2016-01-01T00:00:00Z")),
        ("PATCH", "", {"name": "Hijacked"}),
        ("PATCH", "/3256", {"status": "BLOCKED"}),
        ("PATCH", "/3256/1", {"voltage": 1}),
    ],
)
def test_another_cpo_gets_404_under_our_cpos_party_and_changes_nothing(cpo, other_cpo, stored, request_):
    method, depth, body = request_
    assert_not_found(other_cpo.call(method, f"{stored}{depth}", json=body))
    assert data_of(cpo.call("GET", stored)) == spec_location()
    assert Location.objects.count() == 1


def test_two_cpos_may_use_the_same_location_id_under_their_own_parties(cpo, other_cpo, stored):
    theirs = location(name="Elsewhere")
    assert_ok(other_cpo.call("PUT", "locations/DE/OTH/LOC1", json=theirs), 201)
    assert_ok(other_cpo.call("PATCH", "locations/DE/OTH/LOC1/3256", json={"status": "CHARGING"}))
    assert data_of(other_cpo.call("GET", "locations/DE/OTH/LOC1"))["name"] == "Elsewhere"
    assert data_of(cpo.call("GET", stored)) == spec_location()
    assert sorted(Location.objects.values_list("country_code", "party_id", "partner__name")) == [
        ("DE", "OTH", "CPO DE/OTH"),
        ("NL", "CPO", "CPO NL/CPO"),
    ]


def test_it_answers_401_without_a_valid_token(cpo, stored, http):
    response = http.get(f"{cpo.base_url}/ocpi/emsp/2.1.1/{stored}", headers={"Authorization": "Token nope"})
    assert response.status_code == 401
    assert response.json()["status_code"] >= 2000
