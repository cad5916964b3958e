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


def cdr_for_pricing(*, cdr_id: int) -> dict[str, Any] | None:
    """What billing needs to price a stored CDR: who sent it (``partner_id``, ``country_code``,
    ``party_id``), ``start_date_time``, the CPO's ``total_cost`` and ``currency``,
    ``total_energy``, our ``customer_id`` (or None), and ``data`` (the CDR JSON); None when
    unknown."""
    columns = (
        "pk", "partner_id", "country_code", "party_id", "start_date_time", "total_cost", "currency",
        "total_energy", "customer_id", "data",
    )  # fmt: skip
    row = Cdr.objects.filter(pk=cdr_id).values(*columns).first()
    return dict(row) if row is not None else None
