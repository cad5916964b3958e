"""The isolation matrix, driven by the OpenAPI document so a new endpoint is covered at once:

* with partner A's credentials, every documented method on every object URL of partner B
  answers 404 (or 401) and changes no row;
* a token A (registration) reaches versions, version details and the credentials endpoint only
  (POST to register; PUT and DELETE answer 405 "not registered"), an unknown token nothing
  (DESIGN.md §4).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.apps import apps

from ocpi.core.openapi import openapi_document
from partners.services import partner_invite
from tests.ocpi.locations.conftest import connector, evse, location
from tests.ocpi.sessions.payloads import session, spec_example
from tests.ocpi.tariffs.support import tariff

pytestmark = pytest.mark.django_db(transaction=True)

PARTNER_OWNED = [
    "ocpi_locations.Location", "ocpi_locations.Evse", "ocpi_locations.Connector", "ocpi_sessions.Session",
    "ocpi_tariffs.Tariff", "ocpi_tariffs.TariffRevision", "ocpi_cdrs.Cdr",
]  # fmt: skip


def operations() -> list[tuple[str, str]]:
    return [(path, method.upper()) for path, item in openapi_document()["paths"].items() for method in item]


@pytest.fixture
def theirs(other_cpo) -> dict[str, str]:
    """B's objects, stored through B's own pushes; the values fill B's object URLs."""
    assert other_cpo.call("PUT", "locations/DE/OTH/LOC1", json=location()).status_code == 201
    assert other_cpo.call("PUT", "sessions/DE/OTH/101", json=session(id="101")).status_code == 201
    assert other_cpo.call("PUT", "tariffs/DE/OTH/12", json=tariff(id="12")).status_code == 201
    posted = other_cpo.call("POST", "cdrs", json=spec_example("cdrs_cdr_example.json"))
    assert posted.status_code == 201
    return {
        "country_code": "DE", "party_id": "OTH", "location_id": "LOC1", "evse_uid": "3256", "connector_id": "1",
        "session_id": "101", "tariff_id": "12", "cdr_id": posted.headers["Location"].rsplit("/", 1)[1],
        "token_uid": "NO-SUCH-TOKEN", "command_type": "START_SESSION", "response_token": "not-a-command",
    }  # fmt: skip


def body_for(path: str, method: str) -> Any:
    """A valid body of B's own object, so only ownership can refuse it."""
    if method not in ("PUT", "PATCH"):
        return None
    if path.endswith("{connector_id}"):
        return connector("1", voltage=400) if method == "PUT" else {"voltage": 400}
    if path.endswith("{evse_uid}"):
        return evse("3256", status="BLOCKED") if method == "PUT" else {"status": "BLOCKED"}
    if path.endswith("{location_id}"):
        return location(name="Hijacked") if method == "PUT" else {"name": "Hijacked"}
    if path.endswith("{session_id}"):
        return session(id="101", kwh=999.0) if method == "PUT" else {"kwh": 999.0}
    if path.endswith("{tariff_id}"):
        return tariff(id="12", currency="USD") if method == "PUT" else {"currency": "USD"}
    raise AssertionError(f"no body for {method} {path}")


def snapshot() -> dict[str, list[str]]:
    return {name: sorted(repr(row) for row in apps.get_model(name).objects.values_list()) for name in PARTNER_OWNED}


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda match: values[match[1]], path).removeprefix("/ocpi/emsp/2.1.1/")


def test_with_a_credentials_every_method_on_every_object_url_of_b_is_404_and_changes_nothing(cpo, theirs):
    owned = [(path, method) for path, method in operations() if "{country_code}" in path or "{cdr_id}" in path]
    assert len(owned) >= 12  # locations (3 levels × 3), sessions, tariffs, cdrs
    before = snapshot()
    answers = {
        f"{method} {path}": cpo.call(method, fill(path, theirs), json=body_for(path, method)).status_code
        for path, method in owned
    }
    assert {call: status for call, status in answers.items() if status not in (401, 404)} == {}
    assert snapshot() == before


def test_a_token_a_reaches_versions_details_and_the_credentials_endpoint_only(ocpi_server, http, theirs):
    invitation = partner_invite(name="Newcomer")
    credentials = "/ocpi/emsp/2.1.1/credentials"
    past_authentication = {
        ("/ocpi/emsp/versions", "GET"): 200,
        ("/ocpi/emsp/2.1.1/", "GET"): 200,
        (credentials, "POST"): 400,  # the handshake, refused here only for its incomplete body
        (credentials, "PUT"): 405,  # "not registered yet": 405, as reference §2 demands
        (credentials, "DELETE"): 405,
    }
    answers = {}
    for path, method in operations():
        url = f"{ocpi_server}/ocpi/emsp/2.1.1/{fill(path, theirs)}" if "2.1.1/" in path else f"{ocpi_server}{path}"
        if path == "/ocpi/emsp/2.1.1/credentials" and method == "POST":
            body: Any = {"token": "x"}  # incomplete: refused with 2001, but past authentication
        else:
            body = body_for(path, method) if "{" in path else None
        response = http.request(method, url, json=body, headers={"Authorization": f"Token {invitation.token}"})
        answers[(path, method)] = response.status_code
    assert {call: status for call, status in answers.items() if status != 401} == past_authentication


def test_an_unknown_token_reaches_nothing(ocpi_server, http, theirs):
    for path, method in operations():
        url = f"{ocpi_server}/ocpi/emsp/2.1.1/{fill(path, theirs)}" if "2.1.1/" in path else f"{ocpi_server}{path}"
        response = http.request(method, url, headers={"Authorization": "Token nobody-knows-this-token"})
        assert (method, path, response.status_code) == (method, path, 401)
