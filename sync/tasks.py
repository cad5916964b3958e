"""Celery tasks of the sync: thin, take ids, idempotent (a pull writes through guarded upserts,
so running one twice changes nothing more), with their own time limits, retried with backoff
only when the failure is transient."""

from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.db import transaction

from partners.models import Partner
from sync import services
from sync.models import SyncRun
from sync.schedules import sync_schedules_ensure, sync_schedules_pause

logger = logging.getLogger(__name__)

MAX_RETRIES = 5


def retry_delay(retries: int) -> int:
    """Seconds before retry ``retries + 1``: 30 s doubling to 8 min (the schedule covers the rest)."""
    return min(30 * 2**retries, 480)


@shared_task(
    bind=True,
    name="sync.tasks.partner_pull",
    acks_late=True,
    ignore_result=True,
    max_retries=MAX_RETRIES,
    soft_time_limit=settings.SYNC_SOFT_TIME_LIMIT,
    time_limit=settings.SYNC_TIME_LIMIT,
)
def partner_pull(self, partner_id: int, module: str, full: bool = False, trigger: str = "schedule") -> str:  # type: ignore[no-untyped-def]
    """Pull one module of one partner; "busy" when another run has it, "refused" when the
    partner cannot be pulled."""
    try:
        run = services.sync_run(
            partner_id=partner_id, module=module, full=full, trigger=trigger, task_id=self.request.id or ""
        )
    except services.SyncBusy as exc:
        logger.info("sync: %s; this one is skipped", exc)
        return "busy"
    except services.SyncRefused as exc:
        logger.warning("sync: %s", exc)
        return "refused"
    if run.status == SyncRun.Status.FAILED and run.retryable:
        raise self.retry(countdown=retry_delay(self.request.retries))
    return str(run.status)


def sync_enqueue(*, partner_id: int, module: str, full: bool = False, trigger: str = "admin") -> None:
    """Queue a pull once the current transaction commits (STYLE habit 7)."""
    kwargs = {"partner_id": partner_id, "module": module, "full": full, "trigger": trigger}
    transaction.on_commit(lambda: partner_pull.apply_async(kwargs=kwargs))


@shared_task(name="sync.tasks.schedules_refresh", ignore_result=True, soft_time_limit=60, time_limit=90)
def schedules_refresh() -> int:
    """Every registered partner gets its schedules, and a first pull of each new one at once
    (a newly registered CPO's data shows up within a minute); others are paused. Idempotent."""
    started = 0
    for partner in Partner.objects.filter(status=Partner.Status.REGISTERED):
        for module in sync_schedules_ensure(partner=partner):
            sync_enqueue(partner_id=partner.pk, module=module, trigger="schedule")
            started += 1
    for partner in Partner.objects.exclude(status=Partner.Status.REGISTERED):
        sync_schedules_pause(partner=partner)
    return started
