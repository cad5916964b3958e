"""Locations pulled a page at a time: the same rules as a PUT, unchanged ones left alone, and
Locations the CPO no longer lists marked removed (never deleted)."""

from __future__ import annotations

from typing import Any

import pytest

from ocpi.locations.client import location_from_wire
from ocpi.locations.models import Connector, Evse, Location
from ocpi.locations.selectors import location_get
from ocpi.locations.services import (
    location_mark_removed,
    location_put,
    locations_not_seen,
    locations_upsert_page,
)
from ocpi.simulator import Dataset
from tests.ocpi.locations.conftest import spec_location

pytestmark = pytest.mark.django_db
DATA = Dataset(seed=3, locations=10)
PARTY = {"country_code": "NL", "party_id": "CPO"}


@pytest.fixture
def partner():
    from partners.models import Partner

    return Partner.objects.create(name="CPO", status=Partner.Status.REGISTERED, **PARTY)


def page(*objects: dict[str, Any]):
    return [location_from_wire(obj) for obj in objects]


def upsert(partner, *objects: dict[str, Any]) -> dict[str, int]:
    """The counts that are not zero."""
    counts = locations_upsert_page(partner_id=partner.pk, **PARTY, locations=page(*objects))
    return dict(+counts)


def test_a_page_stores_what_a_put_of_each_location_would(partner):
    counts = upsert(partner, *(DATA.location(i) for i in range(10)))
    assert counts == {"created": 10}
    for i in (0, 9):
        assert location_get(partner_id=partner.pk, **PARTY, location_id=DATA.location_id(i)) == DATA.location(i)
    assert Evse.objects.count() == sum(len(DATA.location(i)["evses"]) for i in range(10))
    assert Connector.objects.count() == sum(len(e["connectors"]) for i in range(10) for e in DATA.location(i)["evses"])


def test_a_page_again_rewrites_nothing(partner, django_assert_max_num_queries):
    objects = [DATA.location(i) for i in range(10)]
    upsert(partner, *objects)
    with django_assert_max_num_queries(3):  # savepoint, one SELECT … FOR UPDATE, release
        assert upsert(partner, *objects) == {"unchanged": 10}


def test_newer_locations_replace_and_older_ones_change_nothing(partner):
    upsert(partner, DATA.location(1), DATA.location(2))
    newer = {**DATA.location(1), "name": "Newer", "last_updated": "2030-01-01T00:00:00Z"}
    older = {**DATA.location(2), "name": "Older", "last_updated": "2020-01-01T00:00:00Z"}
    assert upsert(partner, newer, older) == {"updated": 1, "unchanged": 1}
    names = dict(Location.objects.values_list("ocpi_id", "name"))
    assert (names[DATA.location_id(1)], names[DATA.location_id(2)]) != ("Older", "Older")
    assert names[DATA.location_id(1)] == "Newer"


def test_an_evse_the_pulled_location_leaves_out_turns_removed(partner):
    location = spec_location()
    upsert(partner, location)
    fewer = {**location, "evses": location["evses"][:1], "last_updated": "2030-01-01T00:00:00Z"}
    upsert(partner, fewer)
    left_out = Evse.objects.get(uid=location["evses"][1]["uid"])
    assert (left_out.status, left_out.listed) == ("REMOVED", False)


def test_a_location_pushed_meanwhile_is_not_inserted_twice(partner):
    location = DATA.location(4)
    location_put(partner_id=partner.pk, **PARTY, location=location_from_wire(location))
    newer = {**location, "name": "Pulled", "last_updated": "2030-01-01T00:00:00Z"}
    assert upsert(partner, newer, DATA.location(5)) == {"created": 1, "updated": 1}
    assert Location.objects.count() == 2


def test_a_page_listing_one_location_twice_keeps_the_newest(partner):
    newer = {**DATA.location(6), "name": "Second", "last_updated": "2030-01-01T00:00:00Z"}
    upsert(partner, DATA.location(6), newer)
    assert Location.objects.get().name == "Second"


def test_locations_not_seen_are_those_still_listing_an_evse(partner):
    upsert(partner, *(DATA.location(i) for i in range(4)))
    seen = [DATA.location_id(0), DATA.location_id(2)]
    assert locations_not_seen(partner_id=partner.pk, **PARTY, seen=seen) == [DATA.location_id(1), DATA.location_id(3)]
    assert location_mark_removed(partner_id=partner.pk, **PARTY, location_id=DATA.location_id(1))
    assert locations_not_seen(partner_id=partner.pk, **PARTY, seen=seen) == [DATA.location_id(3)]


def test_marking_removed_keeps_the_location_and_its_last_updated(partner):
    upsert(partner, DATA.location(3))
    before = Location.objects.get()
    assert location_mark_removed(partner_id=partner.pk, **PARTY, location_id=before.ocpi_id)
    assert not location_mark_removed(partner_id=partner.pk, **PARTY, location_id=before.ocpi_id)  # once
    after = Location.objects.get()
    assert after.last_updated == before.last_updated
    assert set(Evse.objects.values_list("status", "listed")) == {("REMOVED", False)}
    assert (location_get(partner_id=partner.pk, **PARTY, location_id=after.ocpi_id) or {})["evses"] == []
    # The CPO lists it again with the same last_updated: it comes back whole.
    assert upsert(partner, DATA.location(3))["unchanged"] == 1  # same last_updated: not rewritten…
    location_put(partner_id=partner.pk, **PARTY, location=location_from_wire(DATA.location(3)))  # …but a PUT is
    assert set(Evse.objects.values_list("listed", flat=True)) == {True}


def test_a_page_stores_datetimes_and_optional_fields_exactly_as_a_put_does(partner):
    from partners.models import Partner

    other = Partner.objects.create(name="Other", status=Partner.Status.REGISTERED, country_code="DE", party_id="OTH")
    location = spec_location()
    location["last_updated"] = "2015-06-29T20:39:09.123456Z"
    location["evses"][0]["last_updated"] = "2015-06-29T22:39:09+02:00"  # an offset, converted to UTC
    location["evses"][0]["status_schedule"] = [{"period_begin": "2015-07-01T10:00:00.5Z", "status": "RESERVED"}]
    location["opening_times"] = {"twentyfourseven": True}
    del location["name"]
    upsert(partner, location)
    location_put(partner_id=other.pk, country_code="DE", party_id="OTH", location=location_from_wire(location))
    pulled = location_get(partner_id=partner.pk, **PARTY, location_id=location["id"])
    pushed = location_get(partner_id=other.pk, country_code="DE", party_id="OTH", location_id=location["id"])
    assert pulled is not None
    assert pulled == pushed
    assert pulled["evses"][0]["status_schedule"][0]["period_begin"] == "2015-07-01T10:00:00Z"
    rows = [Location.objects.get(partner=p) for p in (partner, other)]
    fields = ("type", "name", "address", "city", "postal_code", "country", "latitude", "longitude", "last_updated")
    assert [getattr(rows[0], f) for f in fields] == [getattr(rows[1], f) for f in fields]
    evses = [
        list(
            Evse.objects.filter(location=row).values(
                "uid", "evse_id", "status", "position", "listed", "last_updated", "data"
            )
        )
        for row in rows
    ]
    assert evses[0] == evses[1]
    connectors = [
        list(
            Connector.objects.filter(evse__location=row).values(
                "connector_id", "standard", "tariff_id", "position", "voltage", "data"
            )
        )
        for row in rows
    ]
    assert connectors[0] == connectors[1]
