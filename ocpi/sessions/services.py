"""The only write path for Sessions: a CPO push (PUT/PATCH) and a later sync pull end here.

Each write locks the stored row (``select_for_update``) and applies the stale rule inside the
lock, so parallel pushes of one session serialise and the newest ``last_updated`` wins
(DESIGN.md §4 "Stale writes"). A session not yet stored is inserted in a savepoint; losing an
insert race falls back to the locked update.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction

from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import is_stale, received_last_updated
from ocpi.core.types import format_datetime, parse_datetime
from ocpi.sessions import schemas
from ocpi.sessions.models import Session


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    STALE = "stale"  # older than what is stored: nothing changed


def session_put(*, partner_id: int, country_code: str, party_id: str, session: schemas.Session) -> Outcome:
    """Create or replace a session (``charging_periods`` replace the stored ones)."""
    key = _key(partner_id, country_code, party_id, session.id)
    data = schemas.as_json(session)
    with transaction.atomic():
        stored = _locked(key)
        if stored is None:
            try:
                with transaction.atomic():
                    Session.objects.create(**key, **_columns(data, session.last_updated))
                return Outcome.CREATED
            except IntegrityError:  # a parallel push inserted it first: update under the lock
                stored = Session.objects.select_for_update().get(**key)
        if is_stale(stored=stored.last_updated, incoming=session.last_updated):
            return Outcome.STALE
        _save(stored, data, session.last_updated)
        return Outcome.UPDATED


def session_patch(
    *, partner_id: int, country_code: str, party_id: str, session_id: str, patch: schemas.SessionPatch
) -> Outcome:
    """Apply a partial update: given fields replace stored ones, ``null`` clears an optional
    field, ``charging_periods`` are appended (2.2.1 rule, DESIGN.md §4). Unknown session: 404,
    so the CPO falls back to PUT."""
    given = patch.last_updated if isinstance(patch.last_updated, datetime) else None
    last_updated = received_last_updated(given)
    changes = schemas.as_json(patch)
    changes["last_updated"] = format_datetime(last_updated)
    with transaction.atomic():
        stored = _locked(_key(partner_id, country_code, party_id, session_id))
        if stored is None:
            raise ObjectNotFound(f"No session {country_code}/{party_id}/{session_id}: PUT it first")
        if is_stale(stored=stored.last_updated, incoming=last_updated):
            return Outcome.STALE
        _save(stored, _merged(stored.data, changes), last_updated)
        return Outcome.UPDATED


def _key(partner_id: int, country_code: str, party_id: str, session_id: str) -> dict[str, Any]:
    return {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
        "ocpi_id": session_id,
    }


def _locked(key: dict[str, Any]) -> Session | None:
    return Session.objects.select_for_update().filter(**key).first()


def _merged(stored: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    data = dict(stored)
    for field, value in changes.items():
        if value is None:
            data.pop(field, None)
        elif field == "charging_periods":
            data[field] = [*data.get(field, []), *value]
        else:
            data[field] = value
    return data


def _save(stored: Session, data: dict[str, Any], last_updated: datetime) -> None:
    for field, value in _columns(data, last_updated).items():
        setattr(stored, field, value)
    stored.save()


def _columns(data: dict[str, Any], last_updated: datetime) -> dict[str, Any]:
    """The indexed copies of a session's JSON, for queries and the admin."""
    location = data["location"]
    evse = (location.get("evses") or [{}])[0]
    connector = (evse.get("connectors") or [{}])[0]
    end = data.get("end_datetime")
    return {
        "status": data["status"],
        "auth_id": data["auth_id"],
        "auth_method": data["auth_method"],
        "start_datetime": parse_datetime(data["start_datetime"]),
        "end_datetime": parse_datetime(end) if end else None,
        "kwh": data["kwh"],
        "total_cost": data.get("total_cost"),
        "currency": data["currency"],
        "location_id": location["id"],
        "evse_uid": evse.get("uid", ""),
        "connector_id": connector.get("id", ""),
        "last_updated": last_updated,
        "data": data,
    }
