"""The partner console: list, invitation (token shown once), registration, actions."""

from __future__ import annotations

import re

import pytest
import requests

from partners.models import Partner
from partners.tokens import token_hash
from tests.partners.test_we_register_with_them import TOKEN_A, CallbackProbe

CHANGELIST = "/admin/partners/partner/"


@pytest.fixture
def probe(fake_cpo):
    handler = CallbackProbe(fake_cpo)
    fake_cpo.server.route("/2.1.1/credentials", handler)
    return handler


def register_from_admin(admin_client, fake_cpo, name="From the admin"):
    response = admin_client.post(
        f"{CHANGELIST}register/", {"versions_url": fake_cpo.versions_url, "token": TOKEN_A, "name": name}
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    return Partner.objects.get(name=name)


def run_action(admin_client, action, partner):
    return admin_client.post(CHANGELIST, {"action": action, "_selected_action": [partner.pk]}, follow=True)


def test_an_invitation_shows_token_a_once_and_stores_only_its_hash(ocpi_server, admin_client):
    page = admin_client.post(f"{CHANGELIST}invite/", {"name": "New CPO"}).content.decode()
    shown = re.search(r'<code id="invite-token">([^<]+)</code>', page)
    assert shown is not None
    token = shown.group(1)
    assert f"{ocpi_server}/ocpi/emsp/versions" in page
    partner = Partner.objects.get(name="New CPO")
    assert (partner.status, partner.registration_token_hash) == ("PENDING", token_hash(token))
    assert token not in admin_client.get(f"{CHANGELIST}{partner.pk}/change/").content.decode()
    assert token not in admin_client.get(CHANGELIST).content.decode()


def test_the_list_shows_status_version_modules_contact_and_a_journal_link(ocpi_server, admin_client, fake_cpo, probe):
    partner = register_from_admin(admin_client, fake_cpo)
    page = admin_client.get(CHANGELIST).content.decode()
    assert "Invite a CPO" in page
    assert "Register with a CPO" in page
    for text in ("From the admin", "DE/FKE", "REGISTERED", "2.1.1", "credentials"):
        assert text in page
    assert f"/admin/ocpi_core/journalentry/?partner_id={partner.pk}" in page
    journal = admin_client.get(f"/admin/ocpi_core/journalentry/?partner_id={partner.pk}").content.decode()
    assert fake_cpo.server.url("/2.1.1/credentials") in journal  # our POST to them, journaled under their id


def test_a_failed_registration_says_why_on_the_form(ocpi_server, admin_client, fake_cpo):
    fake_cpo.serve(versions=("2.0",))
    response = admin_client.post(f"{CHANGELIST}register/", {"versions_url": fake_cpo.versions_url, "token": TOKEN_A})
    assert response.status_code == 200
    assert "Registration failed (3002)" in response.content.decode()
    assert not Partner.objects.exists()


def test_update_and_unregister_actions_call_the_partner(ocpi_server, admin_client, fake_cpo, probe):
    partner = register_from_admin(admin_client, fake_cpo)
    assert "Credentials updated with" in run_action(admin_client, "update_credentials", partner).content.decode()
    assert probe.bodies[-1][0] == "PUT"
    assert "Unregistered from" in run_action(admin_client, "unregister", partner).content.decode()
    partner.refresh_from_db()
    assert partner.status == "UNREGISTERED"
    failed = run_action(admin_client, "update_credentials", partner).content.decode()
    assert "not registered" in failed


def test_a_suspended_partner_is_refused_until_resumed(ocpi_server, admin_client, fake_cpo, probe):
    partner = register_from_admin(admin_client, fake_cpo)
    token_b = probe.bodies[0][1]["token"]
    versions = f"{ocpi_server}/ocpi/emsp/versions"
    run_action(admin_client, "suspend", partner)
    assert requests.get(versions, headers={"Authorization": f"Token {token_b}"}, timeout=10).status_code == 401
    run_action(admin_client, "resume", partner)
    assert requests.get(versions, headers={"Authorization": f"Token {token_b}"}, timeout=10).status_code == 200


def test_staff_cannot_add_a_partner_from_a_blank_form(admin_client, db):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
