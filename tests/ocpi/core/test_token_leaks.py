"""No credentials token ever reaches the logs or the traffic journal, raw or Base64-encoded:
searched after the real handshake with the CPO simulator, a credentials rotation, a token push,
a command with its result, and a full sync of every module."""

from __future__ import annotations

import base64
import logging
import time

import pytest

from ocpi.commands.services import command_unlock_connector
from ocpi.core.client import close_sessions
from ocpi.core.models import JournalEntry
from ocpi.simulator import ClientOptions, CpoSimulator
from ocpi.simulator.generate import Dataset
from ocpi.tokens import outbox
from partners.models import Partner
from partners.services import partner_update
from partners.tokens import decrypt_token
from tests.ocpi.tokens.makers import token as make_token
from tests.partners.conftest import run_command

pytestmark = pytest.mark.django_db(transaction=True)

SIM_TOKEN_A = "simulator-token-a-leak-check"
DATA = Dataset(locations=3, sessions=5, cdrs=5, tariffs=2)


@pytest.fixture
def sim(ocpi_server):
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    with CpoSimulator(port=0, token_a=SIM_TOKEN_A, party_id="SIM", client_options=options, dataset=DATA) as simulator:
        yield simulator
    close_sessions()


def forms(token: str) -> set[str]:
    return {token, base64.b64encode(token.encode()).decode()}


def test_no_token_is_logged_or_journaled_in_a_whole_roaming_day(sim, caplog, settings):
    settings.OCPI_COMMAND_TIMEOUT_SECONDS = 5
    caplog.set_level(logging.DEBUG)
    seen: set[str] = forms(SIM_TOKEN_A)

    registered = run_command("partner_register", "--versions-url", sim.versions_url, "--token", SIM_TOKEN_A)
    partner = Partner.objects.get(pk=registered["partner_id"])
    seen |= forms(sim.emsp_token) | forms(decrypt_token(partner.their_token_encrypted))
    partner_update(partner=partner)  # rotation: new tokens both ways
    partner.refresh_from_db()
    seen |= forms(sim.emsp_token) | forms(decrypt_token(partner.their_token_encrypted))

    make_token()
    assert outbox.outbox_drain(partner_id=partner.pk).sent == 1
    location = DATA.location(0)
    evse = location["evses"][0]
    command = command_unlock_connector(
        partner=partner, location_id=location["id"], evse_uid=evse["uid"], connector_id=evse["connectors"][0]["id"]
    )
    assert command.state == "ACCEPTED"
    time.sleep(1.5)  # the simulator's result callback
    synced = run_command("partner_sync", "--partner", str(partner.pk), "--module", "all", "--full")
    assert synced

    journal = list(JournalEntry.objects.values_list("url", "request_headers", "request_body", "response_body", "error"))
    assert len(journal) >= 10
    texts = ["\n".join(map(str, entry)) for entry in journal] + [caplog.text]
    assert all(len(token) >= 20 for token in seen)
    leaks = [token[:6] + "…" for token in seen if any(token in text for text in texts)]
    assert leaks == []
