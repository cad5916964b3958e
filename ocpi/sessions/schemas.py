"""OCPI 2.1.1 Sessions module wire objects (reference §5.3), and the ChargingPeriod/CdrDimension
classes the CDRs module shares (§5.4).

``Session.location`` is the Locations module's ``Location`` (containing only the relevant EVSE
and Connector). A ``SessionPatch`` carries any subset of the fields: an absent field is
``UNSET`` and stays as stored; ``null`` clears an optional field and is refused for a
required one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ocpi.core.types import format_datetime
from ocpi.core.wire_types import Currency, String36, String255, WireObject, as_utc
from ocpi.locations.schemas import Location

SessionStatus = Literal["ACTIVE", "COMPLETED", "INVALID", "PENDING"]
AuthMethod = Literal["AUTH_REQUEST", "WHITELIST"]
CdrDimensionType = Literal["ENERGY", "FLAT", "MAX_CURRENT", "MIN_CURRENT", "PARKING_TIME", "TIME"]


def utc(moment: datetime) -> datetime:
    """``as_utc`` with a fast path: a ``Z`` DateTime already decodes to UTC."""
    return moment if moment.tzinfo is UTC else as_utc(moment)


class CdrDimension(WireObject, kw_only=True):
    type: CdrDimensionType
    volume: float


class ChargingPeriod(WireObject, kw_only=True):
    start_date_time: datetime
    dimensions: Annotated[list[CdrDimension], Meta(min_length=1)]

    def __post_init__(self) -> None:
        self.start_date_time = utc(self.start_date_time)


class Session(WireObject, kw_only=True):
    id: String36
    start_datetime: datetime
    end_datetime: datetime | None = None
    kwh: float
    auth_id: String36
    auth_method: AuthMethod
    location: Location
    meter_id: String255 | None = None
    currency: Currency
    charging_periods: list[ChargingPeriod] | None = None
    total_cost: float | None = None
    status: SessionStatus
    last_updated: datetime

    def __post_init__(self) -> None:
        self.start_datetime = utc(self.start_datetime)
        if self.end_datetime is not None:
            self.end_datetime = utc(self.end_datetime)
        self.last_updated = utc(self.last_updated)


class SessionPatch(WireObject, kw_only=True):
    """A PATCH body: absent fields are UNSET; null only where the Session field is optional."""

    id: String36 | UnsetType = UNSET
    start_datetime: datetime | UnsetType = UNSET
    end_datetime: datetime | UnsetType | None = UNSET
    kwh: float | UnsetType = UNSET
    auth_id: String36 | UnsetType = UNSET
    auth_method: AuthMethod | UnsetType = UNSET
    location: Location | UnsetType = UNSET
    meter_id: String255 | UnsetType | None = UNSET
    currency: Currency | UnsetType = UNSET
    charging_periods: list[ChargingPeriod] | UnsetType | None = UNSET
    total_cost: float | UnsetType | None = UNSET
    status: SessionStatus | UnsetType = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.start_datetime, datetime):
            self.start_datetime = utc(self.start_datetime)
        if isinstance(self.end_datetime, datetime):
            self.end_datetime = utc(self.end_datetime)
        if isinstance(self.last_updated, datetime):
            self.last_updated = utc(self.last_updated)


def as_json(obj: msgspec.Struct) -> dict[str, Any]:
    """A wire object as the JSON we store and serve: UNSET and None-by-default fields left out,
    every DateTime as ``YYYY-MM-DDTHH:MM:SSZ`` (DESIGN.md §4 "DateTime out")."""
    data: dict[str, Any] = _formatted(msgspec.to_builtins(obj, builtin_types=(datetime,)))
    return data


def _formatted(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _formatted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_formatted(item) for item in value]
    if isinstance(value, datetime):
        return format_datetime(value)
    return value
