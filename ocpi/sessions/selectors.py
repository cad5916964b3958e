"""Reads of stored Sessions; the only thing another room may import from this one."""

from __future__ import annotations

from typing import Any

from ocpi.sessions.models import Session


def session_get(*, partner_id: int, country_code: str, party_id: str, session_id: str) -> dict[str, Any] | None:
    """The session as we serve it (the JSON as received, normalised), or None when unknown."""
    data: dict[str, Any] | None = (
        Session.objects.filter(
            partner_id=partner_id,
            country_code=country_code.upper(),
            party_id=party_id.upper(),
            ocpi_id=session_id,
        )
        .values_list("data", flat=True)
        .first()
    )
    return data
