"""Billing's write path: the price we expect for a CDR, and its verdict against the CPO's.

A CDR is priced with the tariff its connector names, as published (``TariffRevision``) when
the session started; without a published revision, with the tariff the CDR carries. A
difference beyond ``BILLING_PRICE_TOLERANCE`` flags the CDR; so does a CDR we cannot price.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from billing import engine, retail
from billing.models import CdrPricing, CdrRetail
from customers.selectors import customer_get
from ocpi.cdrs.models import Cdr
from ocpi.cdrs.selectors import cdr_for_pricing
from ocpi.tariffs.models import TariffRevision
from ocpi.tariffs.selectors import tariff_revision_at

MONEY = Decimal("0.0001")  # what we store; retail pricing rounds to the currency's minor unit


@dataclass
class _Tariff:
    data: dict[str, Any] | None
    tariff_id: str = ""
    source: str = CdrPricing.Source.NONE
    revision: TariffRevision | None = None
    warnings: list[str] = field(default_factory=list)
    problem: str = ""


def cdr_price(*, cdr_id: int) -> CdrPricing | None:
    """Price a stored CDR (again) and keep the verdict; None when the CDR is unknown.
    Idempotent: one CdrPricing per CDR, rewritten each time."""
    source = cdr_for_pricing(cdr_id=cdr_id)
    if source is None:
        return None
    fields = _verdict(source)
    now = timezone.now()
    with transaction.atomic():  # the verdict and the driver's price together, in one commit
        pricing, _ = CdrPricing.objects.update_or_create(
            cdr_id=cdr_id,
            defaults={**fields, "computed_at": now, "times_computed": F("times_computed") + 1},
            create_defaults={**fields, "computed_at": now, "times_computed": 1},
        )
        pricing.refresh_from_db(fields=["times_computed"])
        cdr_retail_price(source=source, pricing=pricing)
    return pricing


def cdr_retail_price(*, source: dict[str, Any], pricing: CdrPricing) -> CdrRetail:
    """Put the driver's price on a CDR (again), from its verified pricing: one row per CDR."""
    fields = _retail(source, pricing)
    row, _ = CdrRetail.objects.update_or_create(cdr_id=source["pk"], defaults={**fields, "computed_at": timezone.now()})
    return row


def cdrs_reprice(*, cdr_ids: Iterable[int]) -> int:
    """Price these CDRs again (staff asked, e.g. after a tariff was corrected); how many."""
    return sum(cdr_price(cdr_id=cdr_id) is not None for cdr_id in cdr_ids)


def cdrs_price_missing(*, limit: int = 1000) -> int:
    """Price up to ``limit`` CDRs that have no price yet (their task was lost); how many."""
    missing = Cdr.objects.filter(pricing__isnull=True).order_by("pk").values_list("pk", flat=True)[:limit]
    return cdrs_reprice(cdr_ids=list(missing))


def _verdict(source: dict[str, Any]) -> dict[str, Any]:
    tolerance: Decimal = settings.BILLING_PRICE_TOLERANCE
    currency = str(source["currency"]).upper()
    cpo_total = Decimal(str(source["total_cost"]))  # a float column: its shortest text is what was sent
    tariff = _tariff(source)
    fields: dict[str, Any] = {
        "currency": currency,
        "cpo_total": cpo_total.quantize(MONEY, ROUND_HALF_UP),
        "tolerance": tolerance,
        "expected_total": None,
        "difference": None,
        "tariff_id": tariff.tariff_id,
        "tariff_source": tariff.source,
        "tariff_revision": tariff.revision,
        "breakdown": {},
        "warnings": tariff.warnings,
        "flagged": True,
    }
    if tariff.data is None:
        return {**fields, "reason": tariff.problem}
    tariff_currency = str(tariff.data.get("currency", "")).upper()
    if tariff_currency != currency:
        # Never sum or compare amounts in different currencies.
        return {**fields, "reason": f"tariff {tariff.tariff_id} is in {tariff_currency}, the CDR in {currency}"}
    try:
        price = engine.price_cdr(source["data"], tariff.data)
    except engine.TariffError as error:
        return {**fields, "reason": f"cannot price: {error}"[:255]}
    expected = price.total.quantize(MONEY, ROUND_HALF_UP)
    difference = fields["cpo_total"] - expected
    flagged = abs(difference) > tolerance
    return {
        **fields,
        "expected_total": expected,
        "difference": difference,
        "breakdown": price.as_json(len(source["data"].get("charging_periods") or [])),
        "warnings": [*tariff.warnings, *price.warnings],
        "flagged": flagged,
        "reason": f"CPO total differs from ours by {difference} {currency} (tolerance {tolerance})" if flagged else "",
    }


def _tariff(source: dict[str, Any]) -> _Tariff:
    """The tariff to price with: the connector's, as published at the session start, else the
    one the CDR carries under that id (or its only one)."""
    data = source["data"]
    carried = [t for t in data.get("tariffs") or [] if isinstance(t, dict)]
    tariff_id = _connector_tariff_id(data) or (str(carried[0].get("id", "")) if len(carried) == 1 else "")
    if not tariff_id:
        problem = "the CDR carries several tariffs and its connector names none" if carried else "no tariff"
        return _Tariff(None, problem=problem)
    revision = tariff_revision_at(
        partner=source["partner_id"],
        country_code=source["country_code"],
        party_id=source["party_id"],
        tariff_id=tariff_id,
        moment=source["start_date_time"],
    )
    own = next((t for t in carried if str(t.get("id")) == tariff_id), None)
    if revision is not None:
        warnings = []
        if own is not None and _prices(own) != _prices(revision.data):
            warnings.append(f"the CDR carries tariff {tariff_id} with other prices than published at its start")
        return _Tariff(revision.data, tariff_id, CdrPricing.Source.REVISION, revision, warnings)
    if own is not None:
        warning = f"tariff {tariff_id} was not published before the session started: priced with the CDR's own"
        return _Tariff(own, tariff_id, CdrPricing.Source.CDR, None, [warning])
    return _Tariff(None, tariff_id, problem=f"no tariff {tariff_id}: none published at the session start, none carried")


def _connector_tariff_id(data: dict[str, Any]) -> str:
    for evse in (data.get("location") or {}).get("evses") or []:
        for connector in evse.get("connectors") or []:
            if connector.get("tariff_id"):
                return str(connector["tariff_id"])
    return ""


def _prices(tariff: dict[str, Any]) -> tuple[str, Any]:
    return str(tariff.get("currency", "")).upper(), tariff.get("elements")


def _retail(source: dict[str, Any], pricing: CdrPricing) -> dict[str, Any]:
    base_source: str = settings.BILLING_RETAIL_BASE
    fields: dict[str, Any] = {
        "customer": None,
        "pricing_plan": None,
        "base_source": base_source,
        "currency": str(source["currency"]).upper(),
        **dict.fromkeys(("base", "markup", "net", "vat_rate", "vat", "total")),
    }
    customer = customer_get(customer_id=source["customer_id"]) if source["customer_id"] else None
    if customer is None:
        return {**fields, "problem": "no customer of ours behind the CDR's auth_id"}
    plan = customer.pricing_plan
    fields.update(customer=customer, pricing_plan=plan)
    base = pricing.cpo_total if base_source == CdrRetail.Base.CPO else pricing.expected_total
    if base is None:
        return {**fields, "problem": f"no price of ours to start from: {pricing.reason}"[:255]}
    try:
        price = retail.retail_price(
            base=base,
            energy_kwh=Decimal(str(source["total_energy"])),
            currency=fields["currency"],
            plan=retail.Plan(plan.markup_percent, plan.fee_per_session, plan.price_per_kwh, plan.currency),
            vat_percent=retail.vat_rate(customer.billing_country, settings.BILLING_VAT_RATES),
        )
    except retail.RetailError as error:
        return {**fields, "problem": str(error)[:255]}
    return {
        **fields,
        "base": price.base,
        "markup": price.markup,
        "net": price.net,
        "vat_rate": price.vat_rate,
        "vat": price.vat,
        "total": price.total,
        "problem": "",
    }
