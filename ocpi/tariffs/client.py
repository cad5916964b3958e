"""Pulling the CPO's Tariffs list (reference §4.4.2, the CPO's sender interface): pages through
``ocpi.core.client``, objects validated by the same wire struct a push is; writes go to
``services.tariffs_upsert_page``.
A full pull marks tariffs it no longer saw as deleted, as a DELETE push would.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ocpi.core.client import OcpiClient, OcpiPage
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert
from ocpi.tariffs import schemas


def tariffs_pages(
    client: OcpiClient, url: str, *, date_from: datetime | None, limit: int | None = None
) -> Iterator[OcpiPage]:
    """The list from ``date_from`` on (inclusive; everything when None), one page at a time."""
    params = {"date_from": format_datetime(date_from)} if date_from is not None else None
    return client.iter_pages(url, params, limit=limit)


def tariff_from_wire(obj: dict[str, Any]) -> schemas.Tariff:
    """One listed object as its wire struct; ``InvalidParameters`` naming the field otherwise."""
    return convert(obj, schemas.Tariff)
