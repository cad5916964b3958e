"""The simulator registering with an eMSP (the simulator is the client), over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest
import requests

from ocpi.simulator import HandshakeError
from tests.ocpi.simulator.conftest import TOKEN_A
from tests.ocpi.simulator.fake_emsp import CREDENTIALS, DETAILS, VERSIONS
from tests.support.httpserver import ReceivedRequest, Reply
from tests.support.schemas import schema_errors

POST_SCHEMA = "V2_1_1/eMSP/Server/Credentials/credentialsPostRequest.schema.json"
EMSP_TOKEN_A = "emsp-token-A"


def status_with(url: str, token: str) -> int:
    return requests.get(url, headers={"Authorization": f"Token {token}"}, timeout=5).status_code


@pytest.fixture
def callbacks() -> list[tuple[str, str, int]]:
    """What the fake eMSP's credentials handler saw when it called the simulator back."""
    return []


@pytest.fixture
def answering(sim, emsp, callbacks):
    """Make the fake eMSP's credentials endpoint call the simulator back, as a real eMSP does
    while the POST/PUT is open, and answer with a token C of its own."""

    def answer_with(token_c: str, *, old_token: str | None = None) -> None:
        def credentials(request: ReceivedRequest) -> Reply:
            posted: dict[str, Any] = request.json()
            token_b = posted["token"]
            for what, url in (("versions", posted["url"]), ("details", sim.version_url)):
                callbacks.append((what, token_b, status_with(url, token_b)))
            # Only discovery, until the handshake is done.
            callbacks.append(("credentials", token_b, status_with(sim.module_url("credentials"), token_b)))
            if old_token is not None:
                callbacks.append(("old token", old_token, status_with(sim.versions_url, old_token)))
            return Reply.ocpi(emsp.credentials(token_c))

        emsp.server.route(CREDENTIALS, credentials)

    return answer_with


def test_it_registers_with_a_token_b_the_emsp_can_use_during_the_post(sim, emsp, answering, callbacks):
    answering("emsp-token-C")

    registration = sim.register_with(emsp.versions_url, EMSP_TOKEN_A)

    token_b = sim.issued_token
    assert token_b
    assert callbacks == [("versions", token_b, 200), ("details", token_b, 200), ("credentials", token_b, 401)]
    assert emsp.authorizations(VERSIONS) == [f"Token {EMSP_TOKEN_A}"]
    assert emsp.authorizations(DETAILS) == [f"Token {EMSP_TOKEN_A}"]
    [post] = emsp.server.received_on(CREDENTIALS, "POST")
    assert post.headers["Authorization"] == f"Token {EMSP_TOKEN_A}"
    assert schema_errors(POST_SCHEMA, post.json()) == []
    assert post.json() == {
        "token": token_b,
        "url": sim.versions_url,
        "business_details": {"name": "CPO Simulator"},
        "party_id": "SIM",
        "country_code": "NL",
    }
    assert registration.initiated_by == "simulator"
    assert (registration.country_code, registration.party_id) == ("NL", "EMS")
    assert sim.emsp_token == "emsp-token-C"
    assert sim.emsp_endpoints["credentials"] == emsp.server.url(CREDENTIALS)
    # From now on the eMSP calls with B, and the simulator's own token A is spent.
    assert status_with(sim.module_url("credentials"), token_b) == 200
    assert sim.token_a is None
    assert status_with(sim.versions_url, TOKEN_A) == 401


def test_a_refused_registration_leaves_no_usable_token(sim, emsp):
    emsp.server.route(CREDENTIALS, lambda request: Reply.ocpi(status_code=3001, status_message="cannot reach you"))

    with pytest.raises(HandshakeError, match="cannot reach you") as failure:
        sim.register_with(emsp.versions_url, EMSP_TOKEN_A)

    assert failure.value.status == 3001
    assert not sim.registered
    token_b = emsp.server.received_on(CREDENTIALS, "POST")[0].json()["token"]
    assert status_with(sim.versions_url, token_b) == 401
    assert sim.token_a == TOKEN_A


def test_it_does_not_post_to_an_emsp_without_2_1_1(sim, emsp):
    emsp.versions = [{"version": "2.2.1", "url": emsp.server.url("/ocpi/emsp/2.2.1/")}]
    with pytest.raises(HandshakeError, match="no common OCPI version") as failure:
        sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    assert failure.value.status == 3002
    assert emsp.server.received_on(CREDENTIALS) == []


def test_it_does_not_register_twice(sim, emsp, answering):
    answering("emsp-token-C")
    sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    with pytest.raises(HandshakeError, match="already registered"):
        sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    assert len(emsp.server.received_on(CREDENTIALS, "POST")) == 1


def test_update_registration_puts_a_new_token_b_keeping_the_old_one_until_done(sim, emsp, answering, callbacks):
    answering("emsp-token-C")
    sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    old_b = sim.issued_token
    assert old_b
    callbacks.clear()
    answering("emsp-token-C2", old_token=old_b)

    sim.update_registration()

    new_b = sim.issued_token
    assert new_b
    assert new_b != old_b
    assert callbacks == [
        ("versions", new_b, 200),
        ("details", new_b, 200),
        ("credentials", new_b, 401),
        ("old token", old_b, 200),
    ]
    [put] = emsp.server.received_on(CREDENTIALS, "PUT")
    assert put.headers["Authorization"] == "Token emsp-token-C"
    assert emsp.authorizations(VERSIONS)[-1] == "Token emsp-token-C"  # re-discovered with C
    assert sim.emsp_token == "emsp-token-C2"
    assert status_with(sim.versions_url, old_b) == 401
    assert status_with(sim.module_url("credentials"), new_b) == 200


def test_a_failed_update_keeps_the_old_token(sim, emsp, answering):
    answering("emsp-token-C")
    sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    old_b = sim.issued_token
    assert old_b
    emsp.server.enqueue(CREDENTIALS, Reply.ocpi(status_code=2001, status_message="no", status=400), method="PUT")

    with pytest.raises(HandshakeError):
        sim.update_registration()

    new_b = emsp.server.received_on(CREDENTIALS, "PUT")[0].json()["token"]
    assert status_with(sim.versions_url, new_b) == 401
    assert status_with(sim.module_url("credentials"), old_b) == 200
    assert sim.emsp_token == "emsp-token-C"


def test_unregister_deletes_at_the_emsp_and_forgets_it(sim, emsp, answering):
    answering("emsp-token-C")
    sim.register_with(emsp.versions_url, EMSP_TOKEN_A)
    token_b = sim.issued_token
    assert token_b
    emsp.server.enqueue(CREDENTIALS, Reply.ocpi(), method="DELETE")

    sim.unregister()

    [delete] = emsp.server.received_on(CREDENTIALS, "DELETE")
    assert delete.headers["Authorization"] == "Token emsp-token-C"
    assert not sim.registered
    assert status_with(sim.versions_url, token_b) == 401


def test_update_and_unregister_need_a_registration(sim):
    with pytest.raises(HandshakeError, match="not registered"):
        sim.update_registration()
    with pytest.raises(HandshakeError, match="not registered"):
        sim.unregister()
