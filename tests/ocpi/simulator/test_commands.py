"""The simulator's commands receiver over real HTTP: the synchronous CommandResponse, the result
POSTed to response_url after a delay in either form (or not at all), and the sessions an
accepted START_SESSION / STOP_SESSION starts and ends."""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import pytest

from ocpi.simulator.commands import CommandsConfig
from ocpi.simulator.generate import Dataset
from tests.ocpi.simulator.fake_emsp import FakeEmsp
from tests.support.httpserver import Reply, ScriptedServer
from tests.support.schemas import SHARED

TOKEN = json.loads((SHARED / "ocpi/examples/2.1.1/tokens_token_example.json").read_text())
RESULT_PATH = "/ocpi/emsp/2.1.1/commands/START_SESSION/42"


def eventually(check: Callable[[], object], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.02)


@pytest.fixture
def commanded(open_sim, emsp: FakeEmsp):
    """A simulator with a small network, quick callbacks, and the fake eMSP taking results."""
    sim, token = open_sim(dataset=Dataset(locations=5, sessions=0, cdrs=0))
    sim.commands.callback_delay = 0.05
    emsp.server.route(RESULT_PATH, lambda request: Reply.ocpi(), method="POST")
    return sim, token


def start_body(emsp: FakeEmsp, **changes) -> dict:
    body = {
        "response_url": emsp.server.url(RESULT_PATH),
        "token": TOKEN,
        "location_id": "LOC0000003",
    }
    return {**body, **changes}


def results(server: ScriptedServer) -> list:
    return [request.json() for request in server.received_on(RESULT_PATH, "POST")]


def test_an_accepted_start_calls_back_with_a_result_object_and_starts_a_session(commanded, emsp, call):
    sim, token = commanded
    response = call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    assert response.status_code == 200
    assert response.json()["data"] == {"result": "ACCEPTED"}
    eventually(lambda: results(emsp.server))
    assert results(emsp.server) == [{"result": "ACCEPTED"}]
    [callback] = emsp.server.received_on(RESULT_PATH, "POST")
    assert callback.headers["Authorization"] == "Token emsp-token-B"  # the eMSP's own token
    eventually(lambda: sim.live.active_sessions)
    [session_id] = sim.live.active_sessions
    session = sim.data.find("sessions", session_id)[1]
    assert (session["auth_id"], session["status"]) == (TOKEN["auth_id"], "ACTIVE")
    assert session["location"]["id"] == "LOC0000003"
    assert sim.commands.received == [("START_SESSION", start_body(emsp))]


def test_the_result_can_be_a_bare_string(commanded, emsp, call):
    sim, token = commanded
    sim.commands.form = "string"
    call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    eventually(lambda: results(emsp.server))
    assert results(emsp.server) == ["ACCEPTED"]


def test_without_a_callback_the_session_still_starts_late(commanded, emsp, call):
    sim, token = commanded
    sim.commands.form = "none"
    sim.commands.callback_delay = 0.3
    call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    eventually(lambda: sim.live.active_sessions)
    time.sleep(0.1)
    assert results(emsp.server) == []
    assert [callback.body for callback in sim.commands.callbacks] == [None]


@pytest.mark.parametrize("answer", ["REJECTED", "NOT_SUPPORTED"])
def test_a_configured_refusal_is_answered_at_once_and_never_called_back(commanded, emsp, call, answer):
    sim, token = commanded
    sim.commands.response = answer
    response = call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    assert response.json()["data"] == {"result": answer}
    time.sleep(0.2)
    assert results(emsp.server) == []
    assert sim.live.active_sessions == []


def test_a_failed_result_starts_no_session(commanded, emsp, call):
    sim, token = commanded
    sim.commands.result = "REJECTED"
    call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    eventually(lambda: results(emsp.server))
    assert results(emsp.server) == [{"result": "REJECTED"}]
    assert sim.live.active_sessions == []


def test_stop_ends_a_running_session_and_an_unknown_one_is_unknown_session(commanded, emsp, call):
    sim, token = commanded
    url = sim.module_url("commands") + "/STOP_SESSION"
    stop = {"response_url": emsp.server.url(RESULT_PATH), "session_id": "SES99999999"}
    assert call("POST", url, token=token, json=stop).json()["data"] == {"result": "UNKNOWN_SESSION"}

    started = sim.live.start_session(auth_id="NL-EMS-C0000001-X", location_id="LOC0000001")
    answer = call("POST", url, token=token, json={**stop, "session_id": started["id"]})
    assert answer.json()["data"] == {"result": "ACCEPTED"}
    eventually(lambda: not sim.live.active_sessions)
    assert sim.data.find("sessions", started["id"])[1]["status"] == "COMPLETED"
    page = sim.data["cdrs"].page(offset=0, limit=10)
    [(_, cdr)] = page.items
    assert cdr["auth_id"] == "NL-EMS-C0000001-X"


@pytest.mark.parametrize("command", ["RESERVE_NOW", "UNLOCK_CONNECTOR"])
def test_reserve_and_unlock_are_accepted_and_called_back(commanded, emsp, call, command):
    sim, token = commanded
    location = sim.data.find("locations", "LOC0000002")[1]
    evse = location["evses"][0]
    bodies = {
        "RESERVE_NOW": {
            "token": TOKEN,
            "expiry_date": "2030-01-01T00:00:00Z",
            "reservation_id": 7,
            "location_id": "LOC0000002",
        },
        "UNLOCK_CONNECTOR": {
            "location_id": "LOC0000002",
            "evse_uid": evse["uid"],
            "connector_id": evse["connectors"][0]["id"],
        },
    }
    body = {"response_url": emsp.server.url(RESULT_PATH), **bodies[command]}
    assert call("POST", f"{sim.module_url('commands')}/{command}", token=token, json=body).json()["data"] == {
        "result": "ACCEPTED"
    }
    eventually(lambda: results(emsp.server))
    assert results(emsp.server) == [{"result": "ACCEPTED"}]


UNLOCK_AT = {"location_id": "LOC0000001", "evse_uid": "EVSE00000002", "connector_id": "9"}


@pytest.mark.parametrize(
    "case",
    [
        ("START_SESSION", {"location_id": "LOC9999999"}, "location"),
        ("START_SESSION", {"location_id": "LOC0000001", "evse_uid": "EVSE99999999"}, "EVSE"),
        ("UNLOCK_CONNECTOR", UNLOCK_AT, "connector"),
    ],
)
def test_an_unknown_location_evse_or_connector_is_2003(commanded, emsp, call, case):
    sim, token = commanded
    command, place, named = case
    body = start_body(emsp, **place)
    if command == "UNLOCK_CONNECTOR":
        body.pop("token")
    response = call("POST", f"{sim.module_url('commands')}/{command}", token=token, json=body)
    assert (response.status_code, response.json()["status_code"]) == (404, 2003)
    assert f"Unknown {named}" in response.json()["status_message"]
    time.sleep(0.1)
    assert results(emsp.server) == []  # refused: no callback


def test_an_unknown_command_is_404(commanded, call):
    sim, token = commanded
    assert call("POST", sim.module_url("commands") + "/SELF_DESTRUCT", token=token, json={}).status_code == 404


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"token": {"uid": "x"}}, "token"), ({"location_id": ""}, "location_id"), ({"response_url": 7}, "response_url")],
)
def test_a_bad_body_is_2001_naming_the_field(commanded, emsp, call, changes, field):
    sim, token = commanded
    response = call(
        "POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp, **changes)
    )
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert response.json()["status_message"].startswith(field)


def test_a_response_url_the_url_rules_refuse_is_2001(commanded, emsp, call, settings):
    sim, token = commanded
    settings.OCPI_ALLOW_PRIVATE_URLS = False  # the eMSP's loopback URL is now refused
    response = call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert "response_url" in response.json()["status_message"]
    assert sim.commands.received == []


def test_answers_and_results_can_differ_per_command(commanded, emsp, call):
    sim, token = commanded
    sim.commands.responses["STOP_SESSION"] = "REJECTED"
    sim.commands.results["START_SESSION"] = "TIMEOUT"
    started = call("POST", sim.module_url("commands") + "/START_SESSION", token=token, json=start_body(emsp))
    assert started.json()["data"] == {"result": "ACCEPTED"}
    eventually(lambda: results(emsp.server))
    assert results(emsp.server) == [{"result": "TIMEOUT"}]
    stop = {"response_url": emsp.server.url(RESULT_PATH), "session_id": "SES00000000"}
    stopped = call("POST", sim.module_url("commands") + "/STOP_SESSION", token=token, json=stop)
    assert stopped.json()["data"] == {"result": "REJECTED"}


def test_impossible_command_settings_are_refused():
    with pytest.raises(ValueError, match="result"):
        CommandsConfig(result="SUCCESSFUL")
    with pytest.raises(ValueError, match="responses"):
        CommandsConfig(responses={"SELF_DESTRUCT": "ACCEPTED"})
