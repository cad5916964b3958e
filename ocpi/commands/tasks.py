"""Periodic upkeep of commands (scheduled in ``CELERY_BEAT_SCHEDULE``)."""

from __future__ import annotations

from celery import shared_task

from ocpi.commands import services


@shared_task(name="ocpi.commands.tasks.commands_sweep", ignore_result=True, soft_time_limit=60, time_limit=90)
def commands_sweep() -> tuple[int, int]:
    """Pending commands past their deadline become TIMEOUT, and START_SESSION commands get the
    session the CPO pushed for them (also after a TIMEOUT); idempotent."""
    return services.commands_time_out(), services.commands_link_sessions()
