"""Real-time authorization (reference §4.5.1), the tokens room's hot path; a service like
``services`` (it writes: every decision is recorded).

The rules, in this order: unknown token (or another ``token_type``) → 404/2004; token or
contract expired → EXPIRED (checked first, as expiring a token also makes it invalid); token
invalid or customer blocked → BLOCKED; no credit → NO_CREDIT; CPO not among the customer's
allowed partners → NOT_ALLOWED; the policy restricts places but the request does not say where
→ 2002; a blocked location, or only blocked EVSEs → NOT_ALLOWED; else ALLOWED, with only the
allowed EVSEs in the answer's location.

Cost: one SELECT reads the token, its customer and the partner check; one INSERT records the
decision. Both are fixed statements rather than ORM queries: compiling the annotated ORM query
and the insert cost more CPU than the rest of the request (bench/RESULTS.md "tokens"), the same
choice as the partner lookup in ``partners.auth``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from customers.models import Customer
from ocpi.core.errors import NotEnoughInformation, ObjectNotFound
from ocpi.core.status import OcpiStatus
from ocpi.tokens import schemas
from ocpi.tokens.models import AuthorizationDecision, Token

Result = AuthorizationDecision.Result

_ALLOWED_PARTNERS = Customer.allowed_partners.through._meta.db_table
_SELECT = (
    "SELECT t.id, t.type, t.valid, t.valid_until, c.status, c.has_credit, c.valid_until,"  # noqa: S608 (table names from models)
    " c.blocked_location_ids, c.blocked_evse_uids,"
    f" EXISTS (SELECT 1 FROM {_ALLOWED_PARTNERS} ap WHERE ap.customer_id = t.customer_id),"
    f" EXISTS (SELECT 1 FROM {_ALLOWED_PARTNERS} ap WHERE ap.customer_id = t.customer_id AND ap.partner_id = %s)"
    f" FROM {Token._meta.db_table} t JOIN {Customer._meta.db_table} c ON c.id = t.customer_id"
    " WHERE t.uid = %s"
)
_INSERT = (
    f"INSERT INTO {AuthorizationDecision._meta.db_table}"  # noqa: S608 (table name from the model)
    " (partner_id, token_id, token_uid, location_id, evse_uids, allowed_evse_uids, result, latency_ms, created)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


@dataclass(frozen=True)
class _Holder:
    """What authorization needs of a token and its customer."""

    token_id: int
    type: str
    valid: bool
    valid_until: datetime | None
    customer_active: bool
    has_credit: bool
    contract_until: datetime | None
    blocked_location_ids: list[str]
    blocked_evse_uids: list[str]
    partners_restricted: bool
    partner_allowed: bool


def token_authorize(
    *,
    partner_id: int,
    uid: str,
    token_type: str | None,
    references: schemas.LocationReferences | None,
    started: float,
) -> schemas.AuthorizationInfo:
    """Decide for token ``uid`` and the calling CPO, record the decision, answer it.
    ``started`` is the ``time.perf_counter()`` at which the request reached the view."""
    holder = _holder(partner_id, uid)
    if holder is None or (token_type is not None and holder.type != token_type):
        _record(partner_id, None, uid, references, Result.UNKNOWN_TOKEN, (), started)
        suffix = f" of type {token_type}" if token_type else ""
        raise ObjectNotFound(f"No token {uid!r}{suffix}", status=OcpiStatus.UNKNOWN_TOKEN)
    result, allowed_evses = _decide(holder, references)
    _record(partner_id, holder.token_id, uid, references, result, allowed_evses, started)
    if result == Result.NEEDS_LOCATION:
        raise NotEnoughInformation(
            "this token's contract is limited to certain locations: send LocationReferences with evse_uids"
        )
    location = None
    if result == Result.ALLOWED and references is not None:
        location = schemas.LocationReferences(
            location_id=references.location_id,
            evse_uids=list(allowed_evses) if references.evse_uids else None,
            connector_ids=references.connector_ids,
        )
    return schemas.AuthorizationInfo(allowed=result.value, location=location)  # type: ignore[arg-type]


def _holder(partner_id: int, uid: str) -> _Holder | None:
    with connection.cursor() as cursor:
        cursor.execute(_SELECT, [partner_id, uid])
        row = cursor.fetchone()
    if row is None:
        return None
    return _Holder(
        token_id=row[0],
        type=row[1],
        valid=bool(row[2]),
        valid_until=_aware(row[3]),
        customer_active=row[4] == Customer.Status.ACTIVE,
        has_credit=bool(row[5]),
        contract_until=_aware(row[6]),
        blocked_location_ids=_list(row[7]),
        blocked_evse_uids=_list(row[8]),
        partners_restricted=bool(row[9]),
        partner_allowed=bool(row[10]),
    )


def _decide(holder: _Holder, references: schemas.LocationReferences | None) -> tuple[Result, tuple[str, ...]]:
    refusal = _contract_refusal(holder)
    if refusal is not None:
        return refusal, ()
    return _place_decision(holder, references)


def _contract_refusal(holder: _Holder) -> Result | None:
    """What the token and its contract alone forbid, wherever the driver is."""
    now = timezone.now()
    if any(until is not None and until <= now for until in (holder.valid_until, holder.contract_until)):
        return Result.EXPIRED
    if not holder.valid or not holder.customer_active:
        return Result.BLOCKED
    if not holder.has_credit:
        return Result.NO_CREDIT
    if holder.partners_restricted and not holder.partner_allowed:
        return Result.NOT_ALLOWED
    return None


def _place_decision(holder: _Holder, references: schemas.LocationReferences | None) -> tuple[Result, tuple[str, ...]]:
    """The customer's place policy applied to the LocationReferences: the allowed EVSE uids."""
    if references is None:
        needs_location = bool(holder.blocked_location_ids or holder.blocked_evse_uids)
        return (Result.NEEDS_LOCATION if needs_location else Result.ALLOWED), ()
    if references.location_id in holder.blocked_location_ids:
        return Result.NOT_ALLOWED, ()
    requested = tuple(references.evse_uids or ())
    if holder.blocked_evse_uids and not requested:
        return Result.NEEDS_LOCATION, ()  # which EVSE the driver stands at decides
    allowed = tuple(uid for uid in requested if uid not in holder.blocked_evse_uids)
    if requested and not allowed:
        return Result.NOT_ALLOWED, ()
    return Result.ALLOWED, allowed


def _record(  # noqa: PLR0917 (a private helper with one caller shape)
    partner_id: int,
    token_id: int | None,
    uid: str,
    references: schemas.LocationReferences | None,
    result: Result,
    allowed_evses: tuple[str, ...],
    started: float,
) -> None:
    requested = list(references.evse_uids or ()) if references else []
    latency_ms = round((time.perf_counter() - started) * 1000, 3)
    values = [
        partner_id, token_id, uid[:36], references.location_id if references else "", json.dumps(requested),
        json.dumps(list(allowed_evses)), result.value, latency_ms, timezone.now(),
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(_INSERT, values)


def decisions_prune(*, batch_size: int = 10_000) -> int:
    """Delete decisions older than OCPI_AUTHORIZATION_RETENTION_DAYS, in batches (the table
    gains a row per authorization); returns how many went."""
    cutoff = timezone.now() - timedelta(days=settings.OCPI_AUTHORIZATION_RETENTION_DAYS)
    deleted = 0
    while True:
        ids = list(AuthorizationDecision.objects.filter(created__lt=cutoff).values_list("id", flat=True)[:batch_size])
        if not ids:
            return deleted
        deleted += AuthorizationDecision.objects.filter(id__in=ids).delete()[0]


def _aware(value: Any) -> datetime | None:
    """A timestamp from the raw row; SQLite hands them over naive, or as text (stored in UTC)."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(str(value))
    if moment is None:
        raise ValueError(f"not a timestamp: {value!r}")
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _list(value: Any) -> list[str]:
    """A JSON list column from the raw row: decoded on PostgreSQL, text on SQLite."""
    return list(json.loads(value) if isinstance(value, str) else value or [])
