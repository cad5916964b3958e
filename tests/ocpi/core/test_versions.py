"""GET versions and version details: shape (ChargeMap's schemas), absolute URLs, registry."""

from __future__ import annotations

import pytest

from ocpi.core.registry import ModuleSpec, registry
from tests.support.schemas import schema_errors

TOKEN = "versions-token"
VERSIONS_SCHEMA = "eMSP/Client/Versions/versionGetAvailableResponse.schema.json"
DETAILS_SCHEMA = "V2_1_1/eMSP/Client/Versions/versionGetDetailResponse.schema.json"


@pytest.fixture
def get(ocpi_server, parties, http):
    parties.add(TOKEN)
    return lambda path: http.get(f"{ocpi_server}{path}", headers={"Authorization": f"Token {TOKEN}"}, timeout=10)


def test_versions_list_2_1_1_with_the_absolute_details_url(get, ocpi_server):
    body = get("/ocpi/emsp/versions").json()
    assert schema_errors(VERSIONS_SCHEMA, body) == []
    assert body["data"] == [{"version": "2.1.1", "url": f"{ocpi_server}/ocpi/emsp/2.1.1/"}]


def test_version_details_list_exactly_the_registered_modules(get, ocpi_server):
    with registry.registered(ModuleSpec("chargingprofiles", "2.1.1")):  # one more, beside the real rooms
        body = get("/ocpi/emsp/2.1.1/").json()
        registered = [spec.identifier for spec in registry.modules("2.1.1")]
    assert schema_errors(DETAILS_SCHEMA, body) == []
    assert "chargingprofiles" in registered
    assert "credentials" in registered
    assert body["data"] == {
        "version": "2.1.1",
        "endpoints": [
            {"identifier": identifier, "url": f"{ocpi_server}/ocpi/emsp/2.1.1/{identifier}"}
            for identifier in registered
        ],
    }
    after = [endpoint["identifier"] for endpoint in get("/ocpi/emsp/2.1.1/").json()["data"]["endpoints"]]
    assert "chargingprofiles" not in after


def test_version_details_follow_ocpi_base_url(get, settings):
    settings.OCPI_BASE_URL = "https://emsp.example.com/prefix"
    body = get("/ocpi/emsp/2.1.1/").json()
    urls = {endpoint["identifier"]: endpoint["url"] for endpoint in body["data"]["endpoints"]}
    assert urls["credentials"] == "https://emsp.example.com/prefix/ocpi/emsp/2.1.1/credentials"


def test_the_schema_check_would_catch_a_malformed_answer():
    malformed = {"data": [{"version": 2.1}], "status_code": 1000, "timestamp": "2020-01-01T00:00:00Z"}
    assert schema_errors(VERSIONS_SCHEMA, malformed) != []


def test_the_registry_refuses_unsupported_versions_and_double_registration():
    with pytest.raises(ValueError, match="not supported"):
        registry.register(ModuleSpec("hubclientinfo", "2.2.1"))
    with (
        registry.registered(ModuleSpec("hubclientinfo", "2.1.1", urls="a.b")),
        pytest.raises(ValueError, match="twice"),
    ):
        registry.register(ModuleSpec("hubclientinfo", "2.1.1", urls="c.d"))
