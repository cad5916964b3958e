"""A CPO simulator registered with our platform through the real handshake, ready to be pulled."""

from __future__ import annotations

import pytest

from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator, Dataset

TOKEN_A = "sync-tests-simulator-token-a"
# Small but with every shape: several pages at limit 10, EVSEs and connectors, tariffs.
DATASET = Dataset(seed=7, locations=30, sessions=25, cdrs=25, tariffs=3, party_id="SIM")


@pytest.fixture
def sim(ocpi_server):
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    with CpoSimulator(port=0, token_a=TOKEN_A, party_id="SIM", client_options=options, dataset=DATASET) as simulator:
        yield simulator
    close_sessions()


@pytest.fixture
def partner(sim, settings):
    """Our partner row for the simulator: registered by us with its token A, pages of 10."""
    from partners.services import partner_register

    settings.OCPI_CLIENT_MAX_RETRIES = 3
    partner = partner_register(versions_url=sim.versions_url, token_a=TOKEN_A, name="Simulator")
    partner.page_limit = 10
    partner.request_timeout = 2
    partner.save(update_fields=["page_limit", "request_timeout"])
    return partner
