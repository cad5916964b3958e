"""Bad CDR posts get HTTP 400 with OCPI 2001 naming the field, never a 5xx, and store nothing."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from ocpi.cdrs.models import Cdr
from tests.ocpi.sessions.payloads import CHARGEMAP, chargemap, load, spec_example

pytestmark = pytest.mark.django_db(transaction=True)


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(spec_example("cdrs_cdr_example.json"))
    target = body
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param(changed(("total_energy",), "15.342"), "total_energy", id="number as string"),
        pytest.param(changed(("auth_method",), "RFID"), "auth_method", id="unknown enum"),
        pytest.param(changed(("total_cost",), KeyError), "total_cost", id="missing required field"),
        pytest.param(changed(("id",), "x" * 37), "id", id="id too long"),
        pytest.param(changed(("id",), ""), "id", id="empty id"),
        pytest.param(changed(("charging_periods",), []), "charging_periods", id="no charging period"),
        pytest.param(changed(("stop_date_time",), "2015-06-29"), "stop_date_time", id="date only"),
        pytest.param(
            changed(("tariffs", 0, "elements", 0, "price_components", 0, "price"), "2.00"),
            "tariffs[0].elements[0].price_components[0].price",
            id="tariff price as string (the spec example's defect)",
        ),
        pytest.param(
            changed(("location", "coordinates", "latitude"), "51.04"),
            "location.coordinates.latitude",
            id="latitude without 6 decimals",
        ),
    ],
)
def test_it_refuses_an_invalid_cdr_naming_the_field(cpo, body, field):
    response = cpo.call("POST", "cdrs", json=body)
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 2001
    message = response.json()["status_message"]
    assert message.startswith(f"{field}:") or f"`{field}`" in message, message
    assert "Location" not in response.headers
    assert not Cdr.objects.exists()


@pytest.mark.parametrize("raw", [b"", b"{", b"[]", b"null", b"\x00"], ids=["empty", "cut", "array", "null", "binary"])
def test_it_refuses_a_body_that_is_empty_or_not_a_cdr(cpo, raw):
    response = cpo.call("POST", "cdrs", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 2001
    assert not Cdr.objects.exists()


def test_it_refuses_chargemaps_invalid_cdrs_and_leaves_a_stored_one_alone(cpo):
    stored = cpo.call("POST", "cdrs", json=spec_example("cdrs_cdr_example.json")).headers["Location"]
    before = cpo.call("GET", stored).json()["data"]
    files = chargemap("CDR", expect="invalid")
    assert files
    for path in files:
        response = cpo.call("POST", "cdrs", json=load(path))
        assert (response.status_code, response.json()["status_code"]) == (400, 2001), path.relative_to(CHARGEMAP)
    assert cpo.call("GET", stored).json()["data"] == before
    assert Cdr.objects.count() == 1
