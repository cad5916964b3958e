"""OCPI 2.1.1 Tokens module wire objects (reference §5.6).

``Token`` is the one validation of a token, whatever its source: the admin form, the
``tokens_import`` command and (later) anything else build a Token from their input and run it
through ``validate_token``. It is stricter than the receivers' objects: unknown fields and
``null`` for an optional field are refused, and strings must not be empty, as ChargeMap's token
schema demands (its ``ko_*`` payloads are refused, tests/ocpi/tokens/test_schemas.py).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ocpi.core.wire import convert
from ocpi.core.wire_types import DisplayText, WireObject, as_utc

TokenType = Literal["OTHER", "RFID"]
WhitelistType = Literal["ALWAYS", "ALLOWED", "ALLOWED_OFFLINE", "NEVER"]
Allowed = Literal["ALLOWED", "BLOCKED", "EXPIRED", "NO_CREDIT", "NOT_ALLOWED"]

Uid = Annotated[str, Meta(min_length=1, max_length=36)]
AuthId = Annotated[str, Meta(min_length=1, max_length=36)]
Text64 = Annotated[str, Meta(min_length=1, max_length=64)]
Language = Annotated[str, Meta(pattern=r"^[A-Za-z]{2}$")]  # ISO 639-1
Id39 = Annotated[str, Meta(min_length=1, max_length=39)]
Id36 = Annotated[str, Meta(min_length=1, max_length=36)]


class Token(WireObject, kw_only=True, forbid_unknown_fields=True):
    uid: Uid
    type: TokenType
    auth_id: AuthId
    visual_number: Text64 | UnsetType = UNSET
    issuer: Text64
    valid: bool
    whitelist: WhitelistType
    language: Language | UnsetType = UNSET
    last_updated: datetime

    def __post_init__(self) -> None:
        self.last_updated = as_utc(self.last_updated)


class LocationReferences(WireObject, kw_only=True):
    location_id: Id39
    evse_uids: list[Id39] | None = None
    connector_ids: list[Id36] | None = None


class AuthorizationInfo(WireObject, kw_only=True):
    allowed: Allowed
    location: LocationReferences | None = None
    info: DisplayText | None = None


def validate_token(data: dict[str, Any]) -> Token:
    """``data`` as a Token, or ``InvalidParameters`` (2001) naming the field."""
    return convert(data, Token)


def encode(obj: msgspec.Struct) -> dict[str, Any]:
    data: dict[str, Any] = msgspec.to_builtins(obj)
    return data
