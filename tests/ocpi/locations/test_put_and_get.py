"""A CPO puts Locations, EVSEs and connectors; we serve them back field for field."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest

from ocpi.locations.models import Connector, Evse, Location
from tests.ocpi.locations.conftest import (
    CHARGEMAP,
    CONNECTOR_SCHEMA,
    EVSE_SCHEMA,
    LOCATION_SCHEMA,
    assert_not_found,
    assert_ok,
    connector,
    data_of,
    evse,
    example,
    location,
    spec_location,
)
from tests.support.schemas import schema_errors

EMSP_LOCATIONS = CHARGEMAP / "tests/Versions/V2_1_1/Server/Emsp/Locations"
_NO_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")


def as_served(value: Any) -> Any:
    """What we serve for a valid body: nulls left out, DateTimes in UTC with ``Z``."""
    if isinstance(value, dict):
        return {key: as_served(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [as_served(item) for item in value]
    if isinstance(value, str) and _NO_ZONE.match(value):
        return value + "Z"
    return value


def payload(relative: str) -> Any:
    return json.loads((EMSP_LOCATIONS / relative).read_text(encoding="utf-8"))


def test_it_stores_a_new_location_with_201_and_serves_it_as_put(cpo):
    assert_ok(cpo.call("PUT", "locations/NL/CPO/LOC1", json=spec_location()), 201)
    response = cpo.call("GET", "locations/NL/CPO/LOC1")
    assert data_of(response) == spec_location()
    assert schema_errors(LOCATION_SCHEMA, response.json()) == []


def test_it_answers_200_when_a_put_replaces_a_location(cpo, stored):
    newer = location(name="Gent Zuid (renamed)", last_updated="2015-07-01T00:00:00Z")
    del newer["evses"][1]["connectors"][0]["tariff_id"]
    assert_ok(cpo.call("PUT", stored, json=newer), 200)
    assert data_of(cpo.call("GET", stored)) == newer
    assert Location.objects.count() == 1


def test_it_serves_each_evse_and_connector_at_its_own_url(cpo, stored):
    response = cpo.call("GET", f"{stored}/3257")
    assert data_of(response) == spec_location()["evses"][1]
    assert schema_errors(EVSE_SCHEMA, response.json()) == []
    response = cpo.call("GET", f"{stored}/3256/2")
    assert data_of(response) == spec_location()["evses"][0]["connectors"][1]
    assert schema_errors(CONNECTOR_SCHEMA, response.json()) == []


def test_it_keeps_the_columns_the_admin_and_a_map_query(cpo, stored):
    row = Location.objects.get()
    assert (row.partner, row.country_code, row.party_id, row.ocpi_id) == (cpo.partner, "NL", "CPO", "LOC1")
    assert (row.name, row.city, row.country, str(row.latitude), str(row.longitude)) == (
        "Gent Zuid", "Gent", "BEL", "51.047599", "3.729944",
    )  # fmt: skip
    assert [(e.uid, e.evse_id, e.status) for e in Evse.objects.all()] == [
        ("3256", "BE-BEC-E041503001", "AVAILABLE"),
        ("3257", "BE-BEC-E041503002", "RESERVED"),
    ]
    assert sorted(Connector.objects.values_list("evse__uid", "connector_id", "standard", "tariff_id")) == [
        ("3256", "1", "IEC_62196_T2", "11"),
        ("3256", "2", "IEC_62196_T2", "11"),
        ("3257", "1", "IEC_62196_T2", "12"),
    ]


def test_it_serves_datetimes_in_utc_whole_seconds_with_z(cpo):
    body = location(last_updated="2015-06-29T22:39:09.123456+02:00")
    body["evses"][0]["last_updated"] = "2015-06-28T08:12:01"
    body["evses"][0]["status_schedule"] = [{"period_begin": "2016-01-01T10:00:00.5Z", "status": "PLANNED"}]
    assert_ok(cpo.call("PUT", "locations/NL/CPO/LOC1", json=body), 201)
    served = data_of(cpo.call("GET", "locations/NL/CPO/LOC1"))
    assert served["last_updated"] == "2015-06-29T20:39:09Z"
    assert served["evses"][0]["last_updated"] == "2015-06-28T08:12:01Z"
    assert served["evses"][0]["status_schedule"] == [{"period_begin": "2016-01-01T10:00:00Z", "status": "PLANNED"}]


def test_it_keeps_an_absent_evses_list_absent_and_an_empty_one_empty(cpo):
    without = location("BARE")
    del without["evses"]
    assert_ok(cpo.call("PUT", "locations/NL/CPO/BARE", json=without), 201)
    assert data_of(cpo.call("GET", "locations/NL/CPO/BARE")) == without
    empty = location("EMPTY", evses=[])
    assert_ok(cpo.call("PUT", "locations/NL/CPO/EMPTY", json=empty), 201)
    assert data_of(cpo.call("GET", "locations/NL/CPO/EMPTY")) == empty


def test_it_adds_an_evse_with_201_at_the_end_of_the_list_and_replaces_it_with_200(cpo, stored):
    new = evse("3258", evse_id="BE-BEC-E041503003", connectors=[connector("1"), connector("2", format="CABLE")])
    assert_ok(cpo.call("PUT", f"{stored}/3258", json=new), 201)
    served = data_of(cpo.call("GET", stored))
    assert [e["uid"] for e in served["evses"]] == ["3256", "3257", "3258"]
    assert served["evses"][2] == new
    replaced = evse("3258", status="CHARGING", last_updated="2015-06-30T00:00:00Z", connectors=[connector("9")])
    assert_ok(cpo.call("PUT", f"{stored}/3258", json=replaced), 200)
    assert data_of(cpo.call("GET", f"{stored}/3258")) == replaced
    assert not Connector.objects.filter(evse__uid="3258", connector_id="1").exists()


def test_it_adds_a_connector_with_201_and_replaces_it_with_200(cpo, stored):
    new = connector("3", standard="CHADEMO", power_type="DC", voltage=400, amperage=125)
    assert_ok(cpo.call("PUT", f"{stored}/3257/3", json=new), 201)
    assert [c["id"] for c in data_of(cpo.call("GET", f"{stored}/3257"))["connectors"]] == ["1", "3"]
    replaced = {**new, "amperage": 200, "last_updated": "2015-07-01T00:00:00Z"}
    assert_ok(cpo.call("PUT", f"{stored}/3257/3", json=replaced), 200)
    assert data_of(cpo.call("GET", f"{stored}/3257/3")) == replaced


def test_it_answers_404_to_an_evse_put_for_an_unknown_location(cpo, stored):
    assert_not_found(cpo.call("PUT", "locations/NL/CPO/NOPE/3258", json=evse("3258")))
    assert not Location.objects.filter(ocpi_id="NOPE").exists()
    assert not Evse.objects.filter(uid="3258").exists()


def test_it_answers_404_to_a_connector_put_for_an_unknown_evse_or_location(cpo, stored):
    assert_not_found(cpo.call("PUT", f"{stored}/9999/1", json=connector("1")))
    assert_not_found(cpo.call("PUT", "locations/NL/CPO/NOPE/3256/1", json=connector("1")))
    assert Connector.objects.count() == 3


def test_it_answers_404_to_a_get_of_an_unknown_location_evse_or_connector(cpo, stored):
    assert_not_found(cpo.call("GET", "locations/NL/CPO/NOPE"))
    assert_not_found(cpo.call("GET", f"{stored}/9999"))
    assert_not_found(cpo.call("GET", f"{stored}/3256/9"))


@pytest.mark.parametrize("method", ["POST", "DELETE"])
@pytest.mark.parametrize("depth", ["", "/3256", "/3256/1"])
def test_it_answers_405_with_the_envelope_to_other_methods(cpo, stored, method, depth):
    response = cpo.call(method, f"{stored}{depth}", json={})
    assert response.status_code == 405, response.text
    assert response.json()["status_code"] >= 2000
    assert data_of(cpo.call("GET", stored)) == spec_location()


def test_it_lists_locations_in_the_version_details(cpo):
    endpoints = data_of(cpo.call("GET", ""))["endpoints"]
    assert {"identifier": "locations", "url": f"{cpo.base_url}/ocpi/emsp/2.1.1/locations"} in endpoints


# --- ChargeMap's payloads for the eMSP Locations interface ---------------------------------

LOCATION_PUTS = [
    "Put/payloads/ok_LocationPutFullPayload.json",
    "Put/payloads/ok_LocationPutWithCoordinatesNull.json",
    "Put/payloads/ok_real_sample_1.json",
    "Put/payloads/ok_with_last_updated_without_timezone.json",
    "Get/payloads/valid/LocationPutFullPayload.json",
]


@pytest.mark.parametrize("name", LOCATION_PUTS)
def test_it_round_trips_chargemaps_location_puts(cpo, name):
    body = payload(name)
    path = f"locations/NL/CPO/{body['id']}"
    assert_ok(cpo.call("PUT", path, json=body), 201)
    response = cpo.call("GET", path)
    assert data_of(response) == as_served(body)
    assert schema_errors(LOCATION_SCHEMA, response.json()) == []


@pytest.mark.parametrize(
    "name", ["Evses/Put/payloads/EvsePutFullPayload.json", "Evses/Get/payloads/valid/EvsePutFullPayload.json"]
)
def test_it_round_trips_chargemaps_evse_puts(cpo, name):
    body = payload(name)
    assert_ok(cpo.call("PUT", "locations/NL/CPO/LOC1", json=location(evses=[])), 201)
    assert_ok(cpo.call("PUT", f"locations/NL/CPO/LOC1/{body['uid']}", json=body), 201)
    response = cpo.call("GET", f"locations/NL/CPO/LOC1/{body['uid']}")
    assert data_of(response) == as_served(body)
    assert schema_errors(EVSE_SCHEMA, response.json()) == []


@pytest.mark.parametrize(
    "name",
    [
        "Evses/Connectors/Put/payloads/ConnectorPutFullPayload.json",
        "Evses/Connectors/Put/payloads/ConnectorPutMinPayload.json",
        "Evses/Connectors/Put/payloads/ConnectorPutNullPayload.json",
        "Evses/Connectors/Get/payloads/valid/ConnectorPutFullPayload.json",
    ],
)
def test_it_round_trips_chargemaps_connector_puts(cpo, name):
    body = payload(name)
    assert_ok(
        cpo.call("PUT", "locations/NL/CPO/LOC1", json=location(evses=[evse("E1", connectors=[connector("9")])])), 201
    )
    assert_ok(cpo.call("PUT", f"locations/NL/CPO/LOC1/E1/{body['id']}", json=body), 201)
    response = cpo.call("GET", f"locations/NL/CPO/LOC1/E1/{body['id']}")
    assert data_of(response) == as_served(body)
    assert schema_errors(CONNECTOR_SCHEMA, response.json()) == []


@pytest.mark.parametrize(
    ("name", "depth"),
    [
        ("Patch/payloads/LocationPatchFullPayload.json", ""),
        ("Patch/payloads/LocationPatchOpeningTimesPayload.json", ""),
        ("Patch/payloads/LocationPatchEvsesPayload.json", ""),
        ("Evses/Patch/payloads/EvsePatchFullPayload.json", "/3256"),
        ("Evses/Patch/payloads/EvsePatchStatusPayload.json", "/3256"),
        ("Evses/Patch/payloads/EvsePatchConnectorsPayload.json", "/3256"),
        ("Evses/Connectors/Patch/payloads/valid/ConnectorPatchFullPayload.json", "/3256/1"),
        ("Evses/Connectors/Patch/payloads/valid/ConnectorPatchNullPayload.json", "/3256/1"),
        ("Evses/Connectors/Patch/payloads/valid/ConnectorPatchLastUpdatedPayload.json", "/3256/1"),
    ],
)
def test_it_applies_chargemaps_patches(cpo, stored, name, depth):
    body = payload(name)
    assert_ok(cpo.call("PATCH", f"{stored}{depth}", json=body))
    response = cpo.call("GET", f"{stored}{depth}")
    served = data_of(response)
    for field, value in body.items():
        if value is None:
            assert field not in served
        elif field != "last_updated":
            assert served[field] == as_served(value), field
    schema = {"": LOCATION_SCHEMA, "/3256": EVSE_SCHEMA, "/3256/1": CONNECTOR_SCHEMA}[depth]
    assert schema_errors(schema, response.json()) == []


# --- the spec's own examples (mod_locations.md §2.2.3, §3.1) -------------------------------


def fixed_evse_add_example(raw: dict[str, Any]) -> dict[str, Any]:
    """``locations_put_evse_add_example.json`` is not a valid EVSE (examples README): its
    physical_reference and floor_level are numbers, and it lacks the EVSE's last_updated and
    the connector's power_type, voltage, amperage and last_updated. Fixed: the two numbers as
    strings, the missing fields taken from the spec's Location example (AC_3_PHASE, 220 V, 16 A)."""
    fixed = copy.deepcopy(raw)
    fixed["physical_reference"] = str(raw["physical_reference"])
    fixed["floor_level"] = str(raw["floor_level"])
    fixed["last_updated"] = "2015-06-29T21:00:00Z"
    fixed["connectors"][0].update(
        power_type="AC_3_PHASE", voltage=220, amperage=16, last_updated="2015-06-29T21:00:00Z"
    )
    return fixed


def test_it_follows_the_spec_examples_from_add_to_removal(cpo):
    assert_ok(cpo.call("PUT", "locations/NL/CPO/1012", json=location("1012", evses=[])), 201)
    raw = example("locations_put_evse_add_example.json")
    refused = cpo.call("PUT", "locations/NL/CPO/1012/3256", json=raw)
    assert refused.status_code == 400
    assert refused.json()["status_code"] == 2001
    added = fixed_evse_add_example(raw)
    assert_ok(cpo.call("PUT", "locations/NL/CPO/1012/3256", json=added), 201)
    assert data_of(cpo.call("GET", "locations/NL/CPO/1012/3256")) == added

    assert_ok(cpo.call("PATCH", "locations/NL/CPO/1012/3256", json=example("locations_patch_evse_status_example.json")))
    assert data_of(cpo.call("GET", "locations/NL/CPO/1012/3256"))["status"] == "CHARGING"
    assert_ok(cpo.call("PATCH", "locations/NL/CPO/1012", json=example("locations_patch_location_name_example.json")))
    assert data_of(cpo.call("GET", "locations/NL/CPO/1012"))["name"] == "Interparking Gent Zuid"
    assert_ok(
        cpo.call("PATCH", "locations/NL/CPO/1012/3256/1", json=example("locations_patch_connector_tariff_example.json"))
    )
    assert data_of(cpo.call("GET", "locations/NL/CPO/1012/3256/1"))["tariff_id"] == "15"
    assert_ok(
        cpo.call("PATCH", "locations/NL/CPO/1012/3256", json=example("locations_patch_evse_removed_example.json"))
    )
    served = data_of(cpo.call("GET", "locations/NL/CPO/1012"))
    assert [(e["uid"], e["status"]) for e in served["evses"]] == [("3256", "REMOVED")]
