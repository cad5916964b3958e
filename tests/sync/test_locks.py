"""Never two runs of one partner's module at once."""

from __future__ import annotations

import threading

import pytest
from django.db import connections

from sync.models import SyncRun
from sync.services import SyncBusy, sync_run

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_run_is_refused_while_another_runs_the_same_partner_and_module(partner, held_lock):
    held_lock(partner, "locations")
    with pytest.raises(SyncBusy, match="already running"):
        sync_run(partner_id=partner.pk, module="locations")
    assert not SyncRun.objects.filter(status="SUCCEEDED").exists()


def test_other_modules_of_the_same_partner_run_meanwhile(partner, held_lock):
    held_lock(partner, "locations")
    assert sync_run(partner_id=partner.pk, module="tariffs").status == "SUCCEEDED"


@pytest.mark.postgres
def test_of_two_overlapping_runs_one_is_refused_and_the_other_completes(partner, sim):
    sim.faults.delay = 0.3  # the first run crawls for about a second
    outcome = {}

    def first():
        try:
            outcome["first"] = sync_run(partner_id=partner.pk, module="locations").status
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        while not SyncRun.objects.filter(status="RUNNING").exists():
            assert thread.is_alive()
        with pytest.raises(SyncBusy):
            sync_run(partner_id=partner.pk, module="locations")
    finally:
        thread.join(30)
    assert outcome["first"] == "SUCCEEDED"
    assert SyncRun.objects.count() == 1


def test_the_lock_is_free_again_once_a_run_ends(partner, sim):
    sim.faults.errors.configure(1.0)
    assert sync_run(partner_id=partner.pk, module="tariffs").status == "FAILED"
    sim.faults.errors.configure(0.0)
    assert sync_run(partner_id=partner.pk, module="tariffs").status == "SUCCEEDED"
