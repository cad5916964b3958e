"""What live mode sends, as a scripted eMSP receives it: the right method and URL for each push,
and every body valid against ChargeMap's eMSP receiver schemas."""

from __future__ import annotations

import pytest

from ocpi.simulator.generate import Dataset
from tests.ocpi.simulator.fake_emsp import CREDENTIALS, FakeEmsp
from tests.support.httpserver import ReceivedRequest, Reply
from tests.support.schemas import schema_errors

BASE = "/ocpi/emsp/2.1.1"
SESSION = f"{BASE}/sessions/NL/SIM/SES00000000"  # the first session after 0 generated ones
CDRS = f"{BASE}/cdrs"
LOCATION = f"{BASE}/locations/NL/SIM/LOC0000001"
TARIFF = f"{BASE}/tariffs/NL/SIM/TARIFF001"
SCHEMAS = {
    ("PUT", "sessions"): "V2_1_1/eMSP/Server/Sessions/sessionPutRequest.schema.json",
    ("PATCH", "sessions"): "V2_1_1/eMSP/Server/Sessions/sessionPatchRequest.schema.json",
    ("POST", "cdrs"): "V2_1_1/eMSP/Server/CDRs/cdrPostRequest.schema.json",
    ("PATCH", "locations"): "V2_1_1/eMSP/Server/Locations/Evses/evsePatchRequest.schema.json",
    ("PUT", "locations"): "V2_1_1/eMSP/Server/Locations/locationPutRequest.schema.json",
    ("PUT", "tariffs"): "V2_1_1/Common/tariff.schema.json",
}


@pytest.fixture
def pushed(open_sim, emsp: FakeEmsp):
    """A simulator registered with a scripted eMSP that lists every receiver endpoint."""
    emsp.endpoints += [
        {"identifier": module, "url": emsp.server.url(f"{BASE}/{module}")}
        for module in ("locations", "sessions", "cdrs", "tariffs")
    ]
    sim, _ = open_sim(dataset=Dataset(locations=4, sessions=0, cdrs=0, tariffs=2))
    # Every URL live mode may push to in these tests (the scripted server routes exact paths).
    paths = [CDRS, f"{BASE}/tariffs/NL/SIM/TARIFF000", TARIFF]
    paths += [f"{BASE}/sessions/NL/SIM/SES{index:08d}" for index in range(30)]
    for index in range(4):
        location = sim.data.find("locations", f"LOC{index:07d}")[1]
        paths.append(f"{BASE}/locations/NL/SIM/{location['id']}")
        paths += [f"{BASE}/locations/NL/SIM/{location['id']}/{evse['uid']}" for evse in location["evses"]]
    for path in paths:
        emsp.server.route(path, lambda request: Reply.ocpi())
    return sim, sim.data.find("locations", "LOC0000001")[1]["evses"][0]["uid"]


def pushes(emsp: FakeEmsp) -> list[ReceivedRequest]:
    """What the eMSP received beside the handshake's discovery."""
    return [request for request in emsp.server.received if request.method != "GET" and request.path != CREDENTIALS]


def received(emsp: FakeEmsp) -> list[tuple[str, str]]:
    return [(request.method, request.path) for request in pushes(emsp)]


def test_a_session_lifecycle_is_put_patch_put_and_a_cdr_post(pushed, emsp):
    sim, evse_uid = pushed
    session = sim.live.start_session(auth_id="NL-EMS-C0000007-X", location_id="LOC0000001", evse_uid=evse_uid)
    sim.live.advance_session(session["id"], kwh=4.2)
    sim.live.stop_session(session["id"])
    assert received(emsp) == [
        ("PUT", SESSION),
        ("PATCH", f"{LOCATION}/{evse_uid}"),
        ("PATCH", SESSION),
        ("PUT", SESSION),
        ("POST", CDRS),
        ("PATCH", f"{LOCATION}/{evse_uid}"),
    ]
    bodies = [request.json() for request in pushes(emsp)]
    assert bodies[0]["status"] == "ACTIVE"
    assert bodies[1] == {"status": "CHARGING", "last_updated": bodies[1]["last_updated"]}
    assert bodies[2]["kwh"] == 4.2
    assert len(bodies[2]["charging_periods"]) == 1
    assert (bodies[3]["status"], bodies[3]["kwh"]) == ("COMPLETED", 4.2)
    assert (bodies[4]["total_energy"], bodies[4]["auth_id"]) == (4.2, "NL-EMS-C0000007-X")
    assert bodies[5]["status"] == "AVAILABLE"
    assert sim.live.failures == []


def test_every_pushed_body_passes_chargemaps_receiver_schemas(pushed, emsp):
    sim, evse_uid = pushed
    for _ in range(6):
        sim.live.tick()
    sim.live.push_tariff("TARIFF001")
    session = sim.live.start_session(auth_id="NL-EMS-C0000008-X", location_id="LOC0000001", evse_uid=evse_uid)
    sim.live.stop_session(session["id"])
    checked = set()
    for request in pushes(emsp):
        module = request.path.removeprefix(BASE + "/").split("/")[0]
        schema = SCHEMAS[(request.method, module)]
        assert schema_errors(schema, request.json()) == [], (request.method, request.path)
        checked.add((request.method, module))
    assert {("PUT", "sessions"), ("PATCH", "sessions"), ("POST", "cdrs"), ("PUT", "tariffs")} <= checked


def test_the_authorization_is_the_emsps_token(pushed, emsp):
    sim, _ = pushed
    sim.live.push_tariff("TARIFF001")
    assert emsp.authorizations(TARIFF, "PUT") == ["Token emsp-token-B"]
