"""Handshake A (reference §3.3): we register with a CPO, and later update and unregister."""

from __future__ import annotations

import pytest
import requests
from django.core.management import CommandError

from partners.models import Partner
from partners.services import partner_unregister, partner_update
from tests.partners.conftest import run_command
from tests.support.httpserver import Reply
from tests.support.schemas import schema_errors

TOKEN_A = "token-a-given-by-the-cpo"


class CallbackProbe:
    """Answers the CPO's credentials endpoint like a real CPO: before answering, it calls our
    versions URL back with the token in the body, and records what that callback got."""

    def __init__(self, fake_cpo, *, issued="token-c-from-the-cpo"):
        self.fake_cpo = fake_cpo
        self.issued = issued
        self.callback_status = []
        self.bodies = []

    def __call__(self, request):
        if request.method == "DELETE":
            return Reply.ocpi()
        body = request.json()
        self.bodies.append((request.method, body, request.headers.get("Authorization")))
        ours = requests.get(body["url"], headers={"Authorization": f"Token {body['token']}"}, timeout=10)
        self.callback_status.append(ours.status_code)
        return Reply.ocpi(self.fake_cpo.credentials(self.issued))


@pytest.fixture
def probe(fake_cpo):
    handler = CallbackProbe(fake_cpo)
    fake_cpo.server.route("/2.1.1/credentials", handler)
    return handler


def register(fake_cpo, *extra):
    return run_command("partner_register", "--versions-url", fake_cpo.versions_url, "--token", TOKEN_A, *extra)


def test_we_register_and_our_token_b_works_during_the_post(ocpi_server, fake_cpo, probe):
    result = register(fake_cpo, "--name", "Fake")
    assert (result["status"], result["party"], result["version"], result["name"]) == (
        "REGISTERED",
        "DE/FKE",
        "2.1.1",
        "Fake",
    )
    assert probe.callback_status == [200]
    method, body, authorization = probe.bodies[0]
    assert (method, authorization) == ("POST", f"Token {TOKEN_A}")
    assert body["url"] == f"{ocpi_server}/ocpi/emsp/versions"
    assert (
        schema_errors(
            "V2_1_1/eMSP/Client/Credentials/credentialPostResponse.schema.json",
            {"data": fake_cpo.credentials("x"), "status_code": 1000, "timestamp": "2024-01-01T00:00:00Z"},
        )
        == []
    )
    token_b = body["token"]
    assert (
        requests.get(
            f"{ocpi_server}/ocpi/emsp/2.1.1/credentials", headers={"Authorization": f"Token {token_b}"}, timeout=10
        ).status_code
        == 200
    )
    assert fake_cpo.callbacks()[:2] == [f"Token {TOKEN_A}"] * 2  # versions and details with token A


def test_the_partner_name_defaults_to_their_business_name(ocpi_server, fake_cpo, probe):
    assert register(fake_cpo)["name"] == "Fake CPO"


def test_after_registration_we_call_them_with_their_token_c(ocpi_server, fake_cpo, probe):
    partner = Partner.objects.get(pk=register(fake_cpo)["partner_id"])
    partner_update(partner=partner)
    assert fake_cpo.callbacks()[-3:-1] == ["Token token-c-from-the-cpo"] * 2


def test_update_rotates_our_token_b_so_that_exactly_one_works(ocpi_server, fake_cpo, probe):
    partner = Partner.objects.get(pk=register(fake_cpo)["partner_id"])
    old_b = probe.bodies[0][1]["token"]
    probe.issued = "token-c-renewed"
    partner = partner_update(partner=partner)
    method, body, authorization = probe.bodies[-1]
    assert (method, authorization) == ("PUT", "Token token-c-from-the-cpo")
    new_b = body["token"]
    assert new_b != old_b
    assert probe.callback_status[-1] == 200  # the new B worked while their PUT was open
    versions = f"{ocpi_server}/ocpi/emsp/versions"
    assert requests.get(versions, headers={"Authorization": f"Token {old_b}"}, timeout=10).status_code == 401
    assert requests.get(versions, headers={"Authorization": f"Token {new_b}"}, timeout=10).status_code == 200
    partner_update(partner=partner)
    assert probe.bodies[-1][2] == "Token token-c-renewed"


def test_unregister_deletes_at_their_side_and_ends_ours(ocpi_server, fake_cpo, probe):
    partner = Partner.objects.get(pk=register(fake_cpo)["partner_id"])
    token_b = probe.bodies[0][1]["token"]
    partner = partner_unregister(partner=partner)
    assert partner.status == "UNREGISTERED"
    assert [request.method for request in fake_cpo.server.received_on("/2.1.1/credentials")] == ["POST", "DELETE"]
    versions = f"{ocpi_server}/ocpi/emsp/versions"
    assert requests.get(versions, headers={"Authorization": f"Token {token_b}"}, timeout=10).status_code == 401


def test_a_refused_post_leaves_nothing_behind(ocpi_server, fake_cpo):
    fake_cpo.server.route(
        "/2.1.1/credentials", lambda request: Reply.ocpi(status_code=2001, status_message="no", status=400)
    )
    with pytest.raises(CommandError, match="3001"):
        register(fake_cpo)
    assert not Partner.objects.exists()


def test_no_mutual_version_stops_before_posting(ocpi_server, fake_cpo, probe):
    fake_cpo.serve(versions=("2.2.1",))
    with pytest.raises(CommandError, match="3002"):
        register(fake_cpo)
    assert probe.bodies == []


def test_a_loopback_cpo_is_refused_unless_allowed(ocpi_server, fake_cpo, probe, settings):
    settings.OCPI_ALLOW_PRIVATE_URLS = False
    with pytest.raises(CommandError, match="loopback"):
        register(fake_cpo)
    assert fake_cpo.server.received == []
