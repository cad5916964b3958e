"""Reads of the ledger for exports and invoices: rows are produced as the database cursor
is read (``iterator``), never gathered in memory, so a million CDRs cost one row at a time."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from billing.models import BilledCdr, BillingKind
from billing.retail import minor_unit

CHUNK_ROWS = 5000
KWH = Decimal("0.001")
HOURS = Decimal("0.0001")

CUSTOMER_HEADER = [
    "period", "customer_id", "customer", "contract_id", "currency", "sessions", "energy_kwh", "duration_h",
    "cpo_cost", "markup", "vat", "total", "credits",
]  # fmt: skip
PARTNER_HEADER = [
    "row", "partner", "country_code", "party_id", "cdr_id", "start_date_time", "stop_date_time", "auth_id",
    "currency", "energy_kwh", "duration_h", "cpo_total", "our_total", "difference", "flagged", "cdrs", "unpriced",
]  # fmt: skip


@dataclass
class Table:
    """A header and its rows, produced on demand; ``rows_written`` counts what was read."""

    header: list[str]
    source: Iterator[list[Any]]
    rows_written: int = field(default=0)

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.source:
            self.rows_written += 1
            yield row


_QUANTA: dict[str, Decimal] = {}


def money(amount: Decimal | None, currency: str) -> Decimal | None:
    """Rounded half-up to the currency's minor unit (2 decimals for EUR, 0 for JPY)."""
    if amount is None:
        return None
    quantum = _QUANTA.get(currency)
    if quantum is None:
        quantum = _QUANTA[currency] = minor_unit(currency)
    return amount.quantize(quantum, rounding=ROUND_HALF_UP)


def quantity(value: float | None, quantum: Decimal) -> Decimal | None:
    # The CDR's floats as sent; their shortest text, rounded for display.
    return None if value is None else Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP)


def _ledger(*, kind: str, period: date, partner_id: int | None, customer_id: int | None) -> QuerySet[BilledCdr]:
    rows = BilledCdr.objects.filter(kind=kind, period=period.replace(day=1))
    if partner_id is not None:
        rows = rows.filter(partner_id=partner_id)
    if customer_id is not None:
        rows = rows.filter(customer_id=customer_id)
    return rows


def export_table(*, kind: str, period: date, partner_id: int | None = None, customer_id: int | None = None) -> Table:
    ledger = _ledger(kind=kind, period=period, partner_id=partner_id, customer_id=customer_id)
    if kind == BillingKind.CUSTOMERS:
        return Table(CUSTOMER_HEADER, _customer_rows(ledger, period))
    return Table(PARTNER_HEADER, _partner_rows(ledger))


def customer_lines(ledger: QuerySet[BilledCdr]) -> QuerySet[Any]:
    """One line per customer and currency: never a sum across currencies."""
    return (
        ledger.values("customer_id", "customer__name", "customer__contract_id", "currency")
        .annotate(
            sessions=Count("id"),
            energy=Sum("cdr__total_energy"),
            duration=Sum("cdr__total_time"),
            cpo_cost=Sum("base"),
            markup_sum=Sum("markup"),
            vat_sum=Sum("vat"),
            total_sum=Sum("total"),
            credits=Sum("total", filter=Q(total__lt=0)),
        )
        .order_by("customer__name", "customer_id", "currency")
    )


def _customer_rows(ledger: QuerySet[BilledCdr], period: date) -> Iterator[list[Any]]:
    for line in customer_lines(ledger).iterator(chunk_size=CHUNK_ROWS):
        currency = line["currency"]
        yield [
            f"{period:%Y-%m}", line["customer_id"], line["customer__name"], line["customer__contract_id"], currency,
            line["sessions"], quantity(line["energy"], KWH), quantity(line["duration"], HOURS),
            money(line["cpo_cost"], currency), money(line["markup_sum"], currency), money(line["vat_sum"], currency),
            money(line["total_sum"], currency), money(line["credits"] or Decimal(0), currency),
        ]  # fmt: skip


def _partner_rows(ledger: QuerySet[BilledCdr]) -> Iterator[list[Any]]:
    cdrs = ledger.order_by("partner_id", "cdr_id").values_list(
        "partner__name", "cdr__country_code", "cdr__party_id", "cdr__ocpi_id", "cdr__start_date_time",
        "cdr__stop_date_time", "cdr__auth_id", "currency", "cdr__total_energy", "cdr__total_time", "total",
        "expected_total", "flagged",
    )  # fmt: skip
    for row in cdrs.iterator(chunk_size=CHUNK_ROWS):
        name, country, party, ocpi_id, start, stop, auth_id, currency, energy, hours, cpo, ours, flagged = row
        difference = None if ours is None or cpo is None else money(cpo - ours, currency)
        yield [
            "cdr", name, country, party, ocpi_id, start, stop, auth_id, currency, quantity(energy, KWH),
            quantity(hours, HOURS), money(cpo, currency), money(ours, currency),
            difference, "yes" if flagged else "no", None, None,
        ]  # fmt: skip
    yield from _partner_totals(ledger)


def _partner_totals(ledger: QuerySet[BilledCdr]) -> Iterator[list[Any]]:
    """Per partner and currency: what they charged, what we computed (over the CDRs we could
    price), the difference over those, and how many we could not price."""
    priced = Q(expected_total__isnull=False)
    totals = (
        ledger.values("partner_id", "partner__name", "currency")
        .annotate(
            cdrs=Count("id"),
            cpo=Sum("total"),
            ours=Sum("expected_total"),
            cpo_priced=Sum("total", filter=priced),
            flagged_n=Count("id", filter=Q(flagged=True)),
            unpriced=Count("id", filter=~priced),
        )
        .order_by("partner__name", "partner_id", "currency")
    )
    for line in totals:
        currency = line["currency"]
        difference = None if line["ours"] is None else line["cpo_priced"] - line["ours"]
        yield [
            "total", line["partner__name"], None, None, None, None, None, None, currency, None, None,
            money(line["cpo"], currency), money(line["ours"], currency), money(difference, currency),
            line["flagged_n"], line["cdrs"], line["unpriced"],
        ]  # fmt: skip


@dataclass
class Invoice:
    customer: Any
    period: date
    lines: list[dict[str, Any]]
    cdrs: list[dict[str, Any]]


def invoice_for(*, customer: Any, period: date) -> Invoice:
    """A customer's month: its lines per currency and its CDRs, from the ledger (a month is
    closed before its invoice is shown, so the invoice is what the export says)."""
    ledger = _ledger(kind=BillingKind.CUSTOMERS, period=period, partner_id=None, customer_id=customer.pk)
    lines = [
        {
            "currency": line["currency"],
            "sessions": line["sessions"],
            "energy": quantity(line["energy"], KWH),
            "duration": quantity(line["duration"], HOURS),
            "cpo_cost": money(line["cpo_cost"], line["currency"]),
            "markup": money(line["markup_sum"], line["currency"]),
            "vat": money(line["vat_sum"], line["currency"]),
            "total": money(line["total_sum"], line["currency"]),
            "credits": money(line["credits"] or Decimal(0), line["currency"]),
        }
        for line in customer_lines(ledger)
    ]
    cdrs = [
        {
            "start": row["cdr__start_date_time"],
            "stop": row["cdr__stop_date_time"],
            "cdr_id": row["cdr__ocpi_id"],
            "location": row["cdr__location_id"],
            "energy": quantity(row["cdr__total_energy"], KWH),
            "duration": quantity(row["cdr__total_time"], HOURS),
            "currency": row["currency"],
            "net": money((row["base"] or Decimal(0)) + (row["markup"] or Decimal(0)), row["currency"]),
            "vat": money(row["vat"], row["currency"]),
            "total": money(row["total"], row["currency"]),
        }
        for row in ledger.order_by("cdr__stop_date_time", "cdr_id").values(
            "cdr__start_date_time",
            "cdr__stop_date_time",
            "cdr__ocpi_id",
            "cdr__location_id",
            "cdr__total_energy",
            "cdr__total_time",
            "currency",
            "base",
            "markup",
            "vat",
            "total",
        )
    ]
    return Invoice(customer=customer, period=period.replace(day=1), lines=lines, cdrs=cdrs)
