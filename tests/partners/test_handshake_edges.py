"""Edges of the handshake: races, refusals, unclear outcomes, suspended partners, URL safety."""

from __future__ import annotations

import pytest
import requests

from ocpi.core.errors import OcpiError
from ocpi.core.urlsafety import UnsafeUrl, check_partner_url
from partners.models import Partner
from partners.services import partner_unregister, partner_update
from partners.tokens import new_token, token_hash
from tests.partners.conftest import run_command
from tests.partners.test_we_register_with_them import TOKEN_A, CallbackProbe
from tests.support.httpserver import Reply
from tests.support.schemas import schema_errors

CREDENTIALS = "/ocpi/emsp/2.1.1/credentials"


@pytest.fixture
def probe(fake_cpo):
    handler = CallbackProbe(fake_cpo)
    fake_cpo.server.route("/2.1.1/credentials", handler)
    return handler


def registered_with_them(fake_cpo):
    result = run_command("partner_register", "--versions-url", fake_cpo.versions_url, "--token", TOKEN_A)
    return Partner.objects.get(pk=result["partner_id"])


def works(ocpi_server, token):
    response = requests.get(f"{ocpi_server}{CREDENTIALS}", headers={"Authorization": f"Token {token}"}, timeout=10)
    return response.status_code == 200


def test_our_credentials_posts_and_puts_validate_against_chargemap(ocpi_server, fake_cpo, probe):
    partner_update(partner=registered_with_them(fake_cpo))
    (post, post_body, _), (put, put_body, _) = probe.bodies
    assert (post, put) == ("POST", "PUT")
    assert schema_errors("V2_1_1/eMSP/Server/Credentials/credentialsPostRequest.schema.json", post_body) == []
    assert schema_errors("V2_1_1/eMSP/Server/Credentials/credentialsPutRequest.schema.json", put_body) == []


def test_a_refused_update_keeps_only_the_old_token(ocpi_server, fake_cpo, probe):
    partner = registered_with_them(fake_cpo)
    old_b = probe.bodies[0][1]["token"]
    fake_cpo.server.enqueue("/2.1.1/credentials", Reply.ocpi(status_code=2001, status_message="no", status=400))
    with pytest.raises(OcpiError, match="failed"):
        partner_update(partner=partner)
    assert works(ocpi_server, old_b)
    assert Partner.objects.get(pk=partner.pk).pending_access_token_hash == ""


def test_an_update_without_a_clear_answer_keeps_both_tokens_working(ocpi_server, fake_cpo, probe):
    partner = registered_with_them(fake_cpo)
    old_b = probe.bodies[0][1]["token"]
    fake_cpo.server.enqueue("/2.1.1/credentials", Reply.dropped(), method="PUT")
    with pytest.raises(OcpiError, match="no clear answer"):
        partner_update(partner=partner)
    assert [r.method for r in fake_cpo.server.received_on("/2.1.1/credentials")] == ["POST", "PUT"]  # not retried
    assert works(ocpi_server, old_b)
    assert Partner.objects.get(pk=partner.pk).pending_access_token_hash != ""


def test_a_party_registered_twice_is_refused(emsp, fake_cpo):
    first = run_command("partner_invite", "--name", "First")
    second = run_command("partner_invite", "--name", "Second")
    assert emsp("POST", CREDENTIALS, first["token_a"], fake_cpo.credentials("b1")).status_code == 200
    response = emsp("POST", CREDENTIALS, second["token_a"], fake_cpo.credentials("b2"))
    assert (response.status_code, response.json()["status_code"]) == (405, 2000)
    assert "already registered" in response.json()["status_message"]
    assert Partner.objects.get(pk=second["partner_id"]).status == "PENDING"


def test_a_put_may_not_change_the_party(emsp, fake_cpo):
    invitation = run_command("partner_invite", "--name", "Mover")
    token_c = emsp("POST", CREDENTIALS, invitation["token_a"], fake_cpo.credentials("b")).json()["data"]["token"]
    moved = {**fake_cpo.credentials("b2"), "party_id": "NEW"}
    response = emsp("PUT", CREDENTIALS, token_c, moved)
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert Partner.objects.get(pk=invitation["partner_id"]).party == "DE/FKE"


def test_our_own_pending_token_b_cannot_register_anyone(emsp, fake_cpo, db):
    token_b = new_token()
    Partner.objects.create(name="Ours", initiated_by_us=True, registration_token_hash=token_hash(token_b))
    response = emsp("POST", CREDENTIALS, token_b, fake_cpo.credentials("theirs"))
    assert (response.status_code, response.json()["status_code"]) == (405, 2000)


def test_a_suspended_partner_is_not_called_but_can_be_unregistered(ocpi_server, fake_cpo, probe):
    partner = registered_with_them(fake_cpo)
    Partner.objects.filter(pk=partner.pk).update(status=Partner.Status.SUSPENDED)
    partner.refresh_from_db()
    calls = len(fake_cpo.server.received)
    with pytest.raises(OcpiError, match="suspended"):
        partner_update(partner=partner)
    assert len(fake_cpo.server.received) == calls
    assert partner_unregister(partner=partner).status == "UNREGISTERED"


def test_unregistering_from_a_partner_that_already_forgot_us_completes(ocpi_server, fake_cpo, probe):
    partner = registered_with_them(fake_cpo)
    fake_cpo.server.enqueue("/2.1.1/credentials", Reply.ocpi(status_code=2000, status=405), method="DELETE")
    assert partner_unregister(partner=partner).status == "UNREGISTERED"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://10.1.2.3/versions", "private"),
        ("http://192.168.1.1/versions", "private"),
        ("http://169.254.169.254/latest", "link-local"),
        ("http://100.100.100.200/meta", "non-public"),
        ("http://[::1]/versions", "loopback"),
        ("http://[::ffff:127.0.0.1]/versions", "loopback"),
        ("ftp://cpo.example.com/versions", "not an http"),
        ("https://user:secret@cpo.example.com/versions", "credentials"),
    ],
)
def test_partner_urls_to_internal_targets_are_refused(settings, url, reason):
    settings.OCPI_ALLOW_PRIVATE_URLS = False
    with pytest.raises(UnsafeUrl, match=reason) as raised:
        check_partner_url(url)
    assert "secret" not in str(raised.value)


def test_a_public_address_is_allowed(settings):
    settings.OCPI_ALLOW_PRIVATE_URLS = False
    check_partner_url("https://93.184.215.14/ocpi/versions")
