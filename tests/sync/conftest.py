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


def change(sim, module: str, index: int, **fields) -> dict:
    """The CPO changes object ``index`` now (its ``last_updated`` moves to this second)."""
    import time

    from ocpi.simulator.generate import iso

    now = int(time.time())
    obj = {**sim.data[module].get(index), **fields, "last_updated": iso(now)}
    sim.data[module].put(index, obj, epoch=now)
    return obj


def pulled_urls(module: str) -> list[str]:
    """The URLs of our GETs of a module's list, oldest first (from the traffic journal)."""
    from ocpi.core.models import JournalEntry

    entries = JournalEntry.objects.filter(direction=JournalEntry.Direction.OUTBOUND, method="GET")
    return [url for url in entries.order_by("id").values_list("url", flat=True) if f"/{module}" in url]
