"""Locations as a CPO pushes them: example bodies and small helpers over real HTTP."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

EXAMPLES = Path("/work/shared/ocpi/examples/2.1.1")
CHARGEMAP = Path("/work/shared/ocpi/external-fixtures/ChargeMap-ocpi-protocol")
SERVER_SCHEMAS = "V2_1_1/eMSP/Server/Locations"
LOCATION_SCHEMA = f"{SERVER_SCHEMAS}/locationGetResponse.schema.json"
EVSE_SCHEMA = f"{SERVER_SCHEMAS}/Evses/evseGetResponse.schema.json"
CONNECTOR_SCHEMA = f"{SERVER_SCHEMAS}/Evses/Connectors/connectorGetResponse.schema.json"


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def spec_location() -> dict[str, Any]:
    """The spec's Location example (mod_locations.md §3.1): LOC1 with EVSEs 3256 and 3257."""
    return example("locations_location_example.json")


def connector(connector_id: str = "1", *, last_updated: str = "2015-03-16T10:10:02Z", **fields: Any) -> dict[str, Any]:
    return {
        "id": connector_id,
        "standard": "IEC_62196_T2",
        "format": "SOCKET",
        "power_type": "AC_3_PHASE",
        "voltage": 220,
        "amperage": 16,
        "last_updated": last_updated,
        **fields,
    }


def evse(uid: str = "3256", *, last_updated: str = "2015-06-28T08:12:01Z", **fields: Any) -> dict[str, Any]:
    return {
        "uid": uid,
        "status": "AVAILABLE",
        "connectors": [connector()],
        "last_updated": last_updated,
        **fields,
    }


def location(location_id: str = "LOC1", **fields: Any) -> dict[str, Any]:
    body = copy.deepcopy(spec_location())
    body["id"] = location_id
    body.update(fields)
    return body


def data_of(response) -> Any:
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status_code"] == 1000, body
    return body["data"]


def assert_ok(response, http_status: int = 200) -> None:
    assert response.status_code == http_status, response.text
    body = response.json()
    assert body["status_code"] == 1000, body
    assert "data" not in body


def assert_invalid(response, *, mentions: str = "") -> None:
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status_code"] == 2001, body
    assert mentions in body["status_message"], body


def assert_not_found(response) -> None:
    assert response.status_code == 404, response.text
    assert 2000 <= response.json()["status_code"] < 3000


@pytest.fixture
def stored(cpo):
    """The spec's Location stored by NL/CPO; returns its URL path."""
    assert_ok(cpo.call("PUT", "locations/NL/CPO/LOC1", json=spec_location()), 201)
    return "locations/NL/CPO/LOC1"
