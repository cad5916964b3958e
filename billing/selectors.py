"""Reads of billing's results, and which CDRs a re-pricing covers."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q

from billing.models import CdrPricing
from ocpi.cdrs.models import Cdr


def cdr_ids_to_price(
    *, partner_id: int | None = None, month: date | None = None, flagged_only: bool = False
) -> list[int]:
    """CDRs of a partner and/or of a month (by session start, UTC), in id order; with
    ``flagged_only``, those whose current price is flagged or that have none yet."""
    cdrs = Cdr.objects.all()
    if partner_id is not None:
        cdrs = cdrs.filter(partner_id=partner_id)
    if month is not None:
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        cdrs = cdrs.filter(start_date_time__date__gte=month, start_date_time__date__lt=following)
    if flagged_only:
        cdrs = cdrs.filter(Q(pricing__isnull=True) | Q(pricing__flagged=True))
    return list(cdrs.order_by("pk").values_list("pk", flat=True))


def pricing_tally(*, cdr_ids: list[int]) -> dict[str, int]:
    """How many of these CDRs are verified, flagged, or not priced."""
    counts = CdrPricing.objects.filter(cdr_id__in=cdr_ids).aggregate(
        n_flagged=Count("pk", filter=Q(flagged=True)), n_verified=Count("pk", filter=Q(flagged=False))
    )
    flagged, verified = counts["n_flagged"], counts["n_verified"]
    return {"flagged": flagged, "verified": verified, "unpriced": len(cdr_ids) - flagged - verified}
