"""Rules shared by every receiver of client-owned objects (Locations, Sessions, Tariffs...):
DESIGN.md §4 "Object under another party's country_code/party_id", "body id ≠ URL id",
"Stale writes" and "PATCH without last_updated"."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeVar

from django.utils import timezone
from rest_framework.request import Request

from ocpi.core.authentication import OcpiCaller, caller_of
from ocpi.core.errors import InvalidParameters, ObjectNotFound, Unauthorized
from ocpi.core.wire import convert
from ocpi.core.wire_types import as_utc

T = TypeVar("T")


def check_party(caller: OcpiCaller, country_code: str, party_id: str) -> None:
    """A partner reads and writes only under its own country_code/party_id: 404 otherwise,
    so nothing of another party is revealed or changed."""
    if (country_code.upper(), party_id.upper()) != (caller.country_code.upper(), caller.party_id.upper()):
        raise ObjectNotFound(f"No object under {country_code}/{party_id} for this partner")


def check_id(*, url_id: str, body_id: str | None, field: str = "id") -> None:
    """The object's id in the body must be the one in the URL (reference §1.7: 2001)."""
    if body_id is not None and body_id != url_id:
        raise InvalidParameters(f"{field}: {body_id!r} differs from {url_id!r} in the URL")


def received_last_updated(value: datetime | None) -> datetime:
    """``last_updated`` of a push; a PATCH without one counts as changed when received."""
    return as_utc(value) if value is not None else timezone.now()


def is_stale(*, stored: datetime | None, incoming: datetime) -> bool:
    """A write older than what we hold changes nothing (and is still answered 1000)."""
    return stored is not None and incoming < stored


def partner_id_of(caller: OcpiCaller) -> int:
    """The partner behind an authenticated caller (a resolver that knows no partner rows gives none)."""
    if caller.partner_id is None:
        raise Unauthorized("This token belongs to no partner")
    return caller.partner_id


def owner_id(request: Request, country_code: str, party_id: str) -> int:
    """The calling partner's id, once it is known to act under its own country_code/party_id."""
    caller = caller_of(request)
    check_party(caller, country_code, party_id)
    return partner_id_of(caller)


def read_body(request: Request, kind: type[T]) -> T:
    """The request body as ``kind``: 2001 naming the field when it is not one, and 2001 for an
    empty body (DRF hands an empty body over as ``{}``, which a PATCH struct would accept)."""
    data = request.data  # not JSON, too large or too deep: ocpi.core.parsers answers
    if not getattr(request._request, "ocpi_raw_body", b""):
        raise InvalidParameters("the body is empty: send the object as JSON")
    return convert(data, kind)


def object_key(*, partner_id: int, country_code: str, party_id: str, ocpi_id: str) -> dict[str, Any]:
    """The stored key of a partner-owned object: OCPI keys it by (country_code, party_id, id)."""
    return {
        "partner_id": partner_id,
        "country_code": country_code.upper(),
        "party_id": party_id.upper(),
        "ocpi_id": ocpi_id,
    }


def patched(stored: dict[str, Any], changes: dict[str, Any], *, appended: tuple[str, ...] = ()) -> dict[str, Any]:
    """A PATCH applied to stored JSON (DESIGN.md §4): given fields replace stored ones, ``null``
    clears an optional one, and the lists named in ``appended`` are extended instead."""
    data = dict(stored)
    for name, value in changes.items():
        if value is None:
            data.pop(name, None)
        elif name in appended:
            data[name] = [*data.get(name, []), *value]
        else:
            data[name] = value
    return data
