"""Reads of stored Tariffs; the only thing another room may import from this one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ocpi.tariffs.models import Tariff, TariffRevision
from partners.models import Partner


def tariff_get(*, partner_id: int, country_code: str, party_id: str, tariff_id: str) -> dict[str, Any] | None:
    """The tariff as we serve it (the JSON as received, normalised), or None when unknown or
    deleted."""
    data: dict[str, Any] | None = (
        Tariff.objects.filter(
            partner_id=partner_id,
            country_code=country_code.upper(),
            party_id=party_id.upper(),
            ocpi_id=tariff_id,
            deleted_at__isnull=True,
        )
        .values_list("data", flat=True)
        .first()
    )
    return data


def tariff_revision_at(
    *, partner: Partner | int, country_code: str, party_id: str, tariff_id: str, moment: datetime
) -> TariffRevision | None:
    """The revision of a tariff valid at ``moment`` (the newest whose ``valid_from`` is not
    after it), e.g. to price a CDR with the tariff valid when its session started. None before
    the first revision. A later DELETE does not end a revision: a CDR that arrives after the
    tariff was deleted is still priced with what was valid at its start."""
    partner_id = partner.pk if isinstance(partner, Partner) else partner
    return (
        TariffRevision.objects.filter(
            tariff__partner_id=partner_id,
            tariff__country_code=country_code.upper(),
            tariff__party_id=party_id.upper(),
            tariff__ocpi_id=tariff_id,
            valid_from__lte=moment,
        )
        .order_by("-valid_from", "-id")
        .first()
    )
