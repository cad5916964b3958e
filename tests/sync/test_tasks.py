"""The Celery side: retries of transient failures only, busy runs skipped, beat schedules."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from partners.tokens import encrypt_token
from sync.models import SyncRun
from sync.schedules import DEFAULT_MINUTES, schedule_name
from sync.tasks import partner_pull, retry_delay, schedules_refresh

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def eager(settings):
    from emsp.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


def test_it_pulls_and_says_how_it_ended(partner, eager):
    result = partner_pull.apply(kwargs={"partner_id": partner.pk, "module": "cdrs"})
    assert result.get() == "SUCCEEDED"
    assert SyncRun.objects.get().trigger == "schedule"


def test_a_transient_failure_is_retried_then_given_up(partner, sim, settings, eager):
    settings.OCPI_CLIENT_MAX_RETRIES = 0
    sim.faults.errors.configure(1.0)
    result = partner_pull.apply(kwargs={"partner_id": partner.pk, "module": "tariffs"})
    assert result.failed()
    runs = SyncRun.objects.filter(module="tariffs")
    assert runs.count() == 1 + partner_pull.max_retries
    assert set(runs.values_list("status", "retryable")) == {("FAILED", True)}


def test_a_permanent_failure_is_not_retried(partner, eager):
    partner.their_token_encrypted = encrypt_token("not-the-token-they-gave-us")
    partner.save()
    result = partner_pull.apply(kwargs={"partner_id": partner.pk, "module": "tariffs"})
    assert result.get() == "FAILED"
    run = SyncRun.objects.get()
    assert (run.retryable, "401" in run.message) == (False, True)


def test_backoff_doubles_up_to_a_cap():
    assert [retry_delay(n) for n in range(6)] == [30, 60, 120, 240, 480, 480]


def test_a_pull_that_another_worker_runs_is_skipped(partner, held_lock, eager):
    held_lock(partner, "sessions")
    assert partner_pull.apply(kwargs={"partner_id": partner.pk, "module": "sessions"}).get() == "busy"


def test_it_has_time_limits_and_acks_late():
    assert partner_pull.acks_late is True
    assert 0 < partner_pull.soft_time_limit < partner_pull.time_limit


def test_schedules_are_created_per_module_with_splay_and_a_first_pull_at_once(partner, eager):
    started = schedules_refresh()
    assert started == 4
    assert set(SyncRun.objects.values_list("module", "status")) == {
        ("locations", "SUCCEEDED"), ("sessions", "SUCCEEDED"), ("cdrs", "SUCCEEDED"), ("tariffs", "SUCCEEDED"),
    }  # fmt: skip
    tasks = {task.name: task for task in PeriodicTask.objects.filter(name__startswith=f"sync {partner.pk} ")}
    assert set(tasks) == {
        schedule_name(partner.pk, module, full=full)
        for module, full in [("locations", False), ("sessions", False), ("cdrs", False), ("tariffs", False),
                             ("locations", True), ("tariffs", True)]
    }  # fmt: skip
    sessions = tasks[schedule_name(partner.pk, "sessions")]
    assert (sessions.task, sessions.enabled, sessions.interval.every) == ("sync.tasks.partner_pull", True, 5)
    assert json.loads(sessions.kwargs) == {"partner_id": partner.pk, "module": "sessions", "full": False}
    now = timezone.now()
    for module, minutes in DEFAULT_MINUTES.items():
        start = tasks[schedule_name(partner.pk, module)].start_time
        assert now - timedelta(minutes=1) <= start <= now + timedelta(minutes=minutes)


def test_schedules_edited_by_staff_are_kept_and_no_pull_is_started_twice(partner, eager):
    schedules_refresh()
    task = PeriodicTask.objects.get(name=schedule_name(partner.pk, "locations"))
    task.interval, _ = IntervalSchedule.objects.get_or_create(every=2, period=IntervalSchedule.MINUTES)
    task.save()
    assert schedules_refresh() == 0
    assert PeriodicTask.objects.get(name=schedule_name(partner.pk, "locations")).interval.every == 2
    assert SyncRun.objects.count() == 4


def test_schedules_of_a_partner_no_longer_registered_are_paused(partner, eager):
    schedules_refresh()
    partner.status = partner.Status.SUSPENDED
    partner.save()
    schedules_refresh()
    assert not PeriodicTask.objects.filter(name__startswith=f"sync {partner.pk} ", enabled=True).exists()
