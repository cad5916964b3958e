"""Pulls against the CPO simulator over real HTTP: incremental and full, watermarks, removals."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from ocpi.cdrs.models import Cdr
from ocpi.locations.models import Evse, Location
from ocpi.sessions.models import Session
from ocpi.tariffs.models import Tariff
from sync.models import SyncRun
from sync.selectors import sync_watermark
from sync.services import SyncRefused, sync_run
from tests.sync.conftest import DATASET, change, pulled_urls

pytestmark = pytest.mark.django_db(transaction=True)


def query_of(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def test_it_pulls_every_module_page_by_page(partner):
    runs = {
        module: sync_run(partner_id=partner.pk, module=module)
        for module in ("locations", "sessions", "cdrs", "tariffs")
    }
    assert {module: run.status for module, run in runs.items()} == dict.fromkeys(runs, "SUCCEEDED")
    assert (runs["locations"].pages, runs["locations"].created) == (3, 30)
    assert Location.objects.filter(partner=partner).count() == DATASET.locations
    assert Evse.objects.filter(location__partner=partner).count() == DATASET.evses
    assert Session.objects.filter(partner=partner).count() == DATASET.sessions
    assert Cdr.objects.filter(partner=partner).count() == DATASET.cdrs
    assert Tariff.objects.filter(partner=partner).count() == DATASET.tariffs
    assert set(Location.objects.values_list("party_id", flat=True)) == {"SIM"}  # the partner's own party


def test_it_stores_what_a_put_of_the_same_location_would(partner, sim):
    from ocpi.locations.selectors import location_get

    sync_run(partner_id=partner.pk, module="locations")
    served = sim.data["locations"].get(4)
    stored = location_get(partner_id=partner.pk, country_code="NL", party_id="SIM", location_id=served["id"])
    assert stored == served


def test_the_first_run_asks_for_everything_and_the_next_from_the_watermark(partner, settings):
    settings.SYNC_OVERLAP_SECONDS = 120
    first = sync_run(partner_id=partner.pk, module="locations")
    assert first.date_from is None
    assert "date_from" not in query_of(pulled_urls("locations")[0])
    assert first.watermark == first.started_at - timedelta(seconds=120)

    second = sync_run(partner_id=partner.pk, module="locations")
    assert second.date_from == first.watermark
    assert query_of(pulled_urls("locations")[-1])["date_from"] == first.watermark.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert (second.pages, second.created, second.updated) == (1, 0, 0)  # nothing changed since


def test_sessions_always_send_date_from(partner):
    sync_run(partner_id=partner.pk, module="sessions")
    assert query_of(pulled_urls("sessions")[0])["date_from"] == "1970-01-01T00:00:00Z"
    sync_run(partner_id=partner.pk, module="sessions", full=True)
    assert query_of(pulled_urls("sessions")[-1])["date_from"] == "1970-01-01T00:00:00Z"


def test_an_incremental_run_brings_only_what_changed(partner, sim):
    sync_run(partner_id=partner.pk, module="locations")
    change(sim, "locations", 5, name="Renamed by the CPO")
    change(sim, "tariffs", 1, currency="USD")
    run = sync_run(partner_id=partner.pk, module="locations")
    assert (run.pages, run.created, run.updated, run.unchanged) == (1, 0, 1, 0)
    assert Location.objects.get(partner=partner, ocpi_id="LOC0000005").name == "Renamed by the CPO"
    sync_run(partner_id=partner.pk, module="tariffs")
    assert sync_run(partner_id=partner.pk, module="tariffs").updated == 0
    assert Tariff.objects.get(partner=partner, ocpi_id=sim.data["tariffs"].get(1)["id"]).currency == "USD"


def test_a_repeated_full_pull_rewrites_nothing(partner):
    sync_run(partner_id=partner.pk, module="locations")
    before = dict(Location.objects.values_list("ocpi_id", "updated"))
    run = sync_run(partner_id=partner.pk, module="locations", full=True)
    assert (run.created, run.updated, run.unchanged, run.removed) == (0, 0, 30, 0)
    assert dict(Location.objects.values_list("ocpi_id", "updated")) == before


def test_a_full_pull_marks_locations_the_cpo_no_longer_lists_removed(partner, sim):
    sync_run(partner_id=partner.pk, module="locations")
    assert sim.data["locations"].remove(7)
    assert sync_run(partner_id=partner.pk, module="locations").removed == 0  # incremental: cannot tell

    run = sync_run(partner_id=partner.pk, module="locations", full=True)
    assert (run.status, run.removed) == ("SUCCEEDED", 1)
    gone = Location.objects.get(partner=partner, ocpi_id="LOC0000007")  # kept, never deleted
    assert set(gone.evses.values_list("status", "listed")) == {("REMOVED", False)}
    assert not Evse.objects.filter(location__partner=partner, status="REMOVED").exclude(location=gone).exists()
    assert sync_run(partner_id=partner.pk, module="locations", full=True).removed == 0  # marked once


def test_a_location_listed_again_comes_back(partner, sim):
    sync_run(partner_id=partner.pk, module="locations")
    sim.data["locations"].remove(2)
    sync_run(partner_id=partner.pk, module="locations", full=True)
    sim.data["locations"].insert(
        lambda index: {**sim.data.dataset.location(2), "last_updated": "2026-01-01T00:00:00Z"}, epoch=0
    )
    run = sync_run(partner_id=partner.pk, module="locations", full=True)
    back = Location.objects.get(partner=partner, ocpi_id="LOC0000002")
    assert run.updated == 1
    assert back.evses.filter(listed=True).exists()


def test_a_full_pull_marks_tariffs_no_longer_listed_deleted_and_never_cdrs(partner, sim):
    sync_run(partner_id=partner.pk, module="tariffs")
    sync_run(partner_id=partner.pk, module="cdrs")
    tariff_id = sim.data["tariffs"].get(0)["id"]
    sim.data["tariffs"].remove(0)
    sim.data["cdrs"].remove(3)
    tariffs = sync_run(partner_id=partner.pk, module="tariffs", full=True)
    cdrs = sync_run(partner_id=partner.pk, module="cdrs", full=True)
    assert (tariffs.removed, cdrs.removed) == (1, 0)
    assert Tariff.objects.get(partner=partner, ocpi_id=tariff_id).deleted_at is not None
    assert Cdr.objects.filter(partner=partner).count() == DATASET.cdrs


def test_an_empty_list_marks_nothing_removed(partner, sim):
    sync_run(partner_id=partner.pk, module="tariffs")
    for index in range(DATASET.tariffs):
        sim.data["tariffs"].remove(index)
    run = sync_run(partner_id=partner.pk, module="tariffs", full=True)
    assert (run.status, run.removed) == ("SUCCEEDED", 0)
    assert "listed nothing" in run.message
    assert not Tariff.objects.filter(deleted_at__isnull=False).exists()


def test_a_failed_run_leaves_the_watermark_where_it_was(partner, sim):
    first = sync_run(partner_id=partner.pk, module="locations")
    sim.faults.errors.configure(1.0)
    failed = sync_run(partner_id=partner.pk, module="locations")
    assert (failed.status, failed.retryable) == ("FAILED", True)
    assert "503" in failed.message
    assert sync_watermark(partner_id=partner.pk, module="locations") == first.watermark


def test_it_refuses_partners_that_are_not_registered_or_list_no_such_module(partner):
    partner.endpoints = {key: url for key, url in partner.endpoints.items() if key != "cdrs"}
    partner.save()
    with pytest.raises(SyncRefused, match="no cdrs endpoint"):
        sync_run(partner_id=partner.pk, module="cdrs")
    partner.status = partner.Status.SUSPENDED
    partner.save()
    with pytest.raises(SyncRefused, match="only registered partners"):
        sync_run(partner_id=partner.pk, module="locations")
    assert not SyncRun.objects.exists()
