"""The simulator's tokens receiver over real HTTP: what the eMSP pushes is stored, readable by
tests, validated as strictly as ChargeMap's schema; a share of requests can be made to fail."""

from __future__ import annotations

import json

import pytest

from tests.support.schemas import SHARED, schema_errors

GET_SCHEMA = "V2_1_1/eMSP/Client/Tokens/tokenGetResponse.schema.json"
PUT_SCHEMA = "V2_1_1/eMSP/Client/Tokens/tokenPutRequest.schema.json"
INVALID = sorted(
    (
        SHARED
        / "ocpi/external-fixtures/ChargeMap-ocpi-protocol/tests/Versions/V2_1_1/Client/Tokens/Get"
        / "payloads/invalid"
    ).glob("ko_*.json")
)
EXAMPLES = SHARED / "ocpi/examples/2.1.1"
UID = "012345678"


def example(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text())


@pytest.fixture
def token_url(sim, registered):
    return f"{sim.module_url('tokens')}/NL/EMS/{UID}"


def test_a_put_token_is_stored_and_served_back(sim, call, registered, token_url):
    token = example("tokens_put_token_example.json")
    assert schema_errors(PUT_SCHEMA, token) == []
    response = call("PUT", token_url, token=registered, json=token)
    assert (response.status_code, response.json()["status_code"]) == (200, 1000)
    assert "data" not in response.json()
    assert sim.tokens.get(UID) == token
    body = call("GET", token_url, token=registered).json()
    assert schema_errors(GET_SCHEMA, body) == []
    assert body["data"] == token


def test_a_patch_merges_into_the_stored_token(sim, call, registered, token_url):
    call("PUT", token_url, token=registered, json=example("tokens_put_token_example.json"))
    patch = {"valid": False, "last_updated": "2015-06-30T10:00:00Z"}
    assert call("PATCH", token_url, token=registered, json=patch).status_code == 200
    stored = sim.tokens.get(UID)
    assert (stored["valid"], stored["last_updated"], stored["issuer"]) == (
        False,
        "2015-06-30T10:00:00Z",
        "TheNewMotion",
    )
    assert [(write.method, write.applied) for write in sim.tokens.writes] == [("PUT", True), ("PATCH", True)]


def test_a_patch_without_last_updated_is_stamped_when_received(sim, call, registered, token_url):
    call("PUT", token_url, token=registered, json=example("tokens_put_token_example.json"))
    call("PATCH", token_url, token=registered, json=example("tokens_patch_token_invalidate_example.json"))
    assert sim.tokens.get(UID)["last_updated"] > "2015-06-29T22:39:09Z"


def test_an_unknown_token_is_404_on_get_and_patch(call, registered, token_url):
    assert call("GET", token_url, token=registered).status_code == 404
    response = call("PATCH", token_url, token=registered, json={"valid": False})
    assert response.status_code == 404
    assert "PUT it first" in response.json()["status_message"]


@pytest.mark.parametrize("payload", INVALID, ids=lambda path: path.stem)
def test_chargemaps_invalid_tokens_are_refused_with_2001(sim, call, registered, payload):
    token = json.loads(payload.read_text())["data"]
    uid = token.get("uid") or "some-uid"
    response = call("PUT", f"{sim.module_url('tokens')}/NL/EMS/{uid}", token=registered, json=token)
    assert (response.status_code, response.json()["status_code"]) == (400, 2001), payload.name
    assert sim.tokens.all() == {}


def test_a_uid_that_differs_from_the_url_is_refused(call, registered, sim):
    response = call(
        "PUT", f"{sim.module_url('tokens')}/NL/EMS/other", token=registered, json=example("tokens_token_example.json")
    )
    assert response.status_code == 400
    assert response.json()["status_message"].startswith("uid:")


def test_a_token_of_another_party_is_refused(call, registered, sim):
    response = call(
        "PUT", f"{sim.module_url('tokens')}/DE/XYZ/{UID}", token=registered, json=example("tokens_token_example.json")
    )
    assert response.status_code == 400
    assert "country_code/party_id" in response.json()["status_message"]


def test_a_share_of_requests_fails_and_stores_nothing(sim, call, registered):
    sim.tokens.failures.configure(0.2)
    token = example("tokens_put_token_example.json")
    statuses = []
    for number in range(10):
        uid = f"uid-{number}"
        answer = call("PUT", f"{sim.module_url('tokens')}/NL/EMS/{uid}", token=registered, json={**token, "uid": uid})
        statuses.append(answer.status_code)
    assert statuses == [200, 200, 200, 200, 503] * 2
    assert sorted(sim.tokens.all()) == sorted(f"uid-{n}" for n in (0, 1, 2, 3, 5, 6, 7, 8))


def test_writes_apply_in_arrival_order_unless_told_to_respect_last_updated(sim, call, registered, token_url):
    newer = {**example("tokens_put_token_example.json"), "last_updated": "2020-01-02T00:00:00Z"}
    older = {**newer, "valid": False, "last_updated": "2020-01-01T00:00:00Z"}
    call("PUT", token_url, token=registered, json=newer)
    call("PUT", token_url, token=registered, json=older)
    assert sim.tokens.get(UID)["valid"] is False  # a naive CPO: an older state overwrote a newer one

    sim.tokens.clear()
    sim.tokens.respect_last_updated = True
    call("PUT", token_url, token=registered, json=newer)
    response = call("PUT", token_url, token=registered, json=older)
    assert response.json()["status_code"] == 1000
    assert sim.tokens.get(UID)["valid"] is True
    assert [write.applied for write in sim.tokens.writes] == [True, False]
