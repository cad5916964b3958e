"""Pulling the CPO's CDRs list (reference §4.3.2, the CPO's sender interface): pages through
``ocpi.core.client``, objects validated by the same wire struct a push is; writes go to
``services.cdrs_receive_page``.
CDRs are never deleted, whatever a full pull sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

from ocpi.cdrs import schemas
from ocpi.core.client import OcpiClient, OcpiPage
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert


def cdrs_pages(
    client: OcpiClient, url: str, *, date_from: datetime | None, limit: int | None = None
) -> Iterator[OcpiPage]:
    """The list from ``date_from`` on (inclusive; everything when None), one page at a time."""
    params = {"date_from": format_datetime(date_from)} if date_from is not None else None
    return client.iter_pages(url, params, limit=limit)


def cdr_from_wire(obj: dict[str, Any]) -> schemas.CDR:
    """One listed object as its wire struct; ``InvalidParameters`` naming the field otherwise."""
    return convert(obj, schemas.CDR)
