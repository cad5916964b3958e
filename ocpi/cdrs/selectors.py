"""Reads of stored CDRs; the only thing another room (billing) may import from this one."""

from __future__ import annotations

from typing import Any

from ocpi.cdrs.models import Cdr


def cdr_get(*, partner_id: int, cdr_id: int) -> dict[str, Any] | None:
    """The CDR as we serve it at its URL (the JSON as received, normalised), or None when it is
    unknown or belongs to another partner."""
    data: dict[str, Any] | None = (
        Cdr.objects.filter(pk=cdr_id, partner_id=partner_id).values_list("data", flat=True).first()
    )
    return data
