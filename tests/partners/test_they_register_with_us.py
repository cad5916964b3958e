"""Handshake B (reference §3.4): a CPO registers with us, over real HTTP both ways."""

from __future__ import annotations

import pytest

from partners.models import Partner
from tests.partners.conftest import run_command
from tests.support.schemas import schema_errors

CREDENTIALS = "/ocpi/emsp/2.1.1/credentials"
POST_REQUEST_SCHEMA = "V2_1_1/eMSP/Server/Credentials/credentialsPostRequest.schema.json"
POST_RESPONSE_SCHEMA = "V2_1_1/eMSP/Server/Credentials/credentialsPostResponse.schema.json"
PUT_REQUEST_SCHEMA = "V2_1_1/eMSP/Server/Credentials/credentialsPutRequest.schema.json"
PUT_RESPONSE_SCHEMA = "V2_1_1/eMSP/Server/Credentials/credentialsPutResponse.schema.json"


@pytest.fixture
def invitation(ocpi_server):
    return run_command("partner_invite", "--name", "Fake CPO")


def register(emsp, fake_cpo, invitation, token_b="token-b-from-the-cpo"):
    body = fake_cpo.credentials(token_b)
    assert schema_errors(POST_REQUEST_SCHEMA, body) == []
    return emsp("POST", CREDENTIALS, invitation["token_a"], body)


def ocpi_status(response):
    return response.status_code, response.json()["status_code"]


def test_a_cpo_registers_with_its_token_a_and_gets_token_c(emsp, fake_cpo, invitation, ocpi_server):
    assert invitation["versions_url"] == f"{ocpi_server}/ocpi/emsp/versions"
    assert emsp("GET", "/ocpi/emsp/versions", invitation["token_a"]).status_code == 200
    assert emsp("GET", "/ocpi/emsp/2.1.1/", invitation["token_a"]).status_code == 200

    response = register(emsp, fake_cpo, invitation)

    assert ocpi_status(response) == (200, 1000)
    body = response.json()
    assert schema_errors(POST_RESPONSE_SCHEMA, body) == []
    ours = body["data"]
    assert ours["url"] == invitation["versions_url"]
    assert (ours["country_code"], ours["party_id"]) == ("NL", "EMS")
    assert fake_cpo.callbacks() == ["Token token-b-from-the-cpo"] * 2  # their versions, then details
    partner = Partner.objects.get(pk=invitation["partner_id"])
    assert (partner.status, partner.party, partner.version) == ("REGISTERED", "DE/FKE", "2.1.1")
    assert partner.endpoints == {"credentials": fake_cpo.server.url("/2.1.1/credentials")}
    assert partner.business_details == {"name": "Fake CPO", "website": "https://cpo.example.com"}


def test_token_a_dies_at_registration_and_token_c_reaches_everything(emsp, fake_cpo, invitation):
    token_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    for path in ("/ocpi/emsp/versions", "/ocpi/emsp/2.1.1/", CREDENTIALS):
        assert emsp("GET", path, invitation["token_a"]).status_code == 401
        assert emsp("GET", path, token_c).status_code == 200
    assert emsp("GET", CREDENTIALS, token_c).json()["data"]["token"] == token_c


def test_token_a_may_not_read_credentials_before_registration(emsp, invitation):
    assert ocpi_status(emsp("GET", CREDENTIALS, invitation["token_a"])) == (401, 2000)


def test_posting_twice_is_405(emsp, fake_cpo, invitation):
    token_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    assert ocpi_status(emsp("POST", CREDENTIALS, token_c, fake_cpo.credentials("again"))) == (405, 2000)


@pytest.mark.parametrize("method", ["PUT", "DELETE"])
def test_put_and_delete_before_registration_are_405(emsp, fake_cpo, invitation, method):
    response = emsp(method, CREDENTIALS, invitation["token_a"], fake_cpo.credentials("b"))
    assert ocpi_status(response) == (405, 2000)
    assert Partner.objects.get(pk=invitation["partner_id"]).status == "PENDING"


def test_put_rotates_token_c_so_that_exactly_one_token_works(emsp, fake_cpo, invitation):
    old_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    body = fake_cpo.credentials("token-b-renewed")
    assert schema_errors(PUT_REQUEST_SCHEMA, body) == []
    response = emsp("PUT", CREDENTIALS, old_c, body)
    assert ocpi_status(response) == (200, 1000)
    assert schema_errors(PUT_RESPONSE_SCHEMA, response.json()) == []
    new_c = response.json()["data"]["token"]
    assert new_c != old_c
    assert emsp("GET", CREDENTIALS, old_c).status_code == 401
    assert emsp("GET", CREDENTIALS, new_c).status_code == 200
    assert fake_cpo.callbacks()[-2:] == ["Token token-b-renewed"] * 2  # re-fetched with the new token B


def test_a_failed_put_keeps_the_old_tokens(emsp, fake_cpo, invitation):
    token_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    body = {**fake_cpo.credentials("b2"), "url": "http://127.0.0.1:9/versions"}  # nothing listens there
    assert ocpi_status(emsp("PUT", CREDENTIALS, token_c, body)) == (502, 3001)
    assert emsp("GET", CREDENTIALS, token_c).status_code == 200


def test_delete_unregisters_and_kills_every_token(emsp, fake_cpo, invitation):
    token_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    response = emsp("DELETE", CREDENTIALS, token_c)
    assert ocpi_status(response) == (200, 1000)
    assert "data" not in response.json()
    assert emsp("GET", "/ocpi/emsp/versions", token_c).status_code == 401
    partner = Partner.objects.get(pk=invitation["partner_id"])
    assert partner.status == "UNREGISTERED"
    assert (partner.access_token_hash, partner.their_token_encrypted) == ("", "")


def test_an_unreachable_callback_is_3001_and_the_invitation_stays_usable(emsp, fake_cpo, invitation):
    body = {**fake_cpo.credentials("b"), "url": "http://127.0.0.1:9/versions"}
    response = emsp("POST", CREDENTIALS, invitation["token_a"], body)
    assert ocpi_status(response) == (502, 3001)
    assert "Could not use your API" in response.json()["status_message"]
    assert Partner.objects.get(pk=invitation["partner_id"]).status == "PENDING"
    assert ocpi_status(register(emsp, fake_cpo, invitation)) == (200, 1000)


def test_no_mutual_version_is_3002(emsp, fake_cpo, invitation):
    fake_cpo.serve(versions=("2.0", "2.2.1"))
    response = register(emsp, fake_cpo, invitation)
    assert ocpi_status(response) == (400, 3002)
    assert "2.0, 2.2.1" in response.json()["status_message"]


def test_missing_endpoints_are_3003(emsp, fake_cpo, invitation, settings):
    settings.OCPI_REQUIRED_PARTNER_MODULES = ["credentials", "locations"]
    response = register(emsp, fake_cpo, invitation)
    assert ocpi_status(response) == (400, 3003)
    assert "locations" in response.json()["status_message"]


def test_a_loopback_versions_url_is_refused_unless_allowed(emsp, fake_cpo, invitation, settings):
    settings.OCPI_ALLOW_PRIVATE_URLS = False
    response = register(emsp, fake_cpo, invitation)
    assert ocpi_status(response) == (502, 3001)
    assert "loopback" in response.json()["status_message"]
    assert fake_cpo.server.received == []


def test_an_invalid_body_is_2001_naming_the_field(emsp, fake_cpo, invitation):
    body = {**fake_cpo.credentials("b"), "party_id": "TOOLONG"}
    response = emsp("POST", CREDENTIALS, invitation["token_a"], body)
    assert ocpi_status(response) == (400, 2001)
    assert response.json()["status_message"].startswith("party_id:")


def test_an_unknown_token_is_401(emsp):
    assert ocpi_status(emsp("GET", "/ocpi/emsp/versions", "never-issued")) == (401, 2000)


def test_tokens_are_stored_hashed_or_encrypted_never_in_clear(emsp, fake_cpo, invitation):
    token_c = register(emsp, fake_cpo, invitation, token_b="their-secret-token-b").json()["data"]["token"]
    row = Partner.objects.filter(pk=invitation["partner_id"]).values().get()
    stored = " ".join(str(value) for value in row.values())
    for token in (invitation["token_a"], token_c, "their-secret-token-b"):
        assert token not in stored


def test_token_c_works_raw_and_base64_encoded(emsp, fake_cpo, invitation):
    import base64

    token_c = register(emsp, fake_cpo, invitation).json()["data"]["token"]
    encoded = base64.b64encode(token_c.encode()).decode()
    response = emsp("GET", CREDENTIALS, encoded)
    assert response.status_code == 200
    assert response.json()["data"]["token"] == token_c  # GET answers with the token presented, decoded
