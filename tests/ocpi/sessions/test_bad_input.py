"""Bad Session pushes get HTTP 400 with OCPI 2001 naming the field, never a 5xx, and change
nothing already stored (DESIGN.md §4 "Invalid object or parameter")."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tests.ocpi.sessions.payloads import CHARGEMAP, chargemap, session

URL = "sessions/NL/CPO/101"

pytestmark = pytest.mark.django_db(transaction=True)


def changed(path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    body = copy.deepcopy(session())
    target = body
    for step in path[:-1]:
        target = target[step]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return body


BAD_PUTS = [
    pytest.param(changed(("kwh",), "41.00"), "kwh", id="number as string"),
    pytest.param(changed(("status",), "DONE"), "status", id="unknown enum"),
    pytest.param(changed(("auth_method",), "whitelist"), "auth_method", id="enum in the wrong case"),
    pytest.param(changed(("auth_id",), KeyError), "auth_id", id="missing required field"),
    pytest.param(changed(("auth_id",), "A" * 37), "auth_id", id="too long"),
    pytest.param(changed(("currency",), "EURO"), "currency", id="currency too long"),
    pytest.param(changed(("last_updated",), "yesterday"), "last_updated", id="not a DateTime"),
    pytest.param(changed(("end_datetime",), 1435617549), "end_datetime", id="DateTime as a number"),
    pytest.param(
        changed(("location", "evses", 0, "connectors", 0, "standard"), "IEC_62196_T2_combo"),
        "location.evses[0].connectors[0].standard",
        id="nested unknown enum",
    ),
    pytest.param(changed(("charging_periods", 1, "dimensions"), []), "charging_periods[1].dimensions", id="empty +"),
    pytest.param(changed(("location",), None), "location", id="null for a required object"),
    pytest.param(changed(("id",), "102"), "id", id="body id differs from the URL id"),
]


@pytest.fixture
def stored(cpo):
    """A session already stored, and a function that reads it back."""
    assert cpo.call("PUT", URL, json=session()).status_code == 201
    return lambda: cpo.call("GET", URL).json()["data"]


def assert_refused(response, field: str | None = None) -> None:
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert body["status_code"] == 2001, body
    assert "data" not in body
    if field is not None:
        assert body["status_message"].startswith(f"{field}:") or f"`{field}`" in body["status_message"], body


@pytest.mark.parametrize(("body", "field"), BAD_PUTS)
def test_it_refuses_an_invalid_put_naming_the_field_and_changes_nothing(cpo, stored, body, field):
    before = stored()
    assert_refused(cpo.call("PUT", URL, json=body), field)
    assert stored() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        pytest.param({"kwh": None}, "kwh", id="null for a required field"),
        pytest.param({"status": "DONE"}, "status", id="unknown enum"),
        pytest.param({"last_updated": "2015-13-01T00:00:00Z"}, "last_updated", id="impossible date"),
        pytest.param({"charging_periods": [{"start_date_time": "2015-06-29T23:00:00Z"}]}, None, id="missing field"),
        pytest.param({"id": "102"}, "id", id="body id differs from the URL id"),
        pytest.param([{"kwh": 1.0}], None, id="an array"),
    ],
)
def test_it_refuses_an_invalid_patch_and_changes_nothing(cpo, stored, body, field):
    before = stored()
    assert_refused(cpo.call("PATCH", URL, json=body), field)
    assert stored() == before


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize(
    "raw",
    [b"", b"   ", b"{not json", b'{"kwh": 1.0', b"\xff\xfe", b"null"],
    ids=["empty", "blank", "junk", "cut", "bytes", "null"],
)
def test_it_refuses_a_body_that_is_empty_or_not_json(cpo, stored, method, raw):
    before = stored()
    response = cpo.call(method, URL, data=raw, headers={"Content-Type": "application/json"})
    assert_refused(response)
    assert stored() == before


def test_it_refuses_chargemaps_invalid_session_payloads(cpo, stored):
    before = stored()
    files = chargemap("Session", expect="invalid")
    assert files, "no invalid ChargeMap Session payloads found"
    for path in files:
        raw = path.read_bytes()
        response = cpo.call("PUT", URL, data=raw, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, path.relative_to(CHARGEMAP)
        assert_refused(response)
    assert stored() == before


def test_it_refuses_a_too_deeply_nested_body_without_a_5xx(cpo, stored):
    before = stored()
    deep = b'{"location": ' * 5000 + b"{}" + b"}" * 5000
    response = cpo.call("PUT", URL, data=deep)
    assert stored() == before
    assert 400 <= response.status_code < 500


def test_it_refuses_a_too_large_body_with_413(cpo, stored):
    before = stored()
    huge = b'{"meter_id": "' + b"x" * (6 * 1024 * 1024) + b'"}'
    response = cpo.call("PATCH", URL, data=huge)
    assert response.status_code == 413, response.status_code
    assert stored() == before
