"""Live mode against our real eMSP (live server, real handshake): what the simulator pushes is
accepted by our receivers and lands in our database, and its own lists change the same way."""

from __future__ import annotations

import pytest

from ocpi.cdrs.models import Cdr
from ocpi.core.client import close_sessions
from ocpi.locations.selectors import evse_get, location_get
from ocpi.sessions.selectors import session_get
from ocpi.simulator import ClientOptions, CpoSimulator
from ocpi.simulator.generate import Dataset
from ocpi.simulator.live import LiveError
from ocpi.tariffs.selectors import tariff_get
from partners.services import partner_invite

NETWORK = Dataset(seed=2, locations=6, sessions=0, cdrs=0, tariffs=2)


@pytest.fixture
def live(ocpi_server):
    """The simulator registered with us through the real handshake (it is the initiator)."""
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=15.0)
    with CpoSimulator(port=0, dataset=NETWORK, client_options=options) as simulator:
        invitation = partner_invite(name="Live simulator")
        simulator.register_with(invitation.versions_url, invitation.token)
        yield simulator, invitation.partner.pk
    close_sessions()


def our_session(partner_id: int, session_id: str) -> dict:
    found = session_get(partner_id=partner_id, country_code="NL", party_id="SIM", session_id=session_id)
    assert found is not None, session_id
    return found


def test_a_session_lifecycle_reaches_us_put_patch_put_and_cdr(live):
    sim, partner_id = live
    started = sim.live.start_session(auth_id="NL-EMS-C0000042-X", location_id="LOC0000001")
    assert our_session(partner_id, started["id"])["status"] == "ACTIVE"

    sim.live.advance_session(started["id"], kwh=1.5)
    sim.live.advance_session(started["id"], kwh=2.0)
    ours = our_session(partner_id, started["id"])
    assert ours["kwh"] == 3.5
    assert len(ours["charging_periods"]) == 2  # PATCHed periods are appended

    session, cdr = sim.live.stop_session(started["id"])
    assert our_session(partner_id, started["id"])["status"] == "COMPLETED"
    stored = Cdr.objects.get(partner_id=partner_id, ocpi_id=cdr["id"])
    assert stored.data["total_energy"] == 3.5
    assert sim.live.failures == []
    assert sim.data.find("sessions", session["id"])[1]["status"] == "COMPLETED"
    assert sim.data.find("cdrs", cdr["id"])[1] == cdr


def test_an_evse_status_change_unknown_to_us_falls_back_to_putting_the_location(live):
    sim, partner_id = live
    location = sim.data.find("locations", "LOC0000004")[1]
    uid = location["evses"][0]["uid"]
    sim.live.push_evse_status(location_id="LOC0000004", evse_uid=uid, status="OUTOFORDER")
    assert [(push.method, push.fell_back, push.error == "") for push in sim.live.pushes] == [
        ("PATCH", True, False),
        ("PUT", False, True),
    ]
    assert sim.live.failures == []
    evse = evse_get(partner_id=partner_id, country_code="NL", party_id="SIM", location_id="LOC0000004", evse_uid=uid)
    assert evse is not None
    assert evse["status"] == "OUTOFORDER"

    sim.live.push_evse_status(location_id="LOC0000004", evse_uid=uid, status="AVAILABLE")
    assert sim.live.pushes[-1].method == "PATCH"
    ours = location_get(partner_id=partner_id, country_code="NL", party_id="SIM", location_id="LOC0000004")
    assert ours is not None
    assert ours["evses"][0]["status"] == "AVAILABLE"
    assert sim.data.find("locations", "LOC0000004")[1]["evses"][0]["status"] == "AVAILABLE"


def test_a_tariff_change_is_put_with_new_prices(live):
    sim, partner_id = live
    before = sim.data.find("tariffs", "TARIFF001")[1]
    tariff = sim.live.push_tariff("TARIFF001")
    assert tariff["elements"] != before["elements"]
    ours = tariff_get(partner_id=partner_id, country_code="NL", party_id="SIM", tariff_id="TARIFF001")
    assert ours is not None
    assert ours["elements"] == tariff["elements"]


def test_ticks_play_sessions_through_to_cdrs_without_a_failed_push(live):
    sim, partner_id = live
    for _ in range(8):
        sim.live.tick()
    assert Cdr.objects.filter(partner_id=partner_id).exists()
    assert sim.live.failures == []
    assert len(sim.live.active_sessions) <= 3


def test_a_push_that_fails_is_recorded_and_the_play_goes_on(live, settings):
    sim, _ = live
    settings.OCPI_ALLOW_PRIVATE_URLS = False  # our loopback URLs are now refused by the client
    sim.live.start_session(auth_id="NL-EMS-C0000001-X")
    assert sim.live.failures
    assert "refused" in sim.live.failures[0].error


def test_unknown_places_are_refused(live):
    sim, _ = live
    with pytest.raises(LiveError, match="location"):
        sim.live.start_session(auth_id="X", location_id="LOC9999999")
    with pytest.raises(LiveError, match="EVSE"):
        sim.live.push_evse_status(location_id="LOC0000001", evse_uid="nope", status="AVAILABLE")
    with pytest.raises(LiveError, match="no active session"):
        sim.live.stop_session("SES00000000")
