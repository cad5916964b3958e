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


@pytest.fixture
def held_lock():
    """``held_lock(partner, module)``: another worker is running that pull, for as long as the
    test lasts (PostgreSQL: it holds the advisory lock on its own connection; elsewhere: its
    RUNNING run has a fresh heartbeat)."""
    import threading

    from django.db import connection, connections
    from django.utils import timezone

    from sync.locks import run_lock
    from sync.models import SyncRun

    release = threading.Event()
    threads = []

    def hold(partner, module):
        if connection.vendor != "postgresql":
            SyncRun.objects.create(partner=partner, module=module, watermark=timezone.now())
            return
        holding = threading.Event()

        def worker():
            try:
                with run_lock(partner.pk, module) as acquired:
                    assert acquired
                    holding.set()
                    release.wait(30)
            finally:
                connections.close_all()

        thread = threading.Thread(target=worker)
        thread.start()
        threads.append(thread)
        assert holding.wait(10)

    yield hold
    release.set()
    for thread in threads:
        thread.join(10)
