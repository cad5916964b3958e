"""The only write path for Sessions: a CPO push (PUT/PATCH) and a later sync pull end here.

On PostgreSQL each push is one guarded statement (DESIGN.md §3): a PUT is an
``INSERT … ON CONFLICT DO UPDATE … WHERE stored.last_updated <= new``, a PATCH an
``UPDATE … WHERE last_updated <= new`` that merges the JSON in the database (``charging_periods``
appended). The row lock PostgreSQL takes for the statement serialises parallel pushes of one
session, and the guard is re-checked on the newest row version, so the newest ``last_updated``
wins (DESIGN.md §4 "Stale writes") without a round trip to read the row first.

On other databases (SQLite in development) the same rules run as a locked read-modify-write.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import is_stale, object_key, patched, received_last_updated
from ocpi.core.types import format_datetime, parse_datetime
from ocpi.sessions import schemas
from ocpi.sessions.models import Session
from ocpi.tokens.selectors import customer_link_columns, customer_link_sql


class Outcome(enum.Enum):
    CREATED = "created"
    UPDATED = "updated"
    STALE = "stale"  # older than what is stored: nothing changed


def session_put(*, partner_id: int, country_code: str, party_id: str, session: schemas.Session) -> Outcome:
    """Create or replace a session (``charging_periods`` replace the stored ones)."""
    key = object_key(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=session.id)
    data = schemas.as_json(session)
    if connection.vendor == "postgresql":
        return _put_guarded(key, _columns(data, session.last_updated, linked=False), auth_id=session.auth_id)
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
    key = object_key(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=session_id)
    if connection.vendor == "postgresql":
        outcome = _patch_guarded(key, changes, last_updated)
        if outcome is None:
            raise ObjectNotFound(f"No session {country_code}/{party_id}/{session_id}: PUT it first")
        return outcome
    with transaction.atomic():
        stored = _locked(key)
        if stored is None:
            raise ObjectNotFound(f"No session {country_code}/{party_id}/{session_id}: PUT it first")
        if is_stale(stored=stored.last_updated, incoming=last_updated):
            return Outcome.STALE
        _save(stored, patched(stored.data, changes, appended=("charging_periods",)), last_updated)
        return Outcome.UPDATED


def _locked(key: dict[str, Any]) -> Session | None:
    return Session.objects.select_for_update().filter(**key).first()


def _save(stored: Session, data: dict[str, Any], last_updated: datetime) -> None:
    for field, value in _columns(data, last_updated).items():
        setattr(stored, field, value)
    stored.save()


def _columns(data: dict[str, Any], last_updated: datetime, *, linked: bool = True) -> dict[str, Any]:
    """The indexed copies of a session's JSON, for queries and the admin (and, when ``linked``,
    our customer and token behind its auth_id)."""
    end = data.get("end_datetime")
    links = customer_link_columns(data["auth_id"]) if linked else {}
    return {
        "status": data["status"],
        "auth_id": data["auth_id"],
        "auth_method": data["auth_method"],
        **links,
        "start_datetime": parse_datetime(data["start_datetime"]),
        "end_datetime": parse_datetime(end) if end else None,
        "kwh": data["kwh"],
        "total_cost": data.get("total_cost"),
        "currency": data["currency"],
        **_location_columns(data["location"]),
        "last_updated": last_updated,
        "data": data,
    }


def _location_columns(location: dict[str, Any]) -> dict[str, Any]:
    """A session's Location holds the one EVSE and connector it charges at (reference §5.3)."""
    evse = (location.get("evses") or [{}])[0]
    connector = (evse.get("connectors") or [{}])[0]
    return {"location_id": location["id"], "evse_uid": evse.get("uid", ""), "connector_id": connector.get("id", "")}


# --- PostgreSQL: one guarded statement per push ------------------------------------------------

_TABLE = Session._meta.db_table
_KEY = ("partner_id", "country_code", "party_id", "ocpi_id")
_WHERE_KEY = " AND ".join(f"{name} = %s" for name in _KEY)
_EXISTS = f"SELECT 1 FROM {_TABLE} WHERE {_WHERE_KEY}"  # noqa: S608 (constant names, values are parameters)


def _put_guarded(key: dict[str, Any], columns: dict[str, Any], *, auth_id: str) -> Outcome:
    values = {**key, **columns, "data": _json(columns["data"]), "created": timezone.now()}
    links = customer_link_sql()  # the customer and token links, looked up inside the statement
    names = [*values, *links]
    replaced = [name for name in names if name not in (*_KEY, "created")]
    column_list = ", ".join(names)
    placeholders = ", ".join([*map(_placeholder, values), *links.values()])
    updates = ", ".join(f"{name} = EXCLUDED.{name}" for name in replaced)
    # The names are our own columns; every value is a parameter. xmax is 0 on a fresh insert.
    sql = (
        f"INSERT INTO {_TABLE} ({column_list}) VALUES ({placeholders})"  # noqa: S608
        f" ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}"
        f" WHERE {_TABLE}.last_updated <= EXCLUDED.last_updated RETURNING xmax = 0"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values.values(), *(auth_id for _ in links)])
        row = cursor.fetchone()
    if row is None:
        return Outcome.STALE
    return Outcome.CREATED if row[0] else Outcome.UPDATED


def _patch_guarded(key: dict[str, Any], changes: dict[str, Any], last_updated: datetime) -> Outcome | None:
    """None when the session is unknown."""
    periods = changes.pop("charging_periods", None)
    cleared = [name for name, value in changes.items() if value is None]
    given = {name: value for name, value in changes.items() if value is not None}
    data = "(data - %s::text[]) || %s::jsonb"
    params: list[Any] = [cleared, _json(given)]
    if periods:
        data += " || jsonb_build_object('charging_periods', COALESCE(data->'charging_periods', '[]') || %s::jsonb)"
        params.append(_json(periods))
    assignments = [f"data = {data}"]
    for name, value in _patched_columns(changes, last_updated).items():
        assignments.append(f"{name} = %s")
        params.append(value)
    sql = (
        f"UPDATE {_TABLE} SET {', '.join(assignments)}"  # noqa: S608 (our own column names)
        f" WHERE {_WHERE_KEY} AND last_updated <= %s RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *key.values(), last_updated])
        if cursor.fetchone() is not None:
            return Outcome.UPDATED
        cursor.execute(_EXISTS, list(key.values()))
        return Outcome.STALE if cursor.fetchone() is not None else None


def _patched_columns(changes: dict[str, Any], last_updated: datetime) -> dict[str, Any]:
    """The indexed copies a PATCH changes (the schema lets only optional fields be null)."""
    columns: dict[str, Any] = {"last_updated": last_updated}
    for name in ("status", "auth_id", "auth_method", "kwh", "currency", "total_cost"):
        if name in changes:
            columns[name] = changes[name]
    if "auth_id" in changes:
        columns.update(customer_link_columns(changes["auth_id"]))
    for name in ("start_datetime", "end_datetime"):
        if name in changes:
            columns[name] = parse_datetime(changes[name]) if changes[name] else None
    if "location" in changes:
        columns.update(_location_columns(changes["location"]))
    return columns


def _placeholder(name: str) -> str:
    return "%s::jsonb" if name == "data" else "%s"


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


# --- a page of a sync pull ---------------------------------------------------------------------


def sessions_upsert_page(
    *, partner_id: int, country_code: str, party_id: str, sessions: Sequence[schemas.Session]
) -> Counter[str]:
    """Write one pulled page through ``session_put``, in one transaction; sessions stored with
    the same or a newer ``last_updated`` are counted ``unchanged`` and not rewritten (one read
    for the page), so a repeated pull writes nothing."""
    counts: Counter[str] = Counter()
    keys: dict[str, Any] = {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
    }
    with transaction.atomic(savepoint=False):  # a caller's transaction (a sync page) rolls back as one
        stored = dict(
            Session.objects.filter(**keys, ocpi_id__in=[session.id for session in sessions]).values_list(
                "ocpi_id", "last_updated"
            )
        )
        for session in sessions:
            known = stored.get(session.id)
            if known is not None and session.last_updated <= known:
                counts["unchanged"] += 1
                continue
            outcome = session_put(**keys, session=session)
            counts["unchanged" if outcome is Outcome.STALE else outcome.value] += 1
            stored[session.id] = max(session.last_updated, known or session.last_updated)
    return counts
