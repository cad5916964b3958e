"""The simulator's sender interfaces over real HTTP: pagination, date windows, single objects."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from ocpi.core.client import OcpiClient
from ocpi.simulator.faults import Faults
from ocpi.simulator.generate import Dataset, iso
from tests.ocpi.simulator.conftest import walk
from tests.support.schemas import schema_errors

LISTING_SCHEMA = "V2_1_1/eMSP/Client/Locations/locationGetListingResponse.schema.json"
OBJECT_SCHEMAS = {
    "sessions": "V2_1_1/Common/session.schema.json",
    "cdrs": "V2_1_1/Common/cdr.schema.json",
    "tariffs": "V2_1_1/Common/tariff.schema.json",
}
EVSE_SCHEMA = "V2_1_1/eMSP/Server/Locations/Evses/evseGetResponse.schema.json"
CONNECTOR_SCHEMA = "V2_1_1/eMSP/Server/Locations/Evses/Connectors/connectorGetResponse.schema.json"
LOCATION_SCHEMA = "V2_1_1/eMSP/Client/Locations/locationGetResponse.schema.json"
SMALL = Dataset(seed=5, locations=120, sessions=90, cdrs=90, tariffs=5)


def get(url: str, token: str, **params) -> requests.Response:
    return requests.get(url, params=params, headers={"Authorization": f"Token {token}"}, timeout=10)


def test_version_details_list_every_module_the_simulator_serves(sim, call, registered):
    body = call("GET", sim.version_url, token=registered).json()
    listed = [endpoint["identifier"] for endpoint in body["data"]["endpoints"]]
    assert listed == ["credentials", "locations", "sessions", "cdrs", "tariffs", "tokens", "commands"]


def test_a_link_walk_sees_every_location_once_with_the_cap_as_x_limit(open_sim):
    sim, token = open_sim(dataset=Dataset(locations=2345, sessions=0, cdrs=0), faults=Faults(page_cap=500))
    pages = walk(sim.module_url("locations"), token, limit=2000)
    assert [page.headers["X-Limit"] for page in pages] == ["500"] * 5
    assert {page.headers["X-Total-Count"] for page in pages} == {"2345"}
    ids = [location["id"] for page in pages for location in page.json()["data"]]
    assert ids == [f"LOC{i:07d}" for i in range(2345)]
    assert "Link" not in pages[-1].headers
    link = pages[0].links["next"]["url"]
    assert link.startswith(sim.module_url("locations") + "?")
    assert parse_qs(urlsplit(link).query) == {"limit": ["500"], "offset": ["500"]}


def test_a_page_validates_against_chargemaps_listing_schema(open_sim):
    sim, token = open_sim(dataset=SMALL)
    body = get(sim.module_url("locations"), token, limit=50).json()
    assert schema_errors(LISTING_SCHEMA, body) == []
    assert len(body["data"]) == 50


@pytest.mark.parametrize("module", ["sessions", "cdrs", "tariffs"])
def test_every_served_object_validates_against_chargemaps_schema(open_sim, module):
    sim, token = open_sim(dataset=SMALL)
    pages = walk(sim.module_url(module), token, date_from="2020-01-01T00:00:00Z", limit=40)
    objects = [obj for page in pages for obj in page.json()["data"]]
    assert len(objects) == {"sessions": 90, "cdrs": 90, "tariffs": 5}[module]
    for obj in objects:
        assert schema_errors(OBJECT_SCHEMAS[module], obj) == [], obj["id"]


def test_date_from_is_inclusive_date_to_exclusive_and_the_link_keeps_both(open_sim):
    sim, token = open_sim(dataset=SMALL)
    data = sim.data["sessions"]
    date_from, date_to = iso(data.timeline.at(10)), iso(data.timeline.at(70))
    pages = walk(sim.module_url("sessions"), token, date_from=date_from, date_to=date_to, limit=25)
    ids = [session["id"] for page in pages for session in page.json()["data"]]
    assert ids == [f"SES{i:08d}" for i in range(10, 70)]
    assert {page.headers["X-Total-Count"] for page in pages} == {"60"}
    query = parse_qs(urlsplit(pages[0].links["next"]["url"]).query)
    assert (query["date_from"], query["date_to"], query["offset"]) == ([date_from], [date_to], ["25"])


def test_the_sessions_list_needs_date_from(open_sim):
    sim, token = open_sim(dataset=SMALL)
    response = get(sim.module_url("sessions"), token)
    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert "date_from" in response.json()["status_message"]


@pytest.mark.parametrize(("param", "value"), [("limit", "many"), ("offset", "-1"), ("date_to", "yesterday")])
def test_a_bad_parameter_is_2001_naming_it(open_sim, param, value):
    sim, token = open_sim(dataset=SMALL)
    response = get(sim.module_url("locations"), token, **{param: value})
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert param in response.json()["status_message"]


def test_an_offset_past_the_end_is_an_empty_last_page(open_sim):
    sim, token = open_sim(dataset=SMALL)
    response = get(sim.module_url("tariffs"), token, offset=10)
    assert response.json()["data"] == []
    assert response.headers["X-Total-Count"] == "5"
    assert "Link" not in response.headers


def test_our_outbound_client_walks_the_lists(open_sim):
    sim, token = open_sim(dataset=SMALL, faults=Faults(page_cap=7))
    client = OcpiClient(token, journal=False, max_retries=0)
    pages = list(client.iter_pages(sim.module_url("cdrs"), {"date_from": "2020-01-01T00:00:00Z"}, limit=100))
    assert [cdr["id"] for page in pages for cdr in page.objects] == [f"CDR{i:08d}" for i in range(90)]
    assert {page.limit for page in pages} == {7}


def test_it_serves_one_location_evse_and_connector(open_sim):
    sim, token = open_sim(dataset=SMALL)
    location = get(f"{sim.module_url('locations')}/LOC0000042", token).json()
    assert schema_errors(LOCATION_SCHEMA, location) == []
    evse = location["data"]["evses"][-1]
    body = get(f"{sim.module_url('locations')}/LOC0000042/{evse['uid']}", token).json()
    assert schema_errors(EVSE_SCHEMA, body) == []
    assert body["data"] == evse
    connector = evse["connectors"][0]
    body = get(f"{sim.module_url('locations')}/LOC0000042/{evse['uid']}/{connector['id']}", token).json()
    assert schema_errors(CONNECTOR_SCHEMA, body) == []
    assert body["data"] == connector


@pytest.mark.parametrize("path", ["/LOC9999999", "/nonsense", "/LOC0000001/EVSE99999999", "/LOC0000001/x/9"])
def test_an_unknown_location_evse_or_connector_is_404(open_sim, path):
    sim, token = open_sim(dataset=SMALL)
    response = get(sim.module_url("locations") + path, token)
    assert response.status_code == 404
    assert response.json()["status_code"] == 2000


def test_the_lists_need_the_registered_emsps_token(open_sim):
    sim, _ = open_sim(dataset=SMALL)
    assert get(sim.module_url("locations"), "simulator-token-A").status_code == 401
