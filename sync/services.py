"""Pulling one partner's module list into our database (DESIGN.md §3 bulk paths, §4).

``sync_run`` is the whole job, whoever starts it (a Celery task, the admin, ``partner_sync``):

* One run per partner and module at a time (``locks``; on databases without advisory locks a
  RUNNING run whose heartbeat is younger than ``SYNC_LEASE_SECONDS`` holds the place).
* Incremental runs ask ``date_from`` = the watermark of the last successful run (its start minus
  ``SYNC_OVERLAP_SECONDS``), so nothing changed during or between runs is missed; a failed or
  killed run leaves the watermark alone and the next run covers its window again.
* Pages are read one at a time (``OcpiClient.iter_pages``) and written in one transaction with
  the run's counters, through the module's page service (the same rules as a push); small pages
  are grouped into one write (``reading``). Memory is O(page).
* One invalid object never fails its page: it is counted, reported with its id and error, and
  the rest of the page is written. A page the database refuses as a whole is written object by
  object, so only the objects at fault are refused.
* A full run also notices objects the CPO no longer lists (the ids it saw are kept in
  ``SeenObject`` rows, not in memory): Locations are confirmed gone with a GET of their own URL
  and then marked removed, tariffs are marked deleted, Sessions and CDRs are never touched.
* No database transaction is held across a call to the CPO (``ocpi.core.client``).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from typing import Any

import msgspec
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from ocpi.core.client import OcpiClient, OcpiClientError
from partners.models import Partner
from partners.services import partner_client
from sync.locks import run_lock
from sync.models import MODULES, SeenObject, SyncRun
from sync.pullers import PULLERS, Puller
from sync.reading import ReadPage, read_pages
from sync.selectors import sync_watermark

logger = logging.getLogger(__name__)

ERRORS_KEPT = 20  # the first refused objects a run reports; the count has them all


class SyncRefused(Exception):
    """This partner or module cannot be pulled (not registered, no such endpoint)."""


class SyncBusy(Exception):
    """Another run of the same partner and module is under way."""


def sync_run(
    *,
    partner_id: int,
    module: str,
    full: bool = False,
    trigger: str = SyncRun.Trigger.COMMAND,
    limit: int | None = None,
    task_id: str = "",
) -> SyncRun:
    """Pull ``module`` of the partner now and return the finished run (SUCCEEDED or FAILED).

    Raises ``SyncRefused`` or ``SyncBusy`` before starting. A failed call to the CPO does not
    raise: the run is FAILED with its message, and ``retryable`` says whether trying again may
    help. ``limit`` is the page size asked for (default: the partner's ``page_limit``).
    """
    if module not in MODULES:
        raise SyncRefused(f"module: {module!r} is not one of {', '.join(MODULES)}")
    partner = _pullable(partner_id, module)
    with run_lock(partner_id, module) as acquired:
        if not acquired:
            raise SyncBusy(f"a {module} pull of {partner} is already running")
        run = _claim(partner, module, full=full, trigger=trigger, task_id=task_id)
        try:
            _pull(run, partner, PULLERS[module], limit=limit or partner.page_limit)
        except OcpiClientError as exc:
            _fail(run, str(exc), retryable=exc.transient)
        except Exception as exc:  # the soft time limit, a database outage: recorded, then raised
            _fail(run, f"{type(exc).__name__}: {exc}", retryable=False)
            raise
        finally:
            SeenObject.objects.filter(run=run).delete()
    return run


def _pullable(partner_id: int, module: str) -> Partner:
    try:
        partner = Partner.objects.get(pk=partner_id)
    except Partner.DoesNotExist:
        raise SyncRefused(f"partner: no partner {partner_id}") from None
    if partner.status != Partner.Status.REGISTERED:
        raise SyncRefused(f"{partner} is {partner.get_status_display()}: only registered partners are pulled")
    if not partner.endpoint(module):
        raise SyncRefused(f"{partner} lists no {module} endpoint")
    return partner


def _claim(partner: Partner, module: str, *, full: bool, trigger: str, task_id: str) -> SyncRun:
    """Record the run as RUNNING. A RUNNING run left by a dead worker is marked ABANDONED (on
    PostgreSQL we hold the lock, so any is dead; elsewhere, once its lease ran out)."""
    now = timezone.now()
    lease = timedelta(seconds=settings.SYNC_LEASE_SECONDS)
    with transaction.atomic():
        running = SyncRun.objects.select_for_update().filter(
            partner=partner, module=module, status=SyncRun.Status.RUNNING
        )
        if not _has_advisory_locks() and running.filter(heartbeat_at__gt=now - lease).exists():
            raise SyncBusy(f"a {module} pull of {partner} is already running")
        running.update(status=SyncRun.Status.ABANDONED, message="Its worker stopped before the end")
        date_from = None if full else sync_watermark(partner_id=partner.pk, module=module)
        return SyncRun.objects.create(
            partner=partner,
            module=module,
            full=full,
            trigger=trigger,
            task_id=task_id,
            started_at=now,
            heartbeat_at=now,
            date_from=date_from,
            watermark=now - timedelta(seconds=settings.SYNC_OVERLAP_SECONDS),
        )


def _has_advisory_locks() -> bool:
    return connection.vendor == "postgresql"


def _pull(run: SyncRun, partner: Partner, puller: Puller, *, limit: int) -> None:
    client = partner_client(partner)
    url = partner.endpoint(puller.module) or ""
    pages = puller.pages(client, url, date_from=run.date_from, limit=limit)
    for page in read_pages(puller, pages):
        _write_page(run, partner, puller, page)
    if run.full and puller.unlisted is not None:
        _settle_unlisted(run, partner, puller, client, url)
    run.status = SyncRun.Status.SUCCEEDED
    run.finished_at = timezone.now()
    run.save(update_fields=["status", "finished_at"])
    logger.info("sync %s: %s", run, _summary(run))


def _write_page(run: SyncRun, partner: Partner, puller: Puller, page: ReadPage) -> None:
    """Write one validated page (or batch of pages), with the run's counters and refused
    objects, in one transaction.
    Should the database refuse the page, it is written again object by object, so that only the
    objects at fault are refused."""
    for ocpi_id, error in page.refused:
        _refuse(run, ocpi_id, error)
    before = {name: getattr(run, name) for name in _COUNTERS}
    try:
        with transaction.atomic():
            counts = puller.write(partner, page.valid) if page.valid else Counter()
            _page_done(run, page, counts)
    except DatabaseError:
        if not page.valid:
            raise
        for name, value in before.items():  # nothing of the failed attempt was stored
            setattr(run, name, value)
        with transaction.atomic():
            _page_done(run, page, _write_one_by_one(run, partner, puller, page.valid))


def _page_done(run: SyncRun, page: ReadPage, counts: Counter[str]) -> None:
    if run.full:
        _remember_seen(run, [obj.id for obj in page.valid])
    run.pages += page.pages
    _add(run, counts)
    run.heartbeat_at = timezone.now()
    run.save(update_fields=[*_COUNTERS, "errors", "heartbeat_at"])


_COUNTERS = ("pages", "created", "updated", "unchanged", "failed", "removed", "conflicts")


_SEEN = (
    f"INSERT INTO {SeenObject._meta.db_table} (run_id, ocpi_id)"  # noqa: S608 (our own table)
    " SELECT %s, value FROM jsonb_array_elements_text(%s::jsonb)"
)


def _remember_seen(run: SyncRun, ids: list[str]) -> None:
    """The ids a full pull saw, in one statement from one JSON parameter (no model per id)."""
    if not ids:
        return
    if connection.vendor != "postgresql":
        SeenObject.objects.bulk_create([SeenObject(run=run, ocpi_id=ocpi_id) for ocpi_id in ids])
        return
    with connection.cursor() as cursor:
        cursor.execute(_SEEN, [run.pk, msgspec.json.encode(ids).decode()])


def _write_one_by_one(run: SyncRun, partner: Partner, puller: Puller, objects: list[Any]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for obj in objects:
        try:
            with transaction.atomic():
                counts += puller.write(partner, [obj])
        except DatabaseError as exc:
            _refuse(run, obj.id, f"not stored: {exc}")
    return counts


def _settle_unlisted(run: SyncRun, partner: Partner, puller: Puller, client: OcpiClient, url: str) -> None:
    """What a complete crawl did not see: removed (or still there after all)."""
    assert puller.unlisted is not None  # noqa: S101 - the caller checked
    seen = SeenObject.objects.filter(run=run).values("ocpi_id")
    if not seen.exists():
        # An empty list is more likely a CPO fault than a network closed overnight.
        run.message = "The CPO listed nothing: no object was marked removed"
        run.save(update_fields=["message"])
        return
    candidates = puller.unlisted.candidates(
        partner_id=partner.pk, country_code=partner.country_code, party_id=partner.party_id, seen=seen
    )
    for ocpi_id in candidates:
        outcome = puller.unlisted.settle(client, url, partner, ocpi_id)
        if outcome == "removed":
            run.removed += 1
        run.heartbeat_at = timezone.now()
        run.save(update_fields=["removed", "heartbeat_at"])


def _refuse(run: SyncRun, ocpi_id: str, error: str) -> None:
    run.failed += 1
    if len(run.errors) < ERRORS_KEPT:
        run.errors = [*run.errors, {"id": ocpi_id, "error": error}]
    logger.warning("sync %s: object %s refused: %s", run, ocpi_id, error)


def _add(run: SyncRun, counts: Counter[str]) -> None:
    run.created += counts["created"]
    run.updated += counts["updated"]
    run.unchanged += counts["unchanged"]
    run.conflicts += counts["conflict"]


def _fail(run: SyncRun, message: str, *, retryable: bool) -> None:
    run.status = SyncRun.Status.FAILED
    run.finished_at = timezone.now()
    run.message = message[:2000]
    run.retryable = retryable
    try:
        run.save()
    except DatabaseError:  # the database itself is what failed: the run stays RUNNING, then ABANDONED
        logger.exception("sync %s: could not record the failure", run)
    logger.warning("sync %s failed (%s): %s", run, "transient" if retryable else "permanent", message)


def _summary(run: SyncRun) -> str:
    return (
        f"{run.pages} pages, {run.created} created, {run.updated} updated, {run.unchanged} unchanged, "
        f"{run.failed} failed, {run.removed} removed"
    )


def sync_run_summary(run: SyncRun) -> dict[str, Any]:
    """A run as plain data (``partner_sync --json``, logs)."""
    return {
        "run_id": run.pk,
        "partner_id": run.partner_id,
        "module": run.module,
        "full": run.full,
        "status": run.status,
        "started_at": run.started_at.isoformat(),
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
        "date_from": run.date_from.isoformat() if run.date_from else None,
        "watermark": run.watermark.isoformat(),
        "pages": run.pages,
        "created": run.created,
        "updated": run.updated,
        "unchanged": run.unchanged,
        "failed": run.failed,
        "removed": run.removed,
        "conflicts": run.conflicts,
        "errors": run.errors,
        "message": run.message,
        "retryable": run.retryable,
    }
