"""Recovery: a CPO down for a while, a worker killed in the middle of a run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from ocpi.core.client import close_sessions
from ocpi.locations.models import Location
from sync.models import SyncRun
from sync.selectors import sync_watermark
from sync.services import SyncBusy, sync_run
from tests.sync.conftest import change

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]


def test_after_the_cpo_was_down_the_next_run_catches_up_with_no_gap(partner, sim, settings):
    settings.OCPI_CLIENT_MAX_RETRIES = 1
    first = sync_run(partner_id=partner.pk, module="locations")
    sim.stop()
    close_sessions()  # our kept-alive connections to it end with it
    try:
        down = sync_run(partner_id=partner.pk, module="locations")
        assert (down.status, down.retryable) == ("FAILED", True)
        assert "could not connect" in down.message
        # While it was down (as far as we could see), the CPO changed things.
        change(sim, "locations", 3, name="Changed during the outage")
        change(sim, "locations", 29, name="Also changed")
    finally:
        sim.start()  # on the same port, with its data and registration
    back = sync_run(partner_id=partner.pk, module="locations")
    assert back.date_from == first.watermark  # the failed run did not move it: no gap
    assert (back.status, back.updated) == ("SUCCEEDED", 2)
    assert Location.objects.get(ocpi_id="LOC0000003").name == "Changed during the outage"
    assert Location.objects.get(ocpi_id="LOC0000029").name == "Also changed"


def test_a_run_left_running_by_a_dead_worker_is_abandoned_and_the_next_completes(partner, settings):
    settings.SYNC_LEASE_SECONDS = 60
    first = sync_run(partner_id=partner.pk, module="locations")
    dead = SyncRun.objects.create(
        partner=partner,
        module="locations",
        watermark=timezone.now(),
        date_from=first.watermark,
        heartbeat_at=timezone.now() - timedelta(seconds=120),  # silent for longer than the lease
        pages=1,
    )
    assert sync_watermark(partner_id=partner.pk, module="locations") == first.watermark
    run = sync_run(partner_id=partner.pk, module="locations")
    assert run.status == "SUCCEEDED"
    assert run.date_from == first.watermark
    dead.refresh_from_db()
    assert dead.status == "ABANDONED"


@pytest.mark.skipif(connection.vendor == "postgresql", reason="PostgreSQL runs are guarded by advisory locks")
def test_without_advisory_locks_a_run_with_a_fresh_heartbeat_holds_its_place(partner):
    SyncRun.objects.create(partner=partner, module="locations", watermark=timezone.now())
    with pytest.raises(SyncBusy):
        sync_run(partner_id=partner.pk, module="locations")


@pytest.mark.postgres
def test_a_worker_killed_in_the_middle_of_a_run_leaves_the_watermark_and_the_next_run_completes(partner, sim):
    first = sync_run(partner_id=partner.pk, module="locations", full=True)
    for index in range(30):
        change(sim, "locations", index, name=f"Changed {index}")
    sim.faults.delay = 0.4  # a slow CPO: the worker is killed between pages
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "emsp.settings",
        "OCPI_ALLOW_PRIVATE_URLS": "1",
        "SYNC_BATCH_OBJECTS": "1",  # each page written on its own (default: grouped up to 1,000 objects)
        "DATABASE_URL": f"postgresql://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}",
    }
    command = [sys.executable, "manage.py", "partner_sync", "--partner", str(partner.pk), "--module", "locations"]
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    try:
        deadline = time.monotonic() + 30
        while not SyncRun.objects.filter(status="RUNNING", pages__gte=1).exists():
            assert time.monotonic() < deadline, "the worker never wrote a page"
            assert worker.poll() is None, "the worker ended before it could be killed"
            time.sleep(0.05)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.wait(timeout=10)
    killed = SyncRun.objects.get(status="RUNNING")
    assert 1 <= killed.pages < 3
    assert sync_watermark(partner_id=partner.pk, module="locations") == first.watermark

    sim.faults.delay = 0
    run = sync_run(partner_id=partner.pk, module="locations")  # its lock died with its connection
    assert (run.status, run.date_from) == ("SUCCEEDED", first.watermark)
    assert run.updated + run.unchanged == 30  # the pages the killed run wrote count as unchanged now
    assert run.updated == 30 - 10 * killed.pages
    killed.refresh_from_db()
    assert killed.status == "ABANDONED"
    assert Location.objects.filter(name__startswith="Changed ").count() == 30
