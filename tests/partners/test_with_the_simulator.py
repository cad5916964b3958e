"""Both handshakes end to end between our platform and the CPO simulator, over real HTTP:
from the command line, from the admin, and through rotation and unregistration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator
from partners.models import Partner
from partners.services import partner_unregister, partner_update
from tests.partners.conftest import run_command

ROOT = Path(__file__).resolve().parents[2]
SIM_TOKEN_A = "simulator-token-a-for-us"


@pytest.fixture
def sim(ocpi_server):
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    with CpoSimulator(port=0, token_a=SIM_TOKEN_A, party_id="SIM", client_options=options) as simulator:
        yield simulator
    close_sessions()


def works(ocpi_server, token):
    url = f"{ocpi_server}/ocpi/emsp/2.1.1/credentials"
    return requests.get(url, headers={"Authorization": f"Token {token}"}, timeout=10).status_code == 200


def test_we_register_with_the_simulator_from_the_command_line(ocpi_server, sim):
    result = run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    assert (result["status"], result["party"], result["name"]) == ("REGISTERED", "NL/SIM", "CPO Simulator")
    assert sim.registered
    assert sim.registration.initiated_by == "emsp"
    assert works(ocpi_server, sim.emsp_token)  # the simulator calls us with our token B
    assert sim.token_a is None  # its token A died


def test_the_simulator_registers_with_us_using_our_invitation(ocpi_server, sim):
    invitation = run_command("partner_invite", "--name", "Simulator")
    sim.register_with(invitation["versions_url"], invitation["token_a"])
    partner = Partner.objects.get(pk=invitation["partner_id"])
    assert (partner.status, partner.party, partner.version) == ("REGISTERED", "NL/SIM", "2.1.1")
    assert partner.endpoints["credentials"] == sim.module_url("credentials")
    assert partner.endpoints["locations"] == sim.module_url("locations")  # every module it lists is learnt
    assert works(ocpi_server, sim.emsp_token)  # the token C we issued
    assert not works(ocpi_server, invitation["token_a"])


def test_the_simulator_registers_with_us_from_its_own_command_line(ocpi_server, live_server):
    invitation = run_command("partner_invite", "--name", "Simulator CLI")
    command = [
        sys.executable, "manage.py", "cpo_simulator", "--port", "0", "--json",
        "--register-with", invitation["versions_url"], "--token", invitation["token_a"],
    ]  # fmt: skip
    env = {**os.environ, "OCPI_ALLOW_PRIVATE_URLS": "1", "DJANGO_SETTINGS_MODULE": "emsp.settings"}
    with subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True) as process:  # noqa: S603
        try:
            assert process.stdout is not None
            summary = json.loads(process.stdout.readline())
        finally:
            process.terminate()
    assert summary["registration"]["ok"] is True
    assert summary["registered"] is True
    assert Partner.objects.get(pk=invitation["partner_id"]).status == "REGISTERED"


def test_rotation_both_ways_leaves_exactly_one_token_working(ocpi_server, sim):
    invitation = run_command("partner_invite", "--name", "Simulator")
    sim.register_with(invitation["versions_url"], invitation["token_a"])
    old_c = sim.emsp_token
    sim.update_registration()  # they PUT to us: our token C rotates
    assert sim.emsp_token != old_c
    assert not works(ocpi_server, old_c)
    assert works(ocpi_server, sim.emsp_token)

    partner = Partner.objects.get(pk=invitation["partner_id"])
    before = sim.emsp_token
    partner_update(partner=partner)  # we PUT to them: the token they hold for us changes
    assert sim.emsp_token != before
    assert not works(ocpi_server, before)
    assert works(ocpi_server, sim.emsp_token)


def test_unregistration_both_ways(ocpi_server, sim):
    registered = run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    partner_unregister(partner=Partner.objects.get(pk=registered["partner_id"]))
    assert not sim.registered

    invitation = run_command("partner_invite", "--name", "Simulator again")
    sim.register_with(invitation["versions_url"], invitation["token_a"])
    token_c = sim.emsp_token
    sim.unregister()
    assert Partner.objects.get(pk=invitation["partner_id"]).status == "UNREGISTERED"
    assert not works(ocpi_server, token_c)


def test_from_the_admin_we_register_with_the_simulator(ocpi_server, sim, admin_client):
    response = admin_client.post(
        "/admin/partners/partner/register/", {"versions_url": sim.versions_url, "token": SIM_TOKEN_A}
    )
    assert response.status_code == 302
    assert Partner.objects.get().status == "REGISTERED"
    assert sim.registered


def test_no_token_reaches_the_journal_or_the_logs_in_clear(ocpi_server, sim, caplog):
    from django.db.models import Q

    from ocpi.core.journal_buffer import buffer
    from ocpi.core.models import JournalEntry

    caplog.set_level("DEBUG")
    registered = run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    partner = Partner.objects.get(pk=registered["partner_id"])
    tokens = {SIM_TOKEN_A, sim.emsp_token, sim.issued_token}
    partner_update(partner=partner)
    tokens |= {sim.emsp_token, sim.issued_token}
    invitation = run_command("partner_invite", "--name", "Simulator too")
    sim.unregister()  # frees NL/SIM for the second handshake
    sim.issue_token_a(SIM_TOKEN_A)
    sim.register_with(invitation["versions_url"], invitation["token_a"])
    tokens |= {invitation["token_a"], sim.emsp_token, sim.issued_token}
    buffer.flush()
    assert JournalEntry.objects.count() > 10
    fields = ("url", "request_headers", "request_body", "response_body", "error", "partner_label")
    for token in tokens - {None}:
        query = Q()
        for field in fields:
            query |= Q(**{f"{field}__contains": token})
        assert not JournalEntry.objects.filter(query).exists(), "a token is in the journal"
        assert token not in caplog.text


def test_from_the_admin_we_invite_the_simulator_and_it_registers(ocpi_server, sim, admin_client):
    import re

    page = admin_client.post("/admin/partners/partner/invite/", {"name": "Simulator via admin"}).content.decode()
    token = re.search(r'<code id="invite-token">([^<]+)</code>', page)
    versions = re.search(r'<code id="invite-versions-url">([^<]+)</code>', page)
    assert token is not None
    assert versions is not None
    sim.register_with(versions.group(1), token.group(1))
    partner = Partner.objects.get(name="Simulator via admin")
    assert (partner.status, partner.party) == ("REGISTERED", "NL/SIM")
    assert "REGISTERED" in admin_client.get("/admin/partners/partner/").content.decode()
