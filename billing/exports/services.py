"""Writes of exports: closing a month into the ledger, and producing (and keeping) a file."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.core.files import File
from django.db import connection, transaction
from django.db.models import BooleanField, CharField, DateField, DateTimeField, Exists, F, OuterRef, QuerySet, Value
from django.utils import timezone

from billing.exports import selectors, writers
from billing.models import BilledCdr, BilledPeriod, BillingExport, BillingKind, CdrPricing, CdrRetail


def month_end(period: date) -> datetime:
    """The first instant (UTC) after the month that starts on ``period``."""
    return datetime(period.year + period.month // 12, period.month % 12 + 1, 1, tzinfo=UTC)


def period_bill(*, kind: str, period: date) -> BilledPeriod:
    """Close a month for a kind (once): put every priced CDR not yet billed for that kind and
    stopped before the month's end into the ledger, with its amounts. Closing it again does
    nothing, so an export of a closed month always reads the same rows."""
    period = period.replace(day=1)
    now = timezone.now()
    with transaction.atomic():
        # A second export at the same time waits on this row's unique key, then finds it closed.
        closed, created = BilledPeriod.objects.get_or_create(kind=kind, period=period, defaults={"closed_at": now})
        if created:
            closed.cdr_count = _claim(kind=kind, period=period, now=now)
            closed.save(update_fields=["cdr_count"])
    return closed


_LEDGER_COLUMNS = (
    "cdr_id",
    "kind",
    "period",
    "partner_id",
    "customer_id",
    "currency",
    "base",
    "markup",
    "vat",
    "total",
    "expected_total",
    "flagged",
    "billed_at",
)


def _claim(*, kind: str, period: date, now: datetime) -> int:
    """One INSERT … SELECT: a million CDRs are written by the database, not through Python."""
    # NOT EXISTS: an anti-join on the unique (cdr, kind), whatever size the ledger grows to.
    billed = Exists(BilledCdr.objects.filter(kind=kind, cdr_id=OuterRef("cdr_id")))
    source: QuerySet[Any]
    if kind == BillingKind.CUSTOMERS:
        source = CdrRetail.objects.filter(customer__isnull=False, total__isnull=False).annotate(
            l_base=F("base"),
            l_markup=F("markup"),
            l_vat=F("vat"),
            l_total=F("total"),
            l_expected=Value(None, output_field=CdrPricing._meta.get_field("expected_total")),
            l_flagged=Value(False, output_field=BooleanField()),
            l_customer=F("customer_id"),
        )
    else:
        source = CdrPricing.objects.annotate(
            l_base=Value(None, output_field=CdrPricing._meta.get_field("cpo_total")),
            l_markup=F("l_base"),
            l_vat=F("l_base"),
            l_total=F("cpo_total"),
            l_expected=F("expected_total"),
            l_flagged=F("flagged"),
            l_customer=F("cdr__customer_id"),
        )
    source = (
        source.filter(cdr__stop_date_time__lt=month_end(period))
        .exclude(billed)
        .annotate(
            l_cdr=F("cdr_id"),
            l_kind=Value(kind, output_field=CharField()),
            l_period=Value(period, output_field=DateField()),
            l_partner=F("cdr__partner_id"),
            l_currency=F("currency"),
            l_at=Value(now, output_field=DateTimeField()),
        )
        .order_by()
        .values_list(
            "l_cdr",
            "l_kind",
            "l_period",
            "l_partner",
            "l_customer",
            "l_currency",
            "l_base",
            "l_markup",
            "l_vat",
            "l_total",
            "l_expected",
            "l_flagged",
            "l_at",
        )
    )
    select, params = source.query.sql_with_params()
    table = BilledCdr._meta.db_table
    with connection.cursor() as cursor:
        # ON CONFLICT: a CDR billed for this kind by a concurrent close stays where it is.
        cursor.execute(
            f"INSERT INTO {table} ({', '.join(_LEDGER_COLUMNS)}) {select} ON CONFLICT (cdr_id, kind) DO NOTHING",
            params,
        )
        return max(cursor.rowcount, 0)


@dataclass
class ExportRequest:
    kind: str
    period: date
    format: str
    partner_id: int | None = None
    customer_id: int | None = None
    created_by_id: int | None = None
    scheduled: bool = False

    def file_name(self) -> str:
        parts = [self.kind, f"{self.period:%Y-%m}"]
        if self.partner_id is not None:
            parts.append(f"partner{self.partner_id}")
        if self.customer_id is not None:
            parts.append(f"customer{self.customer_id}")
        return "-".join(parts) + "." + self.format


class ExportRun:
    """An export as bytes, written as its rows are read (O(row) memory) while a copy is kept;
    once iterated to the end, the copy is stored as ``export`` (a BillingExport)."""

    def __init__(self, request: ExportRequest) -> None:
        self.request = request
        self.export: BillingExport | None = None

    def __iter__(self) -> Iterator[bytes]:
        request = self.request
        period_bill(kind=request.kind, period=request.period)
        table = selectors.export_table(
            kind=request.kind, period=request.period, partner_id=request.partner_id, customer_id=request.customer_id
        )
        digest = hashlib.sha256()
        handle, path = tempfile.mkstemp(prefix="billing-export-", suffix="." + request.format)
        try:
            with os.fdopen(handle, "w+b") as copy:
                for chunk in writers.write(table, request.format, copy):
                    digest.update(chunk)
                    yield chunk
                copy.seek(0)
                self.export = _keep(request, copy, checksum=digest.hexdigest(), rows=table.rows_written)
        finally:
            os.unlink(path)


def _keep(request: ExportRequest, copy: Any, *, checksum: str, rows: int) -> BillingExport:
    export = BillingExport(
        kind=request.kind, period=request.period, format=request.format, partner_id=request.partner_id,
        customer_id=request.customer_id, checksum=checksum, row_count=rows, created_by_id=request.created_by_id,
        scheduled=request.scheduled,
        created_at=timezone.now(),
    )  # fmt: skip
    export.file.save(request.file_name(), File(copy), save=False)
    export.save()
    return export


def export_create(*, request: ExportRequest, output: Any = None) -> BillingExport:
    """Run an export to its end (writing it to ``output`` too, a binary file, when given)."""
    run = ExportRun(request)
    for chunk in run:
        if output is not None:
            output.write(chunk)
    assert run.export is not None  # noqa: S101 (set when the iteration ends)
    return run.export


def exports_monthly(*, today: date | None = None) -> list[BillingExport]:
    """The scheduled exports of the previous month: both kinds as CSV, each kept once (a retried
    task finds the one it stored and does not store another)."""
    today = today or timezone.now().date()
    first = today.replace(day=1)
    previous = date(first.year - (first.month == 1), (first.month - 2) % 12 + 1, 1)
    kept = []
    for kind in BillingKind.values:
        request = ExportRequest(kind=kind, period=previous, format="csv", scheduled=True)
        done = BillingExport.objects.filter(kind=kind, period=previous, format="csv", scheduled=True).first()
        kept.append(done or export_create(request=request))
    return kept
