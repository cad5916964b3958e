"""Each registered partner's pull schedules as django-celery-beat periodic tasks, so staff change
an interval, pause or run one from the admin ("Periodic tasks") and beat picks it up.

Defaults per module (minutes) with a random splay of the first run, so many partners do not
all pull at the same second. Once a schedule exists it is never overwritten: staff edits stay.
"""

from __future__ import annotations

import json
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from partners.models import Partner
from sync.models import MODULES

PULL_TASK = "sync.tasks.partner_pull"
# Incremental pulls: sessions change most, tariffs least.
DEFAULT_MINUTES = {"locations": 15, "sessions": 5, "cdrs": 15, "tariffs": 60}
# Full pulls notice what the CPO no longer lists; Sessions and CDRs have nothing to notice.
FULL_MINUTES = {"locations": 24 * 60, "tariffs": 24 * 60}


def schedule_name(partner_id: int, module: str, *, full: bool = False) -> str:
    return f"sync {partner_id} {module}{' full' if full else ''}"


def sync_schedules_ensure(*, partner: Partner) -> list[str]:
    """Create the missing schedules of a registered partner (enabled only for modules it lists);
    returns the modules whose incremental schedule is new, i.e. never pulled by a schedule."""
    new: list[str] = []
    for module in MODULES:
        listed = bool(partner.endpoint(module))
        if _ensure(partner, module, minutes=DEFAULT_MINUTES[module], full=False, enabled=listed) and listed:
            new.append(module)
        if module in FULL_MINUTES:
            _ensure(partner, module, minutes=FULL_MINUTES[module], full=True, enabled=listed)
    return new


def sync_schedules_pause(*, partner: Partner) -> int:
    """Disable a partner's schedules (no longer registered); the intervals are kept."""
    return PeriodicTask.objects.filter(name__startswith=f"sync {partner.pk} ", enabled=True).update(enabled=False)


def _ensure(partner: Partner, module: str, *, minutes: int, full: bool, enabled: bool) -> bool:
    name = schedule_name(partner.pk, module, full=full)
    if PeriodicTask.objects.filter(name=name).exists():
        return False
    interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period=IntervalSchedule.MINUTES)
    # Splay: the first run somewhere in the first interval (not crypto).
    splay = timedelta(seconds=random.uniform(0, minutes * 60))  # noqa: S311
    with transaction.atomic():
        _, created = PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": PULL_TASK,
                "interval": interval,
                "kwargs": json.dumps({"partner_id": partner.pk, "module": module, "full": full}),
                "start_time": timezone.now() + splay,
                "enabled": enabled,
                "description": f"{'Full' if full else 'Incremental'} pull of {module} from {partner}",
            },
        )
    return created
