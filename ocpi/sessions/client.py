"""Pulling the CPO's Sessions list (reference §4.2.2, the CPO's sender interface): pages through
``ocpi.core.client``, objects validated by the same wire struct a push is; writes go to
``services.sessions_upsert_page``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from ocpi.core.client import OcpiClient, OcpiPage
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert
from ocpi.sessions import schemas

EVERYTHING = datetime(1970, 1, 1, tzinfo=UTC)


def sessions_pages(
    client: OcpiClient, url: str, *, date_from: datetime | None, limit: int | None = None
) -> Iterator[OcpiPage]:
    """The list from ``date_from`` on (inclusive; everything when None), one page at a time."""
    # OCPI 2.1.1 makes date_from mandatory for Sessions: "everything" starts at the epoch.
    params = {"date_from": format_datetime(date_from or EVERYTHING)}
    return client.iter_pages(url, params, limit=limit)


def session_from_wire(obj: dict[str, Any]) -> schemas.Session:
    """One listed object as its wire struct; ``InvalidParameters`` naming the field otherwise."""
    return convert(obj, schemas.Session)
