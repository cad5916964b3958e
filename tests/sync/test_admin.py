"""The sync console: runs listed and shown, "pull now" and "full pull" from two places."""

from __future__ import annotations

import pytest

from sync.models import SyncRun
from sync.services import sync_run

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager():
    from emsp.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_it_lists_and_shows_runs_read_only(admin_client, partner, sim):
    sim.faults.malformed_share = 0.3
    run = sync_run(partner_id=partner.pk, module="locations")
    listing = admin_client.get("/admin/sync/syncrun/?status__exact=SUCCEEDED")
    assert listing.status_code == 200
    assert "Simulator (NL/SIM)" in listing.content.decode()
    detail = admin_client.get(f"/admin/sync/syncrun/{run.pk}/change/").content.decode()
    assert run.errors[0]["id"] in detail  # the first refused objects, with their errors
    assert "coordinates.latitude" in detail
    assert admin_client.post(f"/admin/sync/syncrun/{run.pk}/delete/").status_code == 403


def test_pull_now_and_full_pull_on_runs(admin_client, partner, eager):
    run = sync_run(partner_id=partner.pk, module="tariffs")
    response = admin_client.post(
        "/admin/sync/syncrun/", {"action": "full_pull", "_selected_action": [run.pk]}, follow=True
    )
    assert "1 full pull(s) queued" in response.content.decode()
    latest = SyncRun.objects.latest("id")
    assert (latest.module, latest.full, latest.trigger, latest.status) == ("tariffs", True, "admin", "SUCCEEDED")
    admin_client.post("/admin/sync/syncrun/", {"action": "pull_now", "_selected_action": [run.pk]})
    assert SyncRun.objects.filter(trigger="admin", full=False).count() == 1


def test_pull_now_of_a_partner_pulls_every_module_it_lists(admin_client, partner, eager):
    listing = admin_client.get("/admin/sync/partnersync/").content.decode()
    assert "never" in listing
    admin_client.post("/admin/sync/partnersync/", {"action": "pull_now", "_selected_action": [partner.pk]})
    assert set(SyncRun.objects.values_list("module", "trigger", "status")) == {
        (module, "admin", "SUCCEEDED") for module in ("locations", "sessions", "cdrs", "tariffs")
    }
    assert "succeeded" in admin_client.get("/admin/sync/partnersync/").content.decode()
