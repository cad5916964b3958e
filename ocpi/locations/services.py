"""The only write path for Locations, EVSEs and connectors: a CPO push and a later sync pull
both end here (reference §4.1.1, DESIGN.md §4).

Rules kept here, at every level:

* Each write runs in one transaction that first locks the Location row (lock order: Location,
  then its EVSEs and connectors), so concurrent writers of one Location are serialised and the
  stale rule is applied to what the previous writer committed.
* Stale: a write whose ``last_updated`` is older than the stored object's changes nothing.
  A PATCH without ``last_updated`` counts as changed when received.
* An EVSE or connector change moves ``last_updated`` of its EVSE and Location forward to its own.
* PATCH: given fields replace stored ones, ``null`` clears an optional one; ``evses`` in a
  Location PATCH and ``connectors`` in an EVSE PATCH replace the list.
* Nothing is deleted: an EVSE the CPO leaves out of a Location's list is kept, REMOVED and
  unlisted (see models.py). Connectors left out of an EVSE are deleted: they have no status.

``*_put`` return True when the object was created (the view answers 201), False otherwise.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import msgspec
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import is_stale, patched, received_last_updated
from ocpi.core.types import format_datetime
from ocpi.locations import schemas
from ocpi.locations.models import Connector, Evse, Location

REMOVED = "REMOVED"

# --- Location ------------------------------------------------------------------------------


def location_put(*, partner_id: int, country_code: str, party_id: str, location: schemas.Location) -> bool:
    """Create or replace a whole Location, its EVSEs included."""
    data = _location_data(location)
    with transaction.atomic():
        row = _locked_location(partner_id, country_code, party_id, location.id)
        created = False
        if row is None:
            row, created = _create_location(
                partner_id=partner_id,
                country_code=country_code,
                party_id=party_id,
                location_id=location.id,
                data=data,
                at=location.last_updated,
            )
        if not created:
            if is_stale(stored=row.last_updated, incoming=location.last_updated):
                return False
            _set_location(row, data, location.last_updated)
        _replace_evses(row, location.evses or [], at=location.last_updated)
    return created


def location_patch(
    *, partner_id: int, country_code: str, party_id: str, location_id: str, patch: schemas.LocationPatch
) -> None:
    """Apply a partial Location; ObjectNotFound when the Location is unknown."""
    at = received_last_updated(_given_or_none(patch.last_updated))
    given = _given(patch)
    with transaction.atomic():
        row = _required_location(partner_id, country_code, party_id, location_id)
        if is_stale(stored=row.last_updated, incoming=at):
            return
        if given.get("evses") is not None:
            given["evses"] = []  # a marker that the list was sent: its EVSEs live in their rows
        _set_location(row, patched(row.data, given), at)
        if patch.evses is not msgspec.UNSET:
            _replace_evses(row, patch.evses or [], at=at)


# --- EVSE ----------------------------------------------------------------------------------


def evse_put(*, partner_id: int, country_code: str, party_id: str, location_id: str, evse: schemas.EVSE) -> bool:
    """Add an EVSE to a known Location or replace one; ObjectNotFound when the Location is unknown."""
    with transaction.atomic():
        location = _required_location(partner_id, country_code, party_id, location_id)
        stored = Evse.objects.filter(location=location, uid=evse.uid).first()
        if stored is not None and is_stale(stored=stored.last_updated, incoming=evse.last_updated):
            return False
        created = stored is None
        if stored is None:
            stored = Evse(location=location, uid=evse.uid, position=_next_evse_position(location))
        else:
            Connector.objects.filter(evse=stored).delete()
        _set_evse(stored, _evse_data(evse), evse.last_updated)
        stored.listed = True  # an EVSE the CPO puts is part of its Location again
        stored.save()
        _replace_connectors([(stored, evse.connectors)])
        _touch_location(location, evse.last_updated)
    return created


def evse_patch(
    *, partner_id: int, country_code: str, party_id: str, location_id: str, evse_uid: str, patch: schemas.EvsePatch
) -> None:
    """Apply a partial EVSE; ObjectNotFound when the Location or the EVSE is unknown."""
    at = received_last_updated(_given_or_none(patch.last_updated))
    given = _given(patch)
    given.pop("connectors", None)
    if connection.vendor == "postgresql" and patch.connectors is msgspec.UNSET:
        key = (partner_id, country_code, party_id, location_id)
        missing = _evse_patch_guarded(key, evse_uid, given, at)
        if missing is not None:
            raise ObjectNotFound(missing)
        return
    with transaction.atomic():
        location = _required_location(partner_id, country_code, party_id, location_id)
        stored = _required_evse(location, evse_uid)
        if is_stale(stored=stored.last_updated, incoming=at):
            return
        _set_evse(stored, patched(stored.data, given), at)
        stored.save(update_fields=["evse_id", "status", "data", "last_updated"])
        if patch.connectors is not msgspec.UNSET:
            Connector.objects.filter(evse=stored).delete()
            _replace_connectors([(stored, patch.connectors)])
        _touch_location(location, at)


# --- Connector -----------------------------------------------------------------------------


def connector_put(
    *,
    partner_id: int,
    country_code: str,
    party_id: str,
    location_id: str,
    evse_uid: str,
    connector: schemas.Connector,
) -> bool:
    """Add a connector to a known EVSE or replace one; ObjectNotFound when its EVSE is unknown."""
    with transaction.atomic():
        location = _required_location(partner_id, country_code, party_id, location_id)
        evse = _required_evse(location, evse_uid)
        stored = Connector.objects.filter(evse=evse, connector_id=connector.id).first()
        if stored is not None and is_stale(stored=stored.last_updated, incoming=connector.last_updated):
            return False
        created = stored is None
        if stored is None:
            position = evse.connectors.aggregate(last=Max("position"))["last"]
            stored = Connector(evse=evse, connector_id=connector.id, position=0 if position is None else position + 1)
        _set_connector(stored, _plain(connector), connector.last_updated)
        stored.save()
        _touch_evse(evse, connector.last_updated)
        _touch_location(location, connector.last_updated)
    return created


def connector_patch(
    *,
    partner_id: int,
    country_code: str,
    party_id: str,
    location_id: str,
    evse_uid: str,
    connector_id: str,
    patch: schemas.ConnectorPatch,
) -> None:
    """Apply a partial connector; ObjectNotFound when the Location, EVSE or connector is unknown."""
    at = received_last_updated(_given_or_none(patch.last_updated))
    given = _given(patch)
    with transaction.atomic():
        location = _required_location(partner_id, country_code, party_id, location_id)
        evse = _required_evse(location, evse_uid)
        stored = Connector.objects.filter(evse=evse, connector_id=connector_id).first()
        if stored is None:
            raise ObjectNotFound(f"No connector {connector_id!r} in EVSE {evse_uid!r}")
        if is_stale(stored=stored.last_updated, incoming=at):
            return
        _set_connector(stored, patched(stored.data, given), at)
        stored.save()
        _touch_evse(evse, at)
        _touch_location(location, at)


# --- PostgreSQL: an EVSE status PATCH as one statement ------------------------------------

# The hot push (an EVSE's status) in one round trip, with the lock order of every other write:
# the Location row is locked (``loc``) before its EVSE is updated (``evse`` joins ``loc``), the
# EVSE only when it is not newer than the PATCH, and the Location's ``last_updated`` moves
# forward only when the EVSE changed. The names are our own tables and columns.
_EVSE_PATCH = f"""
WITH loc AS (
    SELECT id FROM {Location._meta.db_table}
    WHERE partner_id = %(partner_id)s AND country_code = %(country_code)s AND party_id = %(party_id)s
      AND ocpi_id = %(location_id)s
    FOR UPDATE
), evse AS (
    UPDATE {Evse._meta.db_table} AS e
    SET data = (e.data - %(cleared)s::text[]) || %(given)s::jsonb, last_updated = %(at)s,
        status = COALESCE(%(status)s, e.status), evse_id = COALESCE(%(evse_id)s, e.evse_id)
    FROM loc WHERE e.location_id = loc.id AND e.uid = %(uid)s AND e.last_updated <= %(at)s
    RETURNING e.id
), touched AS (
    UPDATE {Location._meta.db_table} AS l SET last_updated = %(at)s, updated = now()
    FROM loc WHERE l.id = loc.id AND l.last_updated < %(at)s AND EXISTS (SELECT 1 FROM evse)
)
SELECT (SELECT id FROM loc), (SELECT id FROM evse),
       EXISTS (SELECT 1 FROM {Evse._meta.db_table} WHERE location_id = (SELECT id FROM loc) AND uid = %(uid)s)
"""  # noqa: S608


def _evse_patch_guarded(
    key: tuple[int, str, str, str], evse_uid: str, given: dict[str, Any], at: datetime
) -> str | None:
    """None when the EVSE exists (changed, or stale and left alone); otherwise why it was not found."""
    partner_id, country_code, party_id, location_id = key
    evse_id = given.get("evse_id")
    params = {
        "partner_id": partner_id,
        "country_code": country_code,
        "party_id": party_id,
        "location_id": location_id,
        "uid": evse_uid,
        "at": at,
        "cleared": [name for name, value in given.items() if value is None],
        "given": msgspec.json.encode({name: value for name, value in given.items() if value is not None}).decode(),
        "status": given.get("status"),
        "evse_id": ("" if evse_id is None else evse_id) if "evse_id" in given else None,
    }
    with connection.cursor() as cursor:
        cursor.execute(_EVSE_PATCH, params)
        location, _changed, evse_exists = cursor.fetchone()
    if location is None:
        return f"No Location {location_id!r} under {country_code}/{party_id}: PUT it first"
    if not evse_exists:
        return f"No EVSE {evse_uid!r} in Location {location_id!r}"
    return None


# --- rows ----------------------------------------------------------------------------------


def _locked_location(partner_id: int, country_code: str, party_id: str, location_id: str) -> Location | None:
    return (
        Location.objects.select_for_update()
        .filter(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=location_id)
        .first()
    )


def _required_location(partner_id: int, country_code: str, party_id: str, location_id: str) -> Location:
    row = _locked_location(partner_id, country_code, party_id, location_id)
    if row is None:
        raise ObjectNotFound(f"No Location {location_id!r} under {country_code}/{party_id}: PUT it first")
    return row


def _required_evse(location: Location, evse_uid: str) -> Evse:
    evse = Evse.objects.filter(location=location, uid=evse_uid).first()
    if evse is None:
        raise ObjectNotFound(f"No EVSE {evse_uid!r} in Location {location.ocpi_id!r}")
    return evse


def _create_location(
    *, partner_id: int, country_code: str, party_id: str, location_id: str, data: dict[str, Any], at: datetime
) -> tuple[Location, bool]:
    row = Location(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=location_id)
    _set_location(row, data, at, save=False)
    try:
        with transaction.atomic():  # a savepoint: a concurrent first PUT may win the insert
            row.save(force_insert=True)
    except IntegrityError:
        winner = _locked_location(partner_id, country_code, party_id, location_id)
        if winner is None:
            raise
        return winner, False
    return row, True


def _set_location(row: Location, data: dict[str, Any], at: datetime, *, save: bool = True) -> None:
    coordinates = data["coordinates"]
    row.type = data["type"]
    row.name = data.get("name") or ""
    row.address = data["address"]
    row.city = data["city"]
    row.postal_code = data["postal_code"]
    row.country = data["country"]
    row.latitude = Decimal(coordinates["latitude"])
    row.longitude = Decimal(coordinates["longitude"])
    row.data = data
    row.last_updated = at
    if save:
        row.save()


def _touch_location(location: Location, at: datetime) -> None:
    if at > location.last_updated:
        Location.objects.filter(pk=location.pk).update(last_updated=at, updated=timezone.now())
        location.last_updated = at


def _next_evse_position(location: Location) -> int:
    last = location.evses.aggregate(last=Max("position"))["last"]
    return 0 if last is None else last + 1


def _set_evse(evse: Evse, data: dict[str, Any], at: datetime) -> None:
    evse.evse_id = data.get("evse_id") or ""
    evse.status = data["status"]
    evse.data = data
    evse.last_updated = at


def _touch_evse(evse: Evse, at: datetime) -> None:
    if at > evse.last_updated:
        Evse.objects.filter(pk=evse.pk).update(last_updated=at)
        evse.last_updated = at


def _set_connector(connector: Connector, data: dict[str, Any], at: datetime) -> None:
    connector.standard = data["standard"]
    connector.format = data["format"]
    connector.power_type = data["power_type"]
    connector.voltage = data["voltage"]
    connector.amperage = data["amperage"]
    connector.tariff_id = data.get("tariff_id") or ""
    connector.data = data
    connector.last_updated = at


def _replace_evses(location: Location, evses: list[schemas.EVSE], *, at: datetime) -> None:
    """The Location's EVSE list becomes ``evses``; stored EVSEs left out turn REMOVED, unlisted."""
    stored = {evse.uid: evse for evse in Evse.objects.filter(location=location)}
    Connector.objects.filter(evse__location=location, evse__uid__in=[evse.uid for evse in evses]).delete()
    new: list[Evse] = []
    changed: list[Evse] = []
    for position, evse in enumerate(evses):
        row = stored.pop(evse.uid, None)
        if row is None:
            row = Evse(location=location, uid=evse.uid)
            new.append(row)
        else:
            changed.append(row)
        row.position, row.listed = position, True
        _set_evse(row, _evse_data(evse), evse.last_updated)
    for row in stored.values():
        if row.listed or row.status != REMOVED:
            row.listed, row.status = False, REMOVED
            row.data = {**row.data, "status": REMOVED}
            row.last_updated = max(row.last_updated, at)
            changed.append(row)
    Evse.objects.bulk_create(new)
    Evse.objects.bulk_update(changed, ["evse_id", "status", "position", "listed", "data", "last_updated"])
    by_uid = {row.uid: row for row in (*new, *changed)}
    _replace_connectors([(by_uid[evse.uid], evse.connectors) for evse in evses])


def _replace_connectors(pairs: Iterable[tuple[Evse, list[schemas.Connector]]]) -> None:
    """Store the connectors of EVSEs whose old connectors are already gone."""
    rows = []
    for evse, connectors in pairs:
        for position, connector in enumerate(connectors):
            row = Connector(evse=evse, connector_id=connector.id, position=position)
            _set_connector(row, _plain(connector), connector.last_updated)
            rows.append(row)
    Connector.objects.bulk_create(rows)


# --- wire data -----------------------------------------------------------------------------


def _location_data(location: schemas.Location) -> dict[str, Any]:
    data = _plain(location)
    if "evses" in data:
        data["evses"] = []  # a marker that the CPO sent the list; its EVSEs live in their rows
    return data


def _evse_data(evse: schemas.EVSE) -> dict[str, Any]:
    data = _plain(evse)
    del data["connectors"]
    return data


def _plain(obj: msgspec.Struct) -> dict[str, Any]:
    """A wire object as stored JSON: DateTimes as ``YYYY-MM-DDTHH:MM:SSZ``, no ``last_updated``
    (its column holds it). Fields absent or null are left out; a PATCH keeps given nulls."""
    data: dict[str, Any] = _normalised(msgspec.to_builtins(obj, builtin_types=(datetime,)))
    data.pop("last_updated", None)
    return data


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_normalised(item) for item in value]
    if isinstance(value, datetime):
        return format_datetime(value)
    return value


def _given(patch: msgspec.Struct) -> dict[str, Any]:
    """The fields a PATCH gave (``None`` for an explicit null), ids and last_updated aside."""
    given = _plain(patch)
    for identifier in ("id", "uid"):
        given.pop(identifier, None)
    return given


def _given_or_none(value: datetime | msgspec.UnsetType) -> datetime | None:
    return None if value is msgspec.UNSET else value


# --- a page of a sync pull -----------------------------------------------------------------


def locations_upsert_page(
    *, partner_id: int, country_code: str, party_id: str, locations: Sequence[schemas.Location]
) -> Counter[str]:
    """Write one pulled page under the rules of ``location_put``; counts ``created``,
    ``updated`` and ``unchanged`` (stored with the same or a newer ``last_updated``).

    One transaction: the page's stored Locations are locked first (in id order, so two writers
    of overlapping pages cannot deadlock), unchanged ones are left alone (a repeated pull
    rewrites nothing), new ones go in with one INSERT per level, changed ones through
    ``location_put``. A new Location a push inserted meanwhile sends the new ones through
    ``location_put`` too, which handles that race.
    """
    counts: Counter[str] = Counter()
    newest = _newest_by_id(locations)
    # No savepoint of its own: a caller's transaction (a sync page) rolls back as one.
    with transaction.atomic(savepoint=False):
        stored = dict(
            Location.objects.select_for_update()
            .filter(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id__in=list(newest))
            .order_by("id")
            .values_list("ocpi_id", "last_updated")
        )
        new = [location for location in newest.values() if location.id not in stored]
        changed = [
            location
            for location in newest.values()
            if location.id in stored and location.last_updated > stored[location.id]
        ]
        counts["unchanged"] = len(locations) - len(new) - len(changed)
        keys: dict[str, Any] = {"partner_id": partner_id, "country_code": country_code, "party_id": party_id}
        inserted = _insert_locations(keys, new) if new else set()
        counts["created"] += len(inserted)
        for location in new:  # inserted meanwhile by a push: location_put settles it under the lock
            if location.id not in inserted:
                counts["created" if location_put(**keys, location=location) else "updated"] += 1
        for location in changed:
            location_put(**keys, location=location)
            counts["updated"] += 1
    return counts


def locations_not_seen(*, partner_id: int, country_code: str, party_id: str, seen: Iterable[str]) -> list[str]:
    """Ids of stored Locations of this party outside ``seen`` that still list an EVSE: what a
    full pull that saw only ``seen`` would mark removed."""
    return list(
        Location.objects.filter(partner_id=partner_id, country_code=country_code, party_id=party_id, evses__listed=True)
        .exclude(ocpi_id__in=seen)
        .values_list("ocpi_id", flat=True)
        .distinct()
        .order_by("ocpi_id")
    )


def location_mark_removed(*, partner_id: int, country_code: str, party_id: str, location_id: str) -> bool:
    """The CPO no longer lists this Location (DESIGN.md §4: never deleted): every EVSE turns
    REMOVED and unlisted, as if a PUT had sent no EVSE. ``last_updated`` stays, so the CPO
    listing it again with the same one brings it back. False when there was nothing to mark."""
    with transaction.atomic():
        row = _locked_location(partner_id, country_code, party_id, location_id)
        if row is None:
            return False
        listed = list(Evse.objects.filter(location=row).exclude(listed=False, status=REMOVED))
        for evse in listed:
            evse.listed, evse.status = False, REMOVED
            evse.data = {**evse.data, "status": REMOVED}
            evse.last_updated = max(evse.last_updated, row.last_updated)
        Evse.objects.bulk_update(listed, ["listed", "status", "data", "last_updated"])
    return bool(listed)


def _newest_by_id(locations: Sequence[schemas.Location]) -> dict[str, schemas.Location]:
    """A page that lists one id twice (churn while paging) keeps its newest version."""
    newest: dict[str, schemas.Location] = {}
    for location in locations:
        kept = newest.get(location.id)
        if kept is None or location.last_updated >= kept.last_updated:
            newest[location.id] = location
    return newest


def _insert_locations(keys: dict[str, Any], locations: list[schemas.Location]) -> set[str]:
    """New Locations with their EVSEs and connectors: one INSERT per level (on PostgreSQL one
    statement for the three, the page sent as one JSON document). Returns the ids inserted;
    one a concurrent push inserted first is left out."""
    if connection.vendor == "postgresql":
        return _insert_locations_pg(keys, locations)
    try:
        with transaction.atomic():
            _insert_locations_orm(keys, locations)
    except IntegrityError:
        return set()
    return {location.id for location in locations}


def _insert_locations_orm(keys: dict[str, Any], locations: list[schemas.Location]) -> None:
    rows = []
    for location in locations:
        row = Location(**keys, ocpi_id=location.id)
        _set_location(row, _location_data(location), location.last_updated, save=False)
        rows.append(row)
    Location.objects.bulk_create(rows)
    evses: list[Evse] = []
    pairs: list[tuple[Evse, list[schemas.Connector]]] = []
    for row, location in zip(rows, locations, strict=True):
        for position, evse in enumerate(location.evses or []):
            evse_row = Evse(location=row, uid=evse.uid, position=position, listed=True)
            _set_evse(evse_row, _evse_data(evse), evse.last_updated)
            evses.append(evse_row)
            pairs.append((evse_row, evse.connectors))
    Evse.objects.bulk_create(evses)
    _replace_connectors(pairs)


# The rows ``_set_location``, ``_set_evse`` and ``_set_connector`` would make, built by PostgreSQL
# from the page as JSON: the Python side only encodes (msgspec, in C), so a page of 1,000
# Locations costs one round trip, not 7,000 model instances. The names are our own tables.
_INSERT_PAGE = f"""
WITH src AS (
    SELECT value AS loc FROM jsonb_array_elements(%(page)s::jsonb)
), locs AS (
    INSERT INTO {Location._meta.db_table} (partner_id, country_code, party_id, ocpi_id, type, name, address, city,
        postal_code, country, latitude, longitude, last_updated, data, created, updated)
    SELECT %(partner_id)s, %(country_code)s, %(party_id)s, loc->>'id', loc->>'type', COALESCE(loc->>'name', ''),
        loc->>'address', loc->>'city', loc->>'postal_code', loc->>'country',
        (loc->'coordinates'->>'latitude')::numeric, (loc->'coordinates'->>'longitude')::numeric,
        (loc->>'last_updated')::timestamptz,
        (loc - 'last_updated') || CASE WHEN loc ? 'evses' THEN '{{"evses": []}}'::jsonb ELSE '{{}}'::jsonb END,
        now(), now()
    FROM src
    ON CONFLICT (partner_id, country_code, party_id, ocpi_id) DO NOTHING
    RETURNING id, ocpi_id
), evse_src AS (
    SELECT locs.id AS location_id, e.value AS evse, e.ordinality - 1 AS position
    FROM locs JOIN src ON src.loc->>'id' = locs.ocpi_id
    CROSS JOIN LATERAL jsonb_array_elements(COALESCE(src.loc->'evses', '[]'::jsonb)) WITH ORDINALITY AS e
), evses AS (
    INSERT INTO {Evse._meta.db_table} (location_id, uid, evse_id, status, position, listed, last_updated, data)
    SELECT location_id, evse->>'uid', COALESCE(evse->>'evse_id', ''), evse->>'status', position, true,
        (evse->>'last_updated')::timestamptz, evse - 'last_updated' - 'connectors'
    FROM evse_src
    RETURNING id, location_id, uid
), connectors AS (
    INSERT INTO {Connector._meta.db_table} (evse_id, connector_id, standard, format, power_type, voltage, amperage,
        tariff_id, position, last_updated, data)
    SELECT evses.id, c.value->>'id', c.value->>'standard', c.value->>'format', c.value->>'power_type',
        (c.value->>'voltage')::integer, (c.value->>'amperage')::integer, COALESCE(c.value->>'tariff_id', ''),
        c.ordinality - 1, (c.value->>'last_updated')::timestamptz, c.value - 'last_updated'
    FROM evses JOIN evse_src ON evse_src.location_id = evses.location_id AND evse_src.evse->>'uid' = evses.uid
    CROSS JOIN LATERAL jsonb_array_elements(evse_src.evse->'connectors') WITH ORDINALITY AS c
)
SELECT ocpi_id FROM locs
"""  # noqa: S608

# DateTimes in ``data`` are stored as ``format_datetime`` writes them: whole seconds (our structs
# hold UTC). ``last_updated`` only fills its column, which keeps the fraction as a PUT does.
_FRACTION = re.compile(rb'(?<!"last_updated":)("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2})[.][0-9]+Z"')


_ANY_FRACTION = re.compile(rb'[.][0-9]+Z"')  # 50x faster to rule out than _FRACTION to apply


def _insert_locations_pg(keys: dict[str, Any], locations: list[schemas.Location]) -> set[str]:
    encoded = msgspec.json.encode(locations)
    if _ANY_FRACTION.search(encoded):
        encoded = _FRACTION.sub(rb'\1Z"', encoded)
    page = encoded.decode()
    with connection.cursor() as cursor:
        cursor.execute(_INSERT_PAGE, {**keys, "page": page})
        return {ocpi_id for (ocpi_id,) in cursor.fetchall()}
