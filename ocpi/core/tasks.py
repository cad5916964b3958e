"""Periodic upkeep of the protocol core."""

from __future__ import annotations

from celery import shared_task

from ocpi.core import journal


@shared_task(name="ocpi.core.tasks.journal_prune", ignore_result=True, soft_time_limit=600, time_limit=660)
def journal_prune() -> int:
    """Delete journal entries older than OCPI_JOURNAL_RETENTION_DAYS; idempotent."""
    return journal.journal_prune()
