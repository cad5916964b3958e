"""The TIMEOUT sweep is a registered Celery task on the beat schedule, and thin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from emsp.celery import app
from ocpi.commands import services
from ocpi.commands.models import Command
from ocpi.commands.tasks import commands_sweep


def test_the_sweep_is_scheduled_by_beat():
    schedule: dict[str, dict[str, Any]] = settings.CELERY_BEAT_SCHEDULE
    [entry] = [entry for entry in schedule.values() if entry["task"] == commands_sweep.name]
    assert float(entry["schedule"]) <= 60  # a TIMEOUT shows within a minute of the deadline
    app.loader.import_default_modules()
    assert commands_sweep.name in app.tasks


def test_the_sweep_times_out_what_is_due_once(cpo_sim, token):
    cpo_sim.sim.commands.form = "none"
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    Command.objects.filter(pk=command.pk).update(deadline=timezone.now() - timedelta(seconds=1))
    cpo_sim.quiet()
    assert commands_sweep()[0] == 1
    assert commands_sweep()[0] == 0
    command.refresh_from_db()
    assert (command.state, command.result, command.message) == ("TIMEOUT", "TIMEOUT", "no result before the deadline")
