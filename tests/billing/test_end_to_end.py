"""A flagged CDR end to end: the CPO simulator, registered with us through the real handshake,
publishes a tariff, then bills a session at prices it never published; its CDR POST is priced
by the worker and shows up in the admin's list of flagged CDRs."""

from __future__ import annotations

import copy
import time
from decimal import Decimal

import pytest

from billing.models import CdrPricing
from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator, Dataset
from partners.services import partner_register

TOKEN_A = "billing-tests-simulator-token-a"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sim(ocpi_server):
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=10.0)
    dataset = Dataset(seed=3, locations=2, sessions=0, cdrs=0, tariffs=1, party_id="SIM")
    with CpoSimulator(port=0, token_a=TOKEN_A, party_id="SIM", client_options=options, dataset=dataset) as simulator:
        yield simulator
    close_sessions()


def raise_energy_price_unpublished(sim, tariff_id: str, by: float) -> None:
    """The CPO changes its own tariff without pushing it to us."""
    index, current = sim.data.find("tariffs", tariff_id)
    raised = copy.deepcopy(current)
    raised["elements"][0]["price_components"][0]["price"] = round(
        raised["elements"][0]["price_components"][0]["price"] + by, 2
    )
    sim.data["tariffs"].put(index, raised, epoch=int(time.time()))


def test_a_cdr_billed_at_unpublished_prices_is_flagged_and_listed(sim, eager, admin_client):
    partner_register(versions_url=sim.versions_url, token_a=TOKEN_A, name="Simulator")
    location = sim.data.find("locations", "LOC0000000")[1]
    evse = location["evses"][0]
    tariff_id = evse["connectors"][0]["tariff_id"]
    sim.live.push_tariff(tariff_id)  # published: PUT to our tariffs receiver
    raise_energy_price_unpublished(sim, tariff_id, by=0.10)

    session = sim.live.start_session(auth_id="NL-EMS-C0000001-X", location_id=location["id"], evse_uid=evse["uid"])
    sim.live.advance_session(session["id"], kwh=20.0)
    _, posted = sim.live.stop_session(session["id"])
    assert sim.live.failures == []

    pricing = CdrPricing.objects.select_related("cdr").get()
    assert pricing.cdr.ocpi_id == posted["id"]
    assert (pricing.flagged, pricing.tariff_source, pricing.tariff_id) == (True, "REVISION", tariff_id)
    # 20 kWh at 0.10 more than published; the TIME part differs by under a minute's price
    assert pricing.difference is not None
    assert abs(pricing.difference - Decimal("2.00")) <= Decimal("0.04")
    assert f"the CDR carries tariff {tariff_id} with other prices than published at its start" in pricing.warnings

    page = admin_client.get("/admin/billing/cdrpricing/", {"flagged__exact": "1"}).content.decode()
    assert posted["id"] in page
    assert "CPO total differs from ours by" in page
