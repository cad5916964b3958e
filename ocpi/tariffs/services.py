"""The only write path for Tariffs: a CPO push (PUT/PATCH/DELETE) and a later sync pull end here.

Each write locks the stored row (``select_for_update``) and applies the stale rule inside the
lock, so parallel pushes of one tariff serialise and the newest ``last_updated`` wins
(DESIGN.md §4 "Stale writes"). A tariff not yet stored is inserted in a savepoint; losing an
insert race falls back to the locked update. Every accepted change adds a ``TariffRevision``.
"""

from __future__ import annotations

import enum
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import is_stale, object_key, patched, received_last_updated
from ocpi.core.types import format_datetime
from ocpi.tariffs import schemas
from ocpi.tariffs.models import Tariff, TariffRevision


class Outcome(enum.Enum):
    CREATED = "created"  # new, or revived after a DELETE
    UPDATED = "updated"
    UNCHANGED = "unchanged"  # the same tariff again (a retry): no new revision
    STALE = "stale"  # older than what is stored: nothing changed
    DELETED = "deleted"


def tariff_put(*, partner_id: int, country_code: str, party_id: str, tariff: schemas.Tariff) -> Outcome:
    """Create, replace or revive a tariff. The stale rule holds for a deleted tariff too, so a
    late PUT older than the stored one does not bring it back."""
    key = object_key(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=tariff.id)
    data = schemas.as_json(tariff)
    with transaction.atomic():
        stored = _locked(key)
        if stored is None:
            try:
                with transaction.atomic():
                    created = Tariff.objects.create(**key, **_columns(data, tariff.last_updated))
                    _add_revision(created)
                return Outcome.CREATED
            except IntegrityError:  # a parallel push inserted it first: update under the lock
                stored = Tariff.objects.select_for_update().get(**key)
        if is_stale(stored=stored.last_updated, incoming=tariff.last_updated):
            return Outcome.STALE
        revived = stored.deleted_at is not None
        outcome = _save(stored, data, tariff.last_updated)
        return Outcome.CREATED if revived else outcome


def tariff_patch(
    *, partner_id: int, country_code: str, party_id: str, tariff_id: str, patch: schemas.TariffPatch
) -> Outcome:
    """Apply a partial update: given fields replace stored ones (``elements`` replace the whole
    list), ``null`` clears an optional field. Unknown or deleted tariff: 404, so the CPO falls
    back to PUT."""
    given = patch.last_updated if isinstance(patch.last_updated, datetime) else None
    last_updated = received_last_updated(given)
    changes = schemas.as_json(patch)
    changes["last_updated"] = format_datetime(last_updated)
    with transaction.atomic():
        key = object_key(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=tariff_id)
        stored = _locked(key)
        if stored is None or stored.deleted_at is not None:
            raise ObjectNotFound(f"No tariff {country_code}/{party_id}/{tariff_id}: PUT it first")
        if is_stale(stored=stored.last_updated, incoming=last_updated):
            return Outcome.STALE
        return _save(stored, patched(stored.data, changes), last_updated)


def tariff_delete(*, partner_id: int, country_code: str, party_id: str, tariff_id: str) -> Outcome:
    """Mark a tariff deleted (reference §4.4.1): GET and PATCH then answer 404, revisions stay.
    A DELETE has no ``last_updated``, so it always applies; deleting it again changes nothing.
    Unknown tariff: 404."""
    with transaction.atomic():
        key = object_key(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=tariff_id)
        stored = _locked(key)
        if stored is None:
            raise ObjectNotFound(f"No tariff {country_code}/{party_id}/{tariff_id}")
        if stored.deleted_at is None:
            stored.deleted_at = timezone.now()
            stored.save(update_fields=["deleted_at"])
        return Outcome.DELETED


def _locked(key: dict[str, Any]) -> Tariff | None:
    return Tariff.objects.select_for_update().filter(**key).first()


def _save(stored: Tariff, data: dict[str, Any], last_updated: datetime) -> Outcome:
    if stored.deleted_at is None and stored.data == data:
        return Outcome.UNCHANGED
    for field, value in _columns(data, last_updated).items():
        setattr(stored, field, value)
    stored.deleted_at = None
    stored.save()
    _add_revision(stored)
    return Outcome.UPDATED


def _add_revision(tariff: Tariff) -> None:
    TariffRevision.objects.create(tariff=tariff, valid_from=tariff.last_updated, data=tariff.data)


def _columns(data: dict[str, Any], last_updated: datetime) -> dict[str, Any]:
    """The indexed copies of a tariff's JSON, for queries and the admin."""
    return {
        "currency": data["currency"],
        "element_count": len(data["elements"]),
        "last_updated": last_updated,
        "data": data,
    }


# --- a page of a sync pull ---------------------------------------------------------------------


def tariffs_upsert_page(
    *, partner_id: int, country_code: str, party_id: str, tariffs: Sequence[schemas.Tariff]
) -> Counter[str]:
    """Write one pulled page through ``tariff_put``, in one transaction; tariffs stored (and not
    deleted) with the same or a newer ``last_updated`` are counted ``unchanged`` and not
    rewritten, so a repeated pull adds no revision."""
    counts: Counter[str] = Counter()
    keys: dict[str, Any] = {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
    }
    with transaction.atomic(savepoint=False):  # a caller's transaction (a sync page) rolls back as one
        stored = dict(
            Tariff.objects.filter(
                **keys, ocpi_id__in=[tariff.id for tariff in tariffs], deleted_at__isnull=True
            ).values_list("ocpi_id", "last_updated")
        )
        for tariff in tariffs:
            known = stored.get(tariff.id)
            if known is not None and tariff.last_updated <= known:
                counts["unchanged"] += 1
                continue
            outcome = tariff_put(**keys, tariff=tariff)
            counts["unchanged" if outcome in (Outcome.STALE, Outcome.UNCHANGED) else outcome.value] += 1
            stored[tariff.id] = max(tariff.last_updated, known or tariff.last_updated)
    return counts


def tariffs_not_seen(*, partner_id: int, country_code: str, party_id: str, seen: Iterable[str]) -> list[str]:
    """Ids of this party's live tariffs outside ``seen``: what a full pull that saw only
    ``seen`` marks deleted (``tariff_delete``)."""
    return list(
        Tariff.objects.filter(
            partner_id=partner_id, country_code=country_code.upper(), party_id=party_id.upper(), deleted_at=None
        )
        .exclude(ocpi_id__in=seen)
        .values_list("ocpi_id", flat=True)
        .order_by("ocpi_id")
    )
