"""Pulling the CPO's Locations list (reference §4.1.2, the CPO's sender interface): pages through
``ocpi.core.client``, objects validated by the same wire struct a push is; writes go to
``services.locations_upsert_page``.
A full pull confirms each Location it no longer saw with a single GET before marking it removed.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any
from urllib.parse import quote

from ocpi.core.client import OcpiClient, OcpiHttpError, OcpiPage
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert
from ocpi.locations import schemas


def locations_pages(
    client: OcpiClient, url: str, *, date_from: datetime | None, limit: int | None = None
) -> Iterator[OcpiPage]:
    """The list from ``date_from`` on (inclusive; everything when None), one page at a time."""
    params = {"date_from": format_datetime(date_from)} if date_from is not None else None
    return client.iter_pages(url, params, limit=limit)


def location_from_wire(obj: dict[str, Any]) -> schemas.Location:
    """One listed object as its wire struct; ``InvalidParameters`` naming the field otherwise."""
    return convert(obj, schemas.Location)


def location_listed(client: OcpiClient, url: str, location_id: str) -> dict[str, Any] | None:
    """The Location as the CPO serves it at its own URL, or None when it answers 404 (gone)."""
    try:
        reply = client.get(f"{url.rstrip('/')}/{quote(location_id, safe='')}")
    except OcpiHttpError as exc:
        if exc.http_status == 404:
            return None
        raise
    return reply.data if isinstance(reply.data, dict) else None
