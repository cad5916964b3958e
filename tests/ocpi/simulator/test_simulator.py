"""The CPO simulator over real HTTP: discovery, token rules, and the eMSP registering with it."""

from __future__ import annotations

import logging
import socket

import pytest

from ocpi.simulator import CpoSimulator, LoggedRequest
from tests.ocpi.simulator.conftest import TOKEN_A
from tests.ocpi.simulator.fake_emsp import DETAILS, VERSIONS
from tests.support.schemas import schema_errors

VERSIONS_SCHEMA = "eMSP/Client/Versions/versionGetAvailableResponse.schema.json"
DETAILS_SCHEMA = "V2_1_1/eMSP/Client/Versions/versionGetDetailResponse.schema.json"
CREDENTIALS_SCHEMA = "V2_1_1/eMSP/Client/Credentials/credentialPostResponse.schema.json"


def unused_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/ocpi/emsp/versions"


# --- discovery ----------------------------------------------------------------------------


def test_it_lists_version_2_1_1_with_its_details_url(sim, call):
    body = call("GET", "/ocpi/cpo/versions", token=TOKEN_A).json()
    assert schema_errors(VERSIONS_SCHEMA, body) == []
    assert body["data"] == [{"version": "2.1.1", "url": f"{sim.url}/ocpi/cpo/2.1.1/"}]
    assert sim.versions_url == f"{sim.url}/ocpi/cpo/versions"


@pytest.mark.parametrize("path", ["/ocpi/cpo/2.1.1/", "/ocpi/cpo/2.1.1"])
def test_it_lists_its_endpoints_in_version_details(sim, call, path):
    body = call("GET", path, token=TOKEN_A).json()
    assert schema_errors(DETAILS_SCHEMA, body) == []
    assert body["data"]["version"] == "2.1.1"
    endpoints = body["data"]["endpoints"]
    assert endpoints[0] == {"identifier": "credentials", "url": f"{sim.url}/ocpi/cpo/2.1.1/credentials"}
    assert {endpoint["url"] for endpoint in endpoints} == {
        f"{sim.url}/ocpi/cpo/2.1.1/{endpoint['identifier']}" for endpoint in endpoints
    }


def test_it_picks_a_free_port_and_refuses_urls_before_start():
    simulator = CpoSimulator(port=0)
    with pytest.raises(RuntimeError, match="started"):
        _ = simulator.versions_url
    with simulator:
        assert simulator.port > 0
        assert simulator.url == f"http://127.0.0.1:{simulator.port}"
    assert not simulator.running


def test_it_generates_a_token_a_when_none_is_given():
    first, second = CpoSimulator(), CpoSimulator()
    assert first.token_a
    assert second.token_a
    assert first.token_a != second.token_a


def test_it_refuses_an_invalid_identity():
    with pytest.raises(ValueError, match="party_id"):
        CpoSimulator(party_id="TOOLONG")


# --- authentication -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Token unknown-token"}, {"Authorization": f"Bearer {TOKEN_A}"}, {"Authorization": "Token"}],
)
def test_it_answers_401_with_an_envelope_without_a_known_token(call, headers):
    response = call("GET", "/ocpi/cpo/versions", headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    body = response.json()
    assert body["status_code"] == 2000
    assert body["timestamp"].endswith("Z")


def test_it_accepts_the_token_in_base64(call):
    assert call("GET", "/ocpi/cpo/versions", token=TOKEN_A, b64=True).status_code == 200


def test_token_a_reaches_only_versions_details_and_post_credentials(sim, call):
    assert call("GET", "/ocpi/cpo/versions", token=TOKEN_A).status_code == 200
    assert call("GET", "/ocpi/cpo/2.1.1/", token=TOKEN_A).status_code == 200
    response = call("GET", sim.module_url("credentials"), token=TOKEN_A)
    assert response.status_code == 401
    assert response.json()["status_code"] == 2000


def test_unknown_paths_and_methods_get_an_envelope(call):
    missing = call("GET", "/ocpi/cpo/2.1.1/nothing", token=TOKEN_A)
    assert (missing.status_code, missing.json()["status_code"]) == (404, 2000)
    wrong_method = call("PATCH", "/ocpi/cpo/2.1.1/credentials", token=TOKEN_A, json={})
    assert wrong_method.status_code == 405
    assert "POST" in wrong_method.headers["Allow"]


def test_a_body_that_is_not_json_is_400_2001(sim, call):
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, data=b"{not json")
    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert "not valid JSON" in response.json()["status_message"]


def test_it_logs_each_request_without_tokens(sim, call):
    call("GET", "/ocpi/cpo/versions", token=TOKEN_A)
    call("GET", "/ocpi/cpo/versions")
    assert sim.requests == [
        LoggedRequest("GET", "/ocpi/cpo/versions", 200, 1000),
        LoggedRequest("GET", "/ocpi/cpo/versions", 401, 2000),
    ]


# --- the eMSP registers with the simulator (the simulator is the server) --------------------


def test_the_emsp_registers_with_token_a_and_gets_a_token_of_its_own(sim, emsp, call):
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials("emsp-token-B"))

    assert response.status_code == 200, response.text
    body = response.json()
    assert schema_errors(CREDENTIALS_SCHEMA, body) == []
    issued = body["data"]["token"]
    assert body["data"] == {
        "token": issued,
        "url": sim.versions_url,
        "business_details": {"name": "CPO Simulator"},
        "party_id": "SIM",
        "country_code": "NL",
    }
    # The simulator called the eMSP back with the eMSP's token, during the POST.
    assert emsp.authorizations(VERSIONS) == ["Token emsp-token-B"]
    assert emsp.authorizations(DETAILS) == ["Token emsp-token-B"]
    assert sim.registered
    assert sim.issued_token == issued
    assert sim.emsp_token == "emsp-token-B"
    assert sim.emsp_endpoints == {e["identifier"]: e["url"] for e in emsp.endpoints}
    assert sim.registration is not None
    assert (sim.registration.country_code, sim.registration.party_id) == ("NL", "EMS")
    assert sim.registration.initiated_by == "emsp"


def test_after_registration_token_a_is_dead_and_the_issued_token_reaches_everything(sim, call, registered):
    assert sim.token_a is None
    assert call("GET", "/ocpi/cpo/versions", token=TOKEN_A).status_code == 401
    assert call("POST", sim.module_url("credentials"), token=TOKEN_A, json={}).status_code == 401
    for path in ("/ocpi/cpo/versions", "/ocpi/cpo/2.1.1/", "/ocpi/cpo/2.1.1/credentials"):
        assert call("GET", path, token=registered).status_code == 200


def test_get_credentials_answers_with_the_token_presented(sim, call, registered):
    body = call("GET", sim.module_url("credentials"), token=registered, b64=True).json()
    assert body["data"]["token"] == registered
    assert body["data"]["url"] == sim.versions_url


def test_posting_twice_is_405(sim, emsp, call, registered):
    response = call("POST", sim.module_url("credentials"), token=registered, json=emsp.credentials())
    assert response.status_code == 405
    assert response.json()["status_code"] == 2000
    assert sim.issued_token == registered


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_before_registration_are_405(sim, emsp, call, method):
    response = call(method, sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials())
    assert response.status_code == 405
    assert not sim.registered
    assert sim.token_a == TOKEN_A


def test_an_invalid_body_is_2001_naming_the_field(sim, emsp, call):
    body = emsp.credentials()
    del body["party_id"]
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=body)
    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert "party_id" in response.json()["status_message"]
    assert emsp.server.received == []  # nothing was called back


def test_an_unreachable_emsp_is_3001_and_token_a_stays_valid(sim, emsp, call):
    body = emsp.credentials(url=unused_port_url())
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=body)
    assert response.status_code == 502
    assert response.json()["status_code"] == 3001
    assert not sim.registered
    # Another try, with the right URL, works.
    assert call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials()).status_code == 200


def test_an_emsp_answering_with_an_error_is_3001(sim, emsp, call):
    emsp.versions = {"not": "a list"}
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials())
    assert response.json()["status_code"] == 3001
    assert "versions" in response.json()["status_message"]


def test_an_emsp_without_2_1_1_is_3002(sim, emsp, call):
    emsp.versions = [{"version": "2.2.1", "url": emsp.server.url("/ocpi/emsp/2.2.1/")}]
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials())
    assert response.status_code == 400
    assert response.json()["status_code"] == 3002
    assert not sim.registered


def test_an_emsp_without_a_credentials_endpoint_is_3003(sim, emsp, call):
    emsp.endpoints = [e for e in emsp.endpoints if e["identifier"] != "credentials"]
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials())
    assert response.status_code == 400
    assert response.json()["status_code"] == 3003
    assert not sim.registered


def test_put_refetches_the_emsp_and_rotates_the_token(sim, emsp, call, registered):
    response = call("PUT", sim.module_url("credentials"), token=registered, json=emsp.credentials("emsp-token-B2"))

    assert response.status_code == 200, response.text
    new_token = response.json()["data"]["token"]
    assert new_token != registered
    assert emsp.authorizations(VERSIONS)[-1] == "Token emsp-token-B2"
    assert emsp.authorizations(DETAILS)[-1] == "Token emsp-token-B2"
    assert call("GET", sim.module_url("credentials"), token=registered).status_code == 401
    assert call("GET", sim.module_url("credentials"), token=new_token).json()["data"]["token"] == new_token
    assert sim.emsp_token == "emsp-token-B2"
    assert sim.issued_token == new_token


def test_a_failed_put_changes_nothing(sim, emsp, call, registered):
    body = emsp.credentials("emsp-token-B2", url=unused_port_url())
    response = call("PUT", sim.module_url("credentials"), token=registered, json=body)
    assert response.json()["status_code"] == 3001
    assert call("GET", sim.module_url("credentials"), token=registered).status_code == 200
    assert sim.emsp_token == "emsp-token-B"


def test_delete_unregisters_and_kills_every_token(sim, emsp, call, registered):
    response = call("DELETE", sim.module_url("credentials"), token=registered)
    assert response.status_code == 200
    assert response.json()["status_code"] == 1000
    assert "data" not in response.json()
    assert not sim.registered
    assert sim.emsp_token is None
    assert sim.emsp_endpoints == {}
    assert call("GET", "/ocpi/cpo/versions", token=registered).status_code == 401
    assert call("GET", "/ocpi/cpo/versions", token=TOKEN_A).status_code == 401


def test_a_new_token_a_allows_registering_again(sim, emsp, call, registered):
    call("DELETE", sim.module_url("credentials"), token=registered)
    token_a = sim.issue_token_a()
    assert call("POST", sim.module_url("credentials"), token=token_a, json=emsp.credentials()).status_code == 200


def test_no_token_reaches_the_logs(sim, emsp, call, caplog):
    caplog.set_level(logging.DEBUG)
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials("emsp-token-B"))
    issued = response.json()["data"]["token"]
    call("PUT", sim.module_url("credentials"), token=issued, json=emsp.credentials(url=unused_port_url()))
    call("GET", "/ocpi/cpo/versions", token="wrong-token")
    assert "eMSP NL/EMS registered" in caplog.text
    assert "PUT /ocpi/cpo/2.1.1/credentials: HTTP 502, OCPI 3001" in caplog.text
    for token in (TOKEN_A, "emsp-token-B", issued, "wrong-token"):
        assert token not in caplog.text


def test_it_restarts_on_the_same_port_with_its_data_changes_and_registration(sim, call, registered):
    sim.live.start_session(auth_id="NL-EMS-C0000001-X", location_id="LOC0000001")
    port = sim.port
    sim.stop()
    sim.start()
    assert sim.port == port
    body = call("GET", sim.module_url("sessions"), token=registered, params={"date_from": "2026-01-01T00:00:00Z"})
    assert [session["status"] for session in body.json()["data"]] == ["ACTIVE"]
