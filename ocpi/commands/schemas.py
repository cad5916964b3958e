"""OCPI 2.1.1 Commands module wire objects (reference §5.7): the four command bodies we send,
and the CommandResponse we read (the CPO's synchronous answer and the result callback).

The bodies embed the Tokens module's ``Token`` (a listed import-linter edge). A CommandResponse
comes in two forms (reference §4.6.2 "Interop"): the object ``{"result": …}`` and, from CPOs
built on the first 2.1.1 document, the bare value ``"ACCEPTED"``; ``read_result`` reads both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from ocpi.core.errors import InvalidParameters
from ocpi.core.types import format_datetime
from ocpi.core.wire import convert
from ocpi.core.wire_types import Url, WireObject
from ocpi.tokens.schemas import Token

LocationId = Annotated[str, Meta(min_length=1, max_length=39)]
EvseUid = Annotated[str, Meta(min_length=1, max_length=39)]
ConnectorId = Annotated[str, Meta(min_length=1, max_length=36)]
SessionId = Annotated[str, Meta(min_length=1, max_length=36)]


class StartSession(WireObject, kw_only=True):
    response_url: Url
    token: Token
    location_id: LocationId
    evse_uid: EvseUid | None = None


class StopSession(WireObject, kw_only=True):
    response_url: Url
    session_id: SessionId


class ReserveNow(WireObject, kw_only=True):
    response_url: Url
    token: Token
    expiry_date: datetime
    reservation_id: int
    location_id: LocationId
    evse_uid: EvseUid | None = None


class UnlockConnector(WireObject, kw_only=True):
    response_url: Url
    location_id: LocationId
    evse_uid: EvseUid
    connector_id: ConnectorId


def encode(body: msgspec.Struct) -> dict[str, Any]:
    """A command body as the JSON we send: None fields left out, DateTimes as ``…Z``."""
    data: dict[str, Any] = _formatted(msgspec.to_builtins(body, builtin_types=(datetime,)))
    return data


def _formatted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _formatted(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return format_datetime(value)
    return value


def read_result(data: Any) -> str:
    """The ``result`` of a CommandResponse in either form; 2001 naming ``result`` otherwise.
    The value is not checked against an enum here: an unknown one is the caller's to judge."""
    if isinstance(data, dict):
        data = data.get("result")
    if not isinstance(data, str) or not data.strip():
        raise InvalidParameters('result: expected a CommandResponse {"result": "<value>"} or a bare "<value>"')
    return data.strip()[:64]


def token_of(served: dict[str, Any]) -> Token:
    """A served token (``ocpi.tokens.selectors.serialize_tokens``) as the object we embed."""
    return convert(served, Token)
