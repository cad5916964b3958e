"""The Locations console: read-only lists and detail pages with EVSEs, connectors and the JSON."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ocpi.locations.models import Evse, Location
from tests.ocpi.locations.conftest import assert_ok, location

LOCATIONS = "/admin/ocpi_locations/location/"


@pytest.fixture
def many(cpo, stored):
    for number in range(2, 12):
        assert_ok(cpo.call("PUT", f"locations/NL/CPO/LOC{number}", json=location(f"LOC{number}")), 201)
    assert_ok(cpo.call("PATCH", f"{stored}/3257", json={"status": "REMOVED"}))
    return Location.objects.count()


def test_the_list_shows_partner_city_country_and_evse_status_counts(admin_client, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client.get(LOCATIONS)
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("LOC1", "LOC11", "CPO NL/CPO", "NL/CPO", "Gent", "BEL", "1 EVSEs · 1 available · 1 removed"):
        assert expected in text, expected
    assert "2 EVSEs · 1 available" in text  # the others: one AVAILABLE and one RESERVED
    assert "Add location" not in text


def test_the_list_query_count_does_not_grow_with_the_rows(admin_client, cpo, stored):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get(LOCATIONS).status_code == 200
        return len(captured.captured_queries)

    with_one = queries()
    for number in range(2, 30):
        assert_ok(cpo.call("PUT", f"locations/NL/CPO/LOC{number}", json=location(f"LOC{number}")), 201)
    assert queries() == with_one


def test_the_list_filters_and_searches(admin_client, cpo, other_cpo, stored):
    french = location("FR1", name="Nissan Aix", country="FRA", city="Aix-en-Provence", address="Route de Galice")
    assert_ok(other_cpo.call("PUT", "locations/DE/OTH/FR1", json=french), 201)

    def listed(query):
        text = admin_client.get(f"{LOCATIONS}?{query}").content.decode()
        return {ocpi_id for ocpi_id in ("LOC1", "FR1") if f">{ocpi_id}</a>" in text}

    assert listed("") == {"LOC1", "FR1"}
    assert listed("country=FRA") == {"FR1"}
    assert listed(f"partner__id__exact={cpo.partner.pk}") == {"LOC1"}
    assert listed("q=Galice") == {"FR1"}
    assert listed("q=Gent") == {"LOC1"}
    assert listed("q=fr1") == {"FR1"}


def test_the_detail_page_shows_evses_connectors_and_the_json_as_served(
    admin_client, stored, django_assert_max_num_queries
):
    row = Location.objects.get()
    with django_assert_max_num_queries(15):
        page = admin_client.get(f"{LOCATIONS}{row.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in (
        "BE-BEC-E041503001",
        "RESERVED",
        "IEC_62196_T2 CABLE AC_3_PHASE 220 V 16 A, tariff 11",
        "&quot;uid&quot;: &quot;3257&quot;",
    ):
        assert expected in text, expected
    assert 'name="_save"' not in text  # read-only


def test_the_console_never_changes_partner_data(admin_client, stored):
    row = Location.objects.get()
    assert admin_client.get(f"{LOCATIONS}add/").status_code == 403
    assert admin_client.post(f"{LOCATIONS}{row.pk}/change/", {"name": "Edited"}).status_code == 403
    assert admin_client.post(f"{LOCATIONS}{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Location.objects.get().name == "Gent Zuid"


def test_the_evse_list_shows_statuses_across_locations(admin_client, many, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client.get("/admin/ocpi_locations/evse/?status__exact=REMOVED")
    text = page.content.decode()
    assert "3257" in text
    assert Evse.objects.filter(status="REMOVED").count() == 1
    assert admin_client.get("/admin/ocpi_locations/connector/").status_code == 200
    evse = Evse.objects.get(uid="3257", location__ocpi_id="LOC1")
    assert admin_client.get(f"/admin/ocpi_locations/evse/{evse.pk}/change/").status_code == 200
