"""Bad input gets 4xx with OCPI 2001 naming the field, never a 5xx, and nothing stored changes."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from tests.ocpi.locations.conftest import (
    CHARGEMAP,
    assert_invalid,
    connector,
    data_of,
    evse,
    location,
    spec_location,
)

FACTORIES = CHARGEMAP / "tests/Versions/V2_1_1/Common/Factories/Payloads"
NEWER = "2016-01-01T00:00:00Z"  # newer than what is stored, so only validation can refuse


def chargemap(relative: str) -> Any:
    return json.loads((FACTORIES / relative).read_text(encoding="utf-8"))


DROP = object()


def changed(where: str, value: Any) -> dict[str, Any]:
    """The spec's Location, newer than the stored one, with ``where`` (``evses.0.status``) set
    to ``value`` or dropped."""
    body = location(last_updated=NEWER)
    *parents, last = where.split(".")
    node: Any = body
    for key in parents:
        node = node[int(key)] if key.isdigit() else node[key]
    if value is DROP:
        del node[last]
    elif last.isdigit():
        node[int(last)] = value
    else:
        node[last] = value
    return body


WEEKDAY_8 = {"regular_hours": [{"weekday": 8, "period_begin": "08:00", "period_end": "20:00"}]}
LOCATION_BODIES: dict[str, tuple[dict[str, Any], str]] = {
    "wrong type": (changed("evses.1.connectors.0.voltage", "220"), "evses[1].connectors[0].voltage"),
    "unknown enum": (changed("evses.1.connectors.0.standard", "IEC_62196_T9"), "evses[1].connectors[0].standard"),
    "enum in the wrong case": (changed("type", "on_street"), "type"),
    "missing required field": (changed("address", DROP), "address"),
    "missing required nested field": (changed("evses.0.status", DROP), "evses[0]"),
    "too long": (changed("address", "x" * 46), "address"),
    "too long nested": (changed("evses.0.physical_reference", "x" * 17), "evses[0].physical_reference"),
    "country alpha-2": (changed("country", "BE"), "country"),
    "latitude with letters (ChargeMap)": (
        changed("coordinates", chargemap("GeoLocation/Invalid/letters.json")),
        "coordinates.latitude",
    ),
    "latitude without six decimals": (changed("coordinates.latitude", "51.0475"), "coordinates.latitude"),
    "hours with both choices (ChargeMap)": (
        changed("opening_times", chargemap("Hours/Invalid/incoherent_data.json")),
        "opening_times",
    ),
    "hours with neither choice (ChargeMap)": (
        changed("opening_times", chargemap("Hours/Invalid/no_data.json")),
        "opening_times",
    ),
    "regular hours out of range": (changed("opening_times", WEEKDAY_8), "opening_times.regular_hours[0].weekday"),
    "an EVSE without connectors": (changed("evses.0.connectors", []), "evses[0].connectors"),
    "a repeated EVSE uid": (changed("evses.1.uid", "3256"), "evses"),
    "a repeated connector id": (changed("evses.0.connectors.1.id", "1"), "evses[0]"),
    "a DateTime that is a date": (changed("last_updated", "2016-01-01"), "last_updated"),
    "a DateTime that is a number": (changed("last_updated", 1451606400), "last_updated"),
    "body id differs from the URL": (changed("id", "LOC2"), "id"),
    "an EVSE sample ChargeMap itself calls invalid": (
        changed("evses.0", chargemap("EVSE/sample1.json")),
        "evses[0].coordinates.latitude",
    ),
}


@pytest.mark.parametrize("case", LOCATION_BODIES, ids=list(LOCATION_BODIES))
def test_it_refuses_an_invalid_location_put_and_changes_nothing(cpo, stored, case):
    body, field = LOCATION_BODIES[case]
    assert_invalid(cpo.call("PUT", stored, json=body), mentions=field)
    assert data_of(cpo.call("GET", stored)) == spec_location()


RAW_BODIES = {
    "empty body": b"",
    "not JSON": b"{'id': 'LOC1'",
    "a JSON array": b"[]",
    "a JSON string": b'"LOC1"',
    "null": b"null",
    "an empty object": b"{}",
}


NO_OBJECT = [
    (case, method)
    for case in RAW_BODIES
    for method in ("PUT", "PATCH")
    if not (case == "an empty object" and method == "PATCH")  # valid: it changes only last_updated
]


@pytest.mark.parametrize("depth", ["", "/3256", "/3256/1"])
@pytest.mark.parametrize(("case", "method"), NO_OBJECT, ids=[f"{case}-{method}" for case, method in NO_OBJECT])
def test_it_refuses_a_body_that_is_no_object_at_any_level(cpo, stored, case, method, depth):
    response = cpo.call(method, f"{stored}{depth}", data=RAW_BODIES[case], headers={"Content-Type": "application/json"})
    assert_invalid(response)
    assert data_of(cpo.call("GET", stored)) == spec_location()


EVSE_BODIES = {
    "unknown status": ({**evse("3256", last_updated=NEWER), "status": "BROKEN"}, "status"),
    "uid differs from the URL": (evse("3999", last_updated=NEWER), "uid"),
    "missing connectors": (
        {k: v for k, v in evse("3256", last_updated=NEWER).items() if k != "connectors"},
        "connectors",
    ),
    "evse_id too long": (evse("3256", last_updated=NEWER, evse_id="E" * 49), "evse_id"),
}


@pytest.mark.parametrize("case", EVSE_BODIES, ids=list(EVSE_BODIES))
def test_it_refuses_an_invalid_evse_put_and_changes_nothing(cpo, stored, case):
    body, field = EVSE_BODIES[case]
    assert_invalid(cpo.call("PUT", f"{stored}/3256", json=body), mentions=field)
    assert data_of(cpo.call("GET", stored)) == spec_location()


CONNECTOR_BODIES = {
    "id differs from the URL": (connector("2", last_updated=NEWER), "id"),
    "unknown power type": (connector("1", last_updated=NEWER, power_type="AC_2_PHASE"), "power_type"),
    "amperage as a float": (connector("1", last_updated=NEWER, amperage=16.5), "amperage"),
    "tariff_id too long": (connector("1", last_updated=NEWER, tariff_id="t" * 37), "tariff_id"),
    "missing last_updated": ({k: v for k, v in connector("1").items() if k != "last_updated"}, "last_updated"),
}


@pytest.mark.parametrize("case", CONNECTOR_BODIES, ids=list(CONNECTOR_BODIES))
def test_it_refuses_an_invalid_connector_put_and_changes_nothing(cpo, stored, case):
    body, field = CONNECTOR_BODIES[case]
    assert_invalid(cpo.call("PUT", f"{stored}/3256/1", json=body), mentions=field)
    assert data_of(cpo.call("GET", stored)) == spec_location()


PATCHES = {
    "": [
        ({"type": "CAMPING"}, "type"),
        ({"name": "n" * 256}, "name"),
        ({"coordinates": None}, "coordinates"),
        ({"evses": [{"uid": "1"}]}, "evses[0]"),
        ({"last_updated": "yesterday"}, "last_updated"),
    ],
    "/3256": [
        ({"status": "charging"}, "status"),
        ({"connectors": []}, "connectors"),
        ({"capabilities": ["TELEPORT"]}, "capabilities[0]"),
        ({"status_schedule": [{"status": "PLANNED"}]}, "status_schedule[0]"),
    ],
    "/3256/1": [({"voltage": "220"}, "voltage"), ({"standard": None}, "standard"), ({"format": "PLUG"}, "format")],
}


@pytest.mark.parametrize(
    ("depth", "body", "field"), [(depth, body, field) for depth, cases in PATCHES.items() for body, field in cases]
)
def test_it_refuses_an_invalid_patch_and_changes_nothing(cpo, stored, depth, body, field):
    assert_invalid(cpo.call("PATCH", f"{stored}{depth}", json=body), mentions=field)
    assert data_of(cpo.call("GET", stored)) == spec_location()


def test_it_answers_413_to_a_body_over_the_size_limit_and_changes_nothing(cpo, stored, settings):
    huge = location(last_updated=NEWER, name="x" * (6 * 1024 * 1024))
    response = cpo.call("PUT", stored, json=huge)
    assert response.status_code == 413, response.text[:500]
    assert response.json()["status_code"] >= 2000
    assert data_of(cpo.call("GET", stored)) == spec_location()


def test_it_refuses_deep_nesting_without_a_server_error(cpo, stored):
    deep = b'{"id": "LOC1", "name": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    response = cpo.call("PUT", stored, data=deep, headers={"Content-Type": "application/json"})
    assert 400 <= response.status_code < 500, response.text[:500]
    assert response.json()["status_code"] == 2001
    assert data_of(cpo.call("GET", stored)) == spec_location()


def test_it_accepts_utf8_names_and_addresses(cpo):
    body = location("UTF8", name="Gänsemarkt Ærø – Łódź", address="Straße 3A", city="Zürich")
    assert cpo.call("PUT", "locations/NL/CPO/UTF8", json=body).status_code == 201
    assert data_of(cpo.call("GET", "locations/NL/CPO/UTF8")) == body


def test_it_accepts_fields_of_newer_versions_and_does_not_serve_them(cpo):
    body = location("NEWER")
    sent = copy.deepcopy(body)
    sent["publish"] = True  # 2.2.1
    sent["evses"][0]["connectors"][0]["max_electric_power"] = 11000  # 2.2.1
    assert cpo.call("PUT", "locations/NL/CPO/NEWER", json=sent).status_code == 201
    assert data_of(cpo.call("GET", "locations/NL/CPO/NEWER")) == body
