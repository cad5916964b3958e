"""Reads about runs: the watermark a run starts from, and the latest runs for the console."""

from __future__ import annotations

from datetime import datetime

from sync.models import SyncRun


def sync_watermark(*, partner_id: int, module: str) -> datetime | None:
    """Where the next incremental run of ``module`` starts: the watermark of the last run that
    succeeded (None: never pulled, so everything)."""
    run = (
        SyncRun.objects.filter(partner_id=partner_id, module=module, status=SyncRun.Status.SUCCEEDED)
        .order_by("-started_at", "-id")
        .only("watermark")
        .first()
    )
    return run.watermark if run is not None else None


def sync_runs_latest(*, partner_id: int, module: str | None = None, limit: int = 10) -> list[SyncRun]:
    runs = SyncRun.objects.filter(partner_id=partner_id)
    if module is not None:
        runs = runs.filter(module=module)
    return list(runs.order_by("-started_at", "-id")[:limit])
