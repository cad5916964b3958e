"""A CPO pushes Sessions to us (reference §4.2.1) and reads back what we hold."""

from __future__ import annotations

import pytest

from ocpi.sessions.models import Session
from tests.ocpi.sessions.payloads import SESSION_SCHEMA, served, session
from tests.support.schemas import schema_errors

URL = "sessions/NL/CPO/101"
PERIOD = {"start_date_time": "2015-06-29T23:30:00Z", "dimensions": [{"type": "TIME", "volume": 0.25}]}

pytestmark = pytest.mark.django_db(transaction=True)


def get_data(cpo, url=URL):
    response = cpo.call("GET", url)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_it_creates_a_session_with_201_and_serves_it_back_field_for_field(cpo):
    body = session()
    response = cpo.call("PUT", URL, json=body)
    assert response.status_code == 201, response.text
    assert response.json()["status_code"] == 1000
    assert "data" not in response.json()
    answer = cpo.call("GET", URL).json()
    assert answer["data"] == served(body)
    assert schema_errors(SESSION_SCHEMA, answer) == []


def test_it_replaces_a_session_with_200_and_the_put_replaces_charging_periods(cpo):
    cpo.call("PUT", URL, json=session())
    body = session(kwh=50.5, charging_periods=[PERIOD], last_updated="2015-06-30T00:00:00Z")
    response = cpo.call("PUT", URL, json=body)
    assert response.status_code == 200, response.text
    assert get_data(cpo) == served(body)


def test_it_keeps_the_copies_it_queries_in_step_with_the_json(cpo):
    cpo.call("PUT", URL, json=session())
    stored = Session.objects.get()
    assert (stored.country_code, stored.party_id, stored.ocpi_id) == ("NL", "CPO", "101")
    assert (stored.status, stored.kwh, stored.total_cost, stored.currency) == ("COMPLETED", 41.0, 8.5, "EUR")
    assert (stored.location_id, stored.evse_uid, stored.connector_id) == ("LOC1", "3256", "1")
    assert stored.partner == cpo.partner


def test_it_keeps_an_unknown_auth_id_and_flags_it_as_not_matched(cpo):
    response = cpo.call("PUT", URL, json=session(auth_id="NOBODY-WE-KNOW"))
    assert response.status_code == 201
    stored = Session.objects.get()
    assert (stored.auth_id, stored.token_known) == ("NOBODY-WE-KNOW", False)


def test_it_applies_a_patch_to_the_given_fields_only(cpo):
    cpo.call("PUT", URL, json=session())
    response = cpo.call("PATCH", URL, json={"total_cost": 0.60, "last_updated": "2015-06-30T00:00:00Z"})
    assert response.status_code == 200, response.text
    assert "data" not in response.json()
    expected = served(session(total_cost=0.60, last_updated="2015-06-30T00:00:00Z"))
    assert get_data(cpo) == expected
    assert Session.objects.get().total_cost == 0.60


def test_it_appends_the_charging_periods_of_a_patch(cpo):
    cpo.call("PUT", URL, json=session())
    cpo.call("PATCH", URL, json={"charging_periods": [PERIOD], "last_updated": "2015-06-30T00:00:00Z"})
    periods = get_data(cpo)["charging_periods"]
    assert periods == [*served(session()["charging_periods"]), PERIOD]


def test_it_clears_an_optional_field_patched_to_null(cpo):
    cpo.call("PUT", URL, json=session(meter_id="M-1"))
    cpo.call("PATCH", URL, json={"end_datetime": None, "meter_id": None, "status": "ACTIVE"})
    data = get_data(cpo)
    assert "end_datetime" not in data
    assert "meter_id" not in data
    assert data["status"] == "ACTIVE"
    assert Session.objects.get().end_datetime is None


def test_it_stamps_a_patch_without_last_updated_with_the_time_received(cpo):
    cpo.call("PUT", URL, json=session())
    cpo.call("PATCH", URL, json={"kwh": 42.0})
    stored = Session.objects.get()
    assert stored.last_updated.year >= 2025
    assert get_data(cpo)["last_updated"].endswith("Z")
    assert stored.kwh == 42.0


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_it_ignores_a_stale_write_and_still_answers_1000(cpo, method):
    cpo.call("PUT", URL, json=session(last_updated="2015-06-30T00:00:00Z"))
    before = get_data(cpo)
    old = "2015-06-29T00:00:00Z"
    body = session(kwh=1.0, last_updated=old) if method == "PUT" else {"kwh": 1.0, "last_updated": old}
    response = cpo.call(method, URL, json=body)
    assert (response.status_code, response.json()["status_code"]) == (200, 1000)
    assert get_data(cpo) == before


def test_it_accepts_datetimes_with_offsets_and_fractions_and_serves_them_in_utc(cpo):
    body = session(start_datetime="2015-06-30T00:39:09.123+02:00", last_updated="2015-06-29T23:09:10.5")
    cpo.call("PUT", URL, json=body)
    data = get_data(cpo)
    assert (data["start_datetime"], data["last_updated"]) == ("2015-06-29T22:39:09Z", "2015-06-29T23:09:10Z")


def test_it_answers_404_to_a_patch_or_get_of_an_unknown_session(cpo):
    assert cpo.call("GET", URL).status_code == 404
    response = cpo.call("PATCH", URL, json={"kwh": 2.0})
    assert response.status_code == 404
    assert response.json()["status_code"] // 1000 == 2
    assert not Session.objects.exists()


def test_it_answers_405_with_the_envelope_to_post_and_delete(cpo):
    cpo.call("PUT", URL, json=session())
    for method in ("POST", "DELETE"):
        response = cpo.call(method, URL, json=session())
        assert response.status_code == 405
        assert response.json()["status_code"] // 1000 == 2
    assert Session.objects.count() == 1


def test_it_keeps_each_partner_to_its_own_country_code_and_party_id(cpo, other_cpo):
    cpo.call("PUT", URL, json=session())
    before = get_data(cpo)
    for method, body in (("GET", None), ("PUT", session(kwh=9.0)), ("PATCH", {"kwh": 9.0})):
        response = other_cpo.call(method, URL, json=body)
        assert response.status_code == 404, (method, response.text)
    assert get_data(cpo) == before
    # Its own country_code/party_id with the same session id is a separate object.
    assert other_cpo.call("PUT", "sessions/DE/OTH/101", json=session(kwh=9.0)).status_code == 201
    assert get_data(cpo) == before
    assert Session.objects.count() == 2


def test_it_takes_the_url_party_case_insensitively(cpo):
    assert cpo.call("PUT", "sessions/nl/cpo/101", json=session()).status_code == 201
    assert get_data(cpo)["id"] == "101"


def test_it_replaces_the_location_given_in_a_patch_and_its_query_columns(cpo):
    cpo.call("PUT", URL, json=session())
    location = session()["location"]
    location["id"] = "LOC2"
    location["evses"][0]["uid"] = "9999"
    cpo.call("PATCH", URL, json={"location": location})
    assert get_data(cpo)["location"] == served(location)
    stored = Session.objects.get()
    assert (stored.location_id, stored.evse_uid, stored.connector_id) == ("LOC2", "9999", "1")


def test_it_refuses_a_patch_that_names_no_field(cpo):
    cpo.call("PUT", URL, json=session())
    before = get_data(cpo)
    response = cpo.call("PATCH", URL, json={})
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert get_data(cpo) == before


def test_it_is_listed_in_the_version_details_with_cdrs(cpo, ocpi_server):
    endpoints = {e["identifier"]: e["url"] for e in cpo.call("GET", "").json()["data"]["endpoints"]}
    assert endpoints["sessions"] == f"{ocpi_server}/ocpi/emsp/2.1.1/sessions"
    assert endpoints["cdrs"] == f"{ocpi_server}/ocpi/emsp/2.1.1/cdrs"


def test_a_nul_character_in_a_field_or_the_url_is_2001_naming_it_and_nothing_is_stored(cpo):
    body = session()
    body["location"]["name"] = "Station\u0000Square"
    answer = cpo.call("PUT", URL, json=body)
    assert (answer.status_code, answer.json()["status_code"]) == (400, 2001)
    assert answer.json()["status_message"].startswith("location.name: text must not contain NUL")
    answer = cpo.call("GET", "sessions/NL/CPO/10%001")
    assert (answer.status_code, answer.json()["status_code"]) == (400, 2001)
    assert answer.json()["status_message"] == "session_id: must not contain NUL (%00)"
    assert not Session.objects.exists()
