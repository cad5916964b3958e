"""Reads of stored Sessions; the only thing another room may import from this one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
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


@dataclass(frozen=True)
class SessionRef:
    """What the commands room needs to know of a stored session (to stop it, to show it)."""

    pk: int
    partner_id: int
    ocpi_id: str
    auth_id: str
    location_id: str
    evse_uid: str
    status: str


def session_ref(*, session_pk: int) -> SessionRef | None:
    """The session with our primary key ``session_pk``, or None."""
    row = (
        Session.objects.filter(pk=session_pk)
        .values_list("pk", "partner_id", "ocpi_id", "auth_id", "location_id", "evse_uid", "status")
        .first()
    )
    return SessionRef(*row) if row is not None else None


def session_started_by_command(
    *,
    partner_id: int,
    auth_id: str,
    location_id: str,
    evse_uid: str,
    started_from: datetime,
    started_until: datetime,
    exclude_pks: Iterable[int] = (),
) -> int | None:
    """The session a START_SESSION most likely produced (2.1.1 names no session in the result):
    the earliest one of that partner, for that ``auth_id`` at that location (and EVSE, when the
    command named one), started inside the window, not already claimed (``exclude_pks``)."""
    sessions = Session.objects.filter(
        partner_id=partner_id,
        auth_id=auth_id,
        location_id=location_id,
        start_datetime__gte=started_from,
        start_datetime__lte=started_until,
    ).exclude(pk__in=list(exclude_pks))
    if evse_uid:
        sessions = sessions.filter(evse_uid=evse_uid)
    pk: int | None = sessions.order_by("start_datetime", "pk").values_list("pk", flat=True).first()
    return pk
