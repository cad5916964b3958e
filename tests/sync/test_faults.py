"""Every fault mode of the simulator survived by a pull, over real HTTP."""

from __future__ import annotations

import threading

import pytest

from ocpi.core.models import JournalEntry
from ocpi.locations.models import Location
from ocpi.sessions.models import Session
from sync.services import sync_run
from tests.sync.conftest import DATASET, change

pytestmark = pytest.mark.django_db(transaction=True)


def listed_ids(sim, module: str = "locations") -> set[str]:
    collection = sim.data[module]
    return {collection.get(index)["id"] for index in range(collection.end) if collection.listed(index)}


def test_a_share_of_5xx_answers_is_retried(partner, sim):
    sim.faults.errors.configure(0.5)  # every other GET answered 503
    run = sync_run(partner_id=partner.pk, module="locations")
    assert (run.status, run.created) == ("SUCCEEDED", 30)
    assert any(request.status == 503 for request in sim.requests)


def test_timeouts_are_retried(partner, sim):
    sim.faults.hang = 3.0  # past the partner's read timeout of 2 s
    sim.faults.timeouts.force(1)
    run = sync_run(partner_id=partner.pk, module="sessions")
    assert (run.status, run.created) == ("SUCCEEDED", DATASET.sessions)
    timed_out = JournalEntry.objects.filter(url__contains="/sessions", error__contains="read timeout")
    assert timed_out.count() == 1  # one GET was never answered, and sent again


def test_malformed_objects_are_reported_and_the_rest_of_their_page_stored(partner, sim):
    sim.faults.malformed_share = 0.2
    run = sync_run(partner_id=partner.pk, module="locations")
    broken = {f"LOC{i:07d}" for i in range(DATASET.locations) if sim.data.is_malformed("locations", i, 0.2)}
    assert broken  # the seed breaks some
    assert run.status == "SUCCEEDED"
    assert (run.failed, run.created) == (len(broken), 30 - len(broken))
    assert {error["id"] for error in run.errors} == broken
    assert all(error["error"].startswith("coordinates.latitude") for error in run.errors)
    assert not Location.objects.filter(ocpi_id__in=broken).exists()


def test_malformed_sessions_name_their_field(partner, sim):
    sim.faults.malformed_share = 0.3
    run = sync_run(partner_id=partner.pk, module="sessions")
    assert run.failed > 0
    assert run.errors[0]["error"].startswith("kwh: Expected `float`")
    assert Session.objects.count() == DATASET.sessions - run.failed


def test_tiny_pages(partner, sim):
    sim.faults.page_cap = 3
    run = sync_run(partner_id=partner.pk, module="locations")
    assert (run.pages, run.created) == (10, 30)


def test_a_list_without_link_is_paged_by_offset(partner, sim):
    sim.faults.link = False
    run = sync_run(partner_id=partner.pk, module="locations")
    assert (run.pages, run.created) == (3, 30)


def test_churn_during_a_crawl_loses_nothing_and_removes_only_what_is_gone(partner, sim):
    sync_run(partner_id=partner.pk, module="locations")
    sim.faults.churn = 1  # after every page: one location removed, one inserted
    run = sync_run(partner_id=partner.pk, module="locations", full=True)
    assert run.status == "SUCCEEDED"
    sim.faults.churn = 0
    sync_run(partner_id=partner.pk, module="locations")  # what was inserted as the crawl ended

    def stored_listed():
        return set(Location.objects.filter(evses__listed=True).values_list("ocpi_id", flat=True))

    # Nothing the CPO lists is missing or marked removed (a Location the crawl skipped because
    # the list shifted under its offset was confirmed with a GET, not marked removed)...
    assert listed_ids(sim) <= stored_listed()
    # ...and what was removed after the crawl had seen it goes with the next full pull.
    seen_then_removed = stored_listed() - listed_ids(sim)
    assert sync_run(partner_id=partner.pk, module="locations", full=True).removed == len(seen_then_removed)
    assert stored_listed() == listed_ids(sim)


def test_objects_changed_during_a_crawl_come_with_the_next_run(partner, sim):
    sync_run(partner_id=partner.pk, module="locations")
    sim.faults.delay = 0.3  # three pages take about a second
    changer = threading.Timer(0.45, lambda: change(sim, "locations", 0, name="Changed while crawling"))
    changer.start()  # after the first page (which holds it) was read
    crawl = sync_run(partner_id=partner.pk, module="locations", full=True)
    changer.join()
    sim.faults.delay = 0
    assert Location.objects.get(ocpi_id="LOC0000000").name != "Changed while crawling"
    after = sync_run(partner_id=partner.pk, module="locations")
    assert after.date_from == crawl.watermark < crawl.started_at
    assert after.updated == 1
    assert Location.objects.get(ocpi_id="LOC0000000").name == "Changed while crawling"
