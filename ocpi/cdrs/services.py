"""The only write path for CDRs: a CPO's POST and a later sync pull both end here.

A CDR is stored once and never changed (reference §4.3). The same CDR posted again is
answered with the stored one; a different body under a stored id is kept aside as a
``CdrConflict`` for review (DESIGN.md §4 "CDR POST").
"""

from __future__ import annotations

import enum
import hashlib
import json
from collections import Counter
from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from ocpi.cdrs import schemas, signals
from ocpi.cdrs.models import Cdr, CdrConflict
from ocpi.core.types import ci_normalize
from ocpi.tokens.selectors import customer_link_columns


class Outcome(enum.Enum):
    CREATED = "created"
    DUPLICATE = "duplicate"  # the same CDR again: nothing stored
    CONFLICT = "conflict"  # a different CDR under a stored id: kept aside, flagged


def cdr_receive(*, partner_id: int, country_code: str, party_id: str, cdr: schemas.CDR) -> tuple[int, Outcome]:
    """Store a CDR; returns our id of the stored CDR (new or existing) and what happened."""
    key = {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
        "ocpi_id_ci": ci_normalize(cdr.id),
    }
    data = schemas.as_json(cdr)
    with transaction.atomic():
        try:
            with transaction.atomic():
                created = Cdr.objects.create(**key, **_columns(data, cdr))
            # After the commit, so a receiver (billing's pricing task) finds the CDR stored.
            transaction.on_commit(lambda: signals.cdr_received.send(sender=Cdr, cdr_id=created.pk))
            return created.pk, Outcome.CREATED
        except IntegrityError:
            stored = Cdr.objects.only("pk", "data").get(**key)
        if stored.data == data:
            return stored.pk, Outcome.DUPLICATE
        _keep_conflict(stored, data)
        return stored.pk, Outcome.CONFLICT


def cdr_conflicts_review(*, conflicts: QuerySet[CdrConflict], user_id: int | None, note: str = "") -> int:
    """Mark conflicts as reviewed by a staff user (those already reviewed keep their review);
    returns how many were marked. The stored CDRs never change."""
    return conflicts.filter(reviewed_at__isnull=True).update(
        reviewed_at=timezone.now(), reviewed_by_id=user_id, review_note=note
    )


def _keep_conflict(stored: Cdr, data: dict[str, Any]) -> None:
    body_hash = hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()
    conflict, created = CdrConflict.objects.get_or_create(cdr=stored, body_hash=body_hash, defaults={"data": data})
    if not created:
        CdrConflict.objects.filter(pk=conflict.pk).update(
            times_received=F("times_received") + 1, last_received_at=timezone.now()
        )


def _columns(data: dict[str, Any], cdr: schemas.CDR) -> dict[str, Any]:
    location = data["location"]
    evse = (location.get("evses") or [{}])[0]
    connector = (evse.get("connectors") or [{}])[0]
    return {
        "ocpi_id": cdr.id,
        "start_date_time": cdr.start_date_time,
        "stop_date_time": cdr.stop_date_time,
        "auth_id": cdr.auth_id,
        "auth_method": cdr.auth_method,
        **customer_link_columns(cdr.auth_id),
        "total_energy": cdr.total_energy,
        "total_time": cdr.total_time,
        "total_parking_time": cdr.total_parking_time,
        "total_cost": cdr.total_cost,
        "currency": cdr.currency,
        "location_id": location["id"],
        "evse_uid": evse.get("uid", ""),
        "connector_id": connector.get("id", ""),
        "last_updated": cdr.last_updated,
        "data": data,
    }


def cdrs_receive_page(
    *, partner_id: int, country_code: str, party_id: str, cdrs: Sequence[schemas.CDR]
) -> Counter[str]:
    """Store one pulled page through ``cdr_receive``, in one transaction: counts ``created``,
    ``unchanged`` (the same CDR already stored: one read for the page, nothing written) and
    ``conflict`` (a different body under a stored id, kept aside for review)."""
    counts: Counter[str] = Counter()
    keys: dict[str, Any] = {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
    }
    with transaction.atomic(savepoint=False):  # a caller's transaction (a sync page) rolls back as one
        stored = dict(
            Cdr.objects.filter(**keys, ocpi_id_ci__in=[ci_normalize(cdr.id) for cdr in cdrs]).values_list(
                "ocpi_id_ci", "data"
            )
        )
        for cdr in cdrs:
            if stored.get(ci_normalize(cdr.id)) == schemas.as_json(cdr):
                counts["unchanged"] += 1
                continue
            _, outcome = cdr_receive(**keys, cdr=cdr)
            counts[_PAGE_COUNTS[outcome]] += 1
    return counts


_PAGE_COUNTS = {Outcome.CREATED: "created", Outcome.DUPLICATE: "unchanged", Outcome.CONFLICT: "conflict"}
