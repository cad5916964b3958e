"""Reads of stored Locations, EVSEs and connectors, assembled as the OCPI objects the CPO pushed.

A document is the row's ``data`` with ``last_updated`` from its column and its children from
their rows (see models.py). Assembling a Location takes three queries, whatever its size.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from ocpi.core.types import format_datetime
from ocpi.locations.models import Connector, Evse, Location


def location_get(*, partner_id: int, country_code: str, party_id: str, location_id: str) -> dict[str, Any] | None:
    """The Location as stored, or None when unknown."""
    location = (
        locations_with_evses()
        .filter(partner_id=partner_id, country_code=country_code, party_id=party_id, ocpi_id=location_id)
        .first()
    )
    return location_document(location) if location is not None else None


def evse_get(
    *, partner_id: int, country_code: str, party_id: str, location_id: str, evse_uid: str
) -> dict[str, Any] | None:
    """The EVSE as stored (also one REMOVED and left out of its Location's list), or None."""
    evse = (
        Evse.objects.filter(
            location__partner_id=partner_id,
            location__country_code=country_code,
            location__party_id=party_id,
            location__ocpi_id=location_id,
            uid=evse_uid,
        )
        .prefetch_related("connectors")
        .first()
    )
    return evse_document(evse) if evse is not None else None


def connector_get(
    *, partner_id: int, country_code: str, party_id: str, location_id: str, evse_uid: str, connector_id: str
) -> dict[str, Any] | None:
    """The connector as stored, or None."""
    connector = Connector.objects.filter(
        evse__location__partner_id=partner_id,
        evse__location__country_code=country_code,
        evse__location__party_id=party_id,
        evse__location__ocpi_id=location_id,
        evse__uid=evse_uid,
        connector_id=connector_id,
    ).first()
    return connector_document(connector) if connector is not None else None


def locations_with_evses() -> QuerySet[Location]:
    """Locations with their listed EVSEs and connectors prefetched, for ``location_document``."""
    listed = Evse.objects.filter(listed=True).prefetch_related("connectors")
    return Location.objects.prefetch_related(Prefetch("evses", queryset=listed, to_attr="listed_evses"))


def location_document(location: Location) -> dict[str, Any]:
    """The OCPI Location; fetch it with ``locations_with_evses`` to read its EVSEs in one go."""
    document = dict(location.data)
    listed = getattr(location, "listed_evses", None)
    if listed is None:
        listed = location.evses.filter(listed=True).prefetch_related("connectors")
    evses = [evse_document(evse) for evse in listed]
    if evses or "evses" in document:
        document["evses"] = evses
    document["last_updated"] = format_datetime(location.last_updated)
    return document


def evse_document(evse: Evse) -> dict[str, Any]:
    document = dict(evse.data)
    document["connectors"] = [connector_document(connector) for connector in evse.connectors.all()]
    document["last_updated"] = format_datetime(evse.last_updated)
    return document


def connector_document(connector: Connector) -> dict[str, Any]:
    return {**connector.data, "last_updated": format_datetime(connector.last_updated)}
