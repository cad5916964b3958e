"""OCPI 2.1.1 wire objects: msgspec.Struct against pydantic v2 BaseModel, on a nested Session.

Reproduce: ``.venv/bin/python -m bench wire_formats`` (``make bench`` runs every benchmark).

The same Session (reference §5.3) with its full Location (§5.2: EVSE, Connector, GeoLocation,
Hours, EnergyMix, ...) and ChargingPeriod/CdrDimension is defined twice, once per library, and
a partial Session for PATCH bodies. Decisions applied identically to both models:

* Unknown fields are **ignored**, not forbidden: a 2.1.1 peer may already send fields of newer
  versions (e.g. 2.2.1 ``authorization_reference``), and rejecting them would break a push.
* Enums are ``Literal`` of the exact, case-sensitive spec strings (shared by both models).
* ``string(n)`` is a maximum length in characters; printable ASCII is *not* enforced
  (reference §9 item 20: real CPOs send UTF-8 names). GeoLocation and RegularHours regexes are
  enforced, anchored at both ends.
* ``DateTime`` must look like RFC 3339 (``YYYY-MM-DDTHH:MM:SS``, optional fraction, optional
  ``Z``/offset); the result is an aware UTC datetime: no designator means UTC, offsets are
  converted. Numbers, date-only strings and times without seconds are rejected. The spec's
  ``string(25)`` for DateTime is not checked: a fraction plus an offset is longer, and is accepted.
* ``number`` is a float (a JSON integer is accepted), ``int`` an integer; nothing is coerced from
  strings (msgspec is strict by nature, pydantic runs with ``strict=True``).
* Cardinality: ``?`` may be absent or null, ``*`` lists may be absent, null or ``[]``, ``+``
  lists need at least one item. PATCH: absent is ``UNSET``/``MISSING``, null only where the
  Session field is optional.

Both models must accept and reject the same probes, naming the same error path, before anything
is timed; a disagreement stops the benchmark.
"""

from __future__ import annotations

import copy
import functools
import gc
import itertools
import json
import os
import re
import statistics
import timeit
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType
from pydantic import (
    MISSING,
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)

EXAMPLE = Path("/work/shared/ocpi/examples/2.1.1/sessions_session_example_finished.json")
TARGET_PER_SECOND = 50_000  # full Session objects per second on one core (later issue)
POOL_SIZE = 256  # distinct payloads cycled through, so no run validates the same bytes twice in a row
REPEATS = 31  # timed runs per case
RUN_SECONDS = 0.04  # minimum length of one timed run
MEMORY_OBJECTS = 10_000

# --------------------------------------------------------------------------- shared vocabulary

LocationType = Literal["ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER", "UNKNOWN"]
Status = Literal[
    "AVAILABLE", "BLOCKED", "CHARGING", "INOPERATIVE", "OUTOFORDER", "PLANNED", "REMOVED", "RESERVED", "UNKNOWN"
]
Capability = Literal[
    "CHARGING_PROFILE_CAPABLE",
    "CREDIT_CARD_PAYABLE",
    "REMOTE_START_STOP_CAPABLE",
    "RESERVABLE",
    "RFID_READER",
    "UNLOCK_CAPABLE",
]
ConnectorFormat = Literal["SOCKET", "CABLE"]
ConnectorType = Literal[
    "CHADEMO",
    "DOMESTIC_A",
    "DOMESTIC_B",
    "DOMESTIC_C",
    "DOMESTIC_D",
    "DOMESTIC_E",
    "DOMESTIC_F",
    "DOMESTIC_G",
    "DOMESTIC_H",
    "DOMESTIC_I",
    "DOMESTIC_J",
    "DOMESTIC_K",
    "DOMESTIC_L",
    "IEC_60309_2_single_16",
    "IEC_60309_2_three_16",
    "IEC_60309_2_three_32",
    "IEC_60309_2_three_64",
    "IEC_62196_T1",
    "IEC_62196_T1_COMBO",
    "IEC_62196_T2",
    "IEC_62196_T2_COMBO",
    "IEC_62196_T3A",
    "IEC_62196_T3C",
    "TESLA_R",
    "TESLA_S",
]
PowerType = Literal["AC_1_PHASE", "AC_3_PHASE", "DC"]
ParkingRestriction = Literal["EV_ONLY", "PLUGGED", "DISABLED", "CUSTOMERS", "MOTORCYCLES"]
Facility = Literal[
    "HOTEL",
    "RESTAURANT",
    "CAFE",
    "MALL",
    "SUPERMARKET",
    "SPORT",
    "RECREATION_AREA",
    "NATURE",
    "MUSEUM",
    "BUS_STOP",
    "TAXI_STAND",
    "TRAIN_STATION",
    "AIRPORT",
    "CARPOOL_PARKING",
    "FUEL_STATION",
    "WIFI",
]
ImageCategory = Literal["CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"]
EnergySourceCategory = Literal["NUCLEAR", "GENERAL_FOSSIL", "COAL", "GAS", "GENERAL_GREEN", "SOLAR", "WIND", "WATER"]
EnvironmentalImpactCategory = Literal["NUCLEAR_WASTE", "CARBON_DIOXIDE"]
SessionStatus = Literal["ACTIVE", "COMPLETED", "INVALID", "PENDING"]
AuthMethod = Literal["AUTH_REQUEST", "WHITELIST"]
CdrDimensionType = Literal["ENERGY", "FLAT", "MAX_CURRENT", "MIN_CURRENT", "PARKING_TIME", "TIME"]

# Python's re (msgspec) needs \Z for "end of text"; Rust's regex (pydantic) uses $ for that.
_LATITUDE = r"^-?[0-9]{1,2}\.[0-9]{6}"
_LONGITUDE = r"^-?[0-9]{1,3}\.[0-9]{6}"
_HOUR_MINUTE = r"^([0-1][0-9]|2[0-3]):[0-5][0-9]"


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime: naive means UTC (OCPI §1.8), an offset is converted."""
    if moment.tzinfo is UTC:
        return moment
    offset = moment.utcoffset()
    if offset is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC) if offset else moment


def _as_utc_or_none(moment: datetime | None) -> datetime | None:
    return None if moment is None else as_utc(moment)


def _as_utc_if_set(moment: datetime | UnsetType | None) -> datetime | UnsetType | None:
    return as_utc(moment) if isinstance(moment, datetime) else moment


# --------------------------------------------------------------------------- msgspec model

MsStr2 = Annotated[str, Meta(max_length=2)]
MsStr3 = Annotated[str, Meta(max_length=3)]
MsStr4 = Annotated[str, Meta(max_length=4)]
MsStr10 = Annotated[str, Meta(max_length=10)]
MsStr16 = Annotated[str, Meta(max_length=16)]
MsStr36 = Annotated[str, Meta(max_length=36)]
MsStr39 = Annotated[str, Meta(max_length=39)]
MsStr45 = Annotated[str, Meta(max_length=45)]
MsStr48 = Annotated[str, Meta(max_length=48)]
MsStr64 = Annotated[str, Meta(max_length=64)]
MsStr100 = Annotated[str, Meta(max_length=100)]
MsStr255 = Annotated[str, Meta(max_length=255)]
MsStr512 = Annotated[str, Meta(max_length=512)]
MsUrl = MsStr255
MsLatitude = Annotated[str, Meta(max_length=10, pattern=_LATITUDE + r"\Z")]
MsLongitude = Annotated[str, Meta(max_length=11, pattern=_LONGITUDE + r"\Z")]
MsHourMinute = Annotated[str, Meta(max_length=5, pattern=_HOUR_MINUTE + r"\Z")]
MsWeekday = Annotated[int, Meta(ge=1, le=7)]
MsInt5 = Annotated[int, Meta(ge=0, le=99_999)]


class MsObject(msgspec.Struct, forbid_unknown_fields=False):
    """Base of the msgspec wire objects: unknown fields ignored (inherited); each subclass sets
    ``kw_only=True`` itself (msgspec does not inherit it) so fields can keep the spec's order."""


class MsDisplayText(MsObject, kw_only=True):
    language: MsStr2
    text: MsStr512


class MsImage(MsObject, kw_only=True):
    url: MsUrl
    thumbnail: MsUrl | None = None
    category: ImageCategory
    type: MsStr4
    width: MsInt5 | None = None
    height: MsInt5 | None = None


class MsBusinessDetails(MsObject, kw_only=True):
    name: MsStr100
    website: MsUrl | None = None
    logo: MsImage | None = None


class MsGeoLocation(MsObject, kw_only=True):
    latitude: MsLatitude
    longitude: MsLongitude


class MsAdditionalGeoLocation(MsObject, kw_only=True):
    latitude: MsLatitude
    longitude: MsLongitude
    name: MsDisplayText | None = None


class MsRegularHours(MsObject, kw_only=True):
    weekday: MsWeekday
    period_begin: MsHourMinute
    period_end: MsHourMinute


class MsExceptionalPeriod(MsObject, kw_only=True):
    period_begin: datetime
    period_end: datetime

    def __post_init__(self) -> None:
        self.period_begin = as_utc(self.period_begin)
        self.period_end = as_utc(self.period_end)


class MsHours(MsObject, kw_only=True):
    regular_hours: list[MsRegularHours] | None = None
    twentyfourseven: bool | None = None
    exceptional_openings: list[MsExceptionalPeriod] | None = None
    exceptional_closings: list[MsExceptionalPeriod] | None = None


class MsStatusSchedule(MsObject, kw_only=True):
    period_begin: datetime
    period_end: datetime | None = None
    status: Status

    def __post_init__(self) -> None:
        self.period_begin = as_utc(self.period_begin)
        self.period_end = _as_utc_or_none(self.period_end)


class MsEnergySource(MsObject, kw_only=True):
    source: EnergySourceCategory
    percentage: float


class MsEnvironmentalImpact(MsObject, kw_only=True):
    source: EnvironmentalImpactCategory
    amount: float


class MsEnergyMix(MsObject, kw_only=True):
    is_green_energy: bool
    energy_sources: list[MsEnergySource] | None = None
    environ_impact: list[MsEnvironmentalImpact] | None = None
    supplier_name: MsStr64 | None = None
    energy_product_name: MsStr64 | None = None


class MsConnector(MsObject, kw_only=True):
    id: MsStr36
    standard: ConnectorType
    format: ConnectorFormat
    power_type: PowerType
    voltage: int
    amperage: int
    tariff_id: MsStr36 | None = None
    terms_and_conditions: MsUrl | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)


class MsEVSE(MsObject, kw_only=True):
    uid: MsStr39
    evse_id: MsStr48 | None = None
    status: Status
    status_schedule: list[MsStatusSchedule] | None = None
    capabilities: list[Capability] | None = None
    connectors: Annotated[list[MsConnector], Meta(min_length=1)]
    floor_level: MsStr4 | None = None
    coordinates: MsGeoLocation | None = None
    physical_reference: MsStr16 | None = None
    directions: list[MsDisplayText] | None = None
    parking_restrictions: list[ParkingRestriction] | None = None
    images: list[MsImage] | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)


class MsLocation(MsObject, kw_only=True):
    id: MsStr39
    type: LocationType
    name: MsStr255 | None = None
    address: MsStr45
    city: MsStr45
    postal_code: MsStr10
    country: MsStr3
    coordinates: MsGeoLocation
    related_locations: list[MsAdditionalGeoLocation] | None = None
    evses: list[MsEVSE] | None = None
    directions: list[MsDisplayText] | None = None
    operator: MsBusinessDetails | None = None
    suboperator: MsBusinessDetails | None = None
    owner: MsBusinessDetails | None = None
    facilities: list[Facility] | None = None
    time_zone: MsStr255 | None = None
    opening_times: MsHours | None = None
    charging_when_closed: bool | None = True
    images: list[MsImage] | None = None
    energy_mix: MsEnergyMix | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)


class MsCdrDimension(MsObject, kw_only=True):
    type: CdrDimensionType
    volume: float


class MsChargingPeriod(MsObject, kw_only=True):
    start_date_time: datetime
    dimensions: Annotated[list[MsCdrDimension], Meta(min_length=1)]

    def __post_init__(self) -> None:
        if self.start_date_time.tzinfo is not UTC:
            self.start_date_time = as_utc(self.start_date_time)


class MsSession(MsObject, kw_only=True):
    id: MsStr36
    start_datetime: datetime
    end_datetime: datetime | None = None
    kwh: float
    auth_id: MsStr36
    auth_method: AuthMethod
    location: MsLocation
    meter_id: MsStr255 | None = None
    currency: MsStr3
    charging_periods: list[MsChargingPeriod] | None = None
    total_cost: float | None = None
    status: SessionStatus
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.start_datetime.tzinfo is not UTC:
            self.start_datetime = as_utc(self.start_datetime)
        if self.end_datetime is not None and self.end_datetime.tzinfo is not UTC:
            self.end_datetime = as_utc(self.end_datetime)
        if self.last_updated.tzinfo is not UTC:
            self.last_updated = as_utc(self.last_updated)


class MsSessionPatch(MsObject, kw_only=True):
    """A PATCH body: any Session fields; absent is UNSET, null only where the field is optional."""

    id: MsStr36 | UnsetType = UNSET
    start_datetime: datetime | UnsetType = UNSET
    end_datetime: datetime | UnsetType | None = UNSET
    kwh: float | UnsetType = UNSET
    auth_id: MsStr36 | UnsetType = UNSET
    auth_method: AuthMethod | UnsetType = UNSET
    location: MsLocation | UnsetType = UNSET
    meter_id: MsStr255 | UnsetType | None = UNSET
    currency: MsStr3 | UnsetType = UNSET
    charging_periods: list[MsChargingPeriod] | UnsetType | None = UNSET
    total_cost: float | UnsetType | None = UNSET
    status: SessionStatus | UnsetType = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.start_datetime, datetime):
            self.start_datetime = as_utc(self.start_datetime)
        self.end_datetime = _as_utc_if_set(self.end_datetime)
        if isinstance(self.last_updated, datetime):
            self.last_updated = as_utc(self.last_updated)


# --------------------------------------------------------------------------- pydantic model


def _rfc3339_shaped(value: object) -> bool:
    """Cheap shape check so pydantic rejects what msgspec rejects (timestamps, dates, HH:MM)."""
    return type(value) is str and len(value) >= 19 and value[10] in "Tt " and value[13] == ":" and value[16] == ":"


def _pd_datetime_shape(value: object) -> object:
    if not _rfc3339_shaped(value):
        raise ValueError("Invalid RFC3339 encoded datetime")
    return value


PdStr2 = Annotated[str, StringConstraints(max_length=2)]
PdStr3 = Annotated[str, StringConstraints(max_length=3)]
PdStr4 = Annotated[str, StringConstraints(max_length=4)]
PdStr10 = Annotated[str, StringConstraints(max_length=10)]
PdStr16 = Annotated[str, StringConstraints(max_length=16)]
PdStr36 = Annotated[str, StringConstraints(max_length=36)]
PdStr39 = Annotated[str, StringConstraints(max_length=39)]
PdStr45 = Annotated[str, StringConstraints(max_length=45)]
PdStr48 = Annotated[str, StringConstraints(max_length=48)]
PdStr64 = Annotated[str, StringConstraints(max_length=64)]
PdStr100 = Annotated[str, StringConstraints(max_length=100)]
PdStr255 = Annotated[str, StringConstraints(max_length=255)]
PdStr512 = Annotated[str, StringConstraints(max_length=512)]
PdUrl = PdStr255
PdLatitude = Annotated[str, StringConstraints(max_length=10, pattern=_LATITUDE + "$")]
PdLongitude = Annotated[str, StringConstraints(max_length=11, pattern=_LONGITUDE + "$")]
PdHourMinute = Annotated[str, StringConstraints(max_length=5, pattern=_HOUR_MINUTE + "$")]
PdWeekday = Annotated[int, Field(ge=1, le=7)]
PdInt5 = Annotated[int, Field(ge=0, le=99_999)]
# Lax only for the string → datetime step (strict mode would refuse strings from a dict); the
# before-validator keeps out what lax mode would add (numbers, dates, HH:MM). In a trial run this
# pair was a little faster than one WrapValidator doing both steps, so pydantic gets the pair.
PdDateTime = Annotated[datetime, Field(strict=False), BeforeValidator(_pd_datetime_shape), AfterValidator(as_utc)]


class PdObject(BaseModel):
    """Base of the pydantic wire objects: strict types, unknown fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class PdDisplayText(PdObject):
    language: PdStr2
    text: PdStr512


class PdImage(PdObject):
    url: PdUrl
    thumbnail: PdUrl | None = None
    category: ImageCategory
    type: PdStr4
    width: PdInt5 | None = None
    height: PdInt5 | None = None


class PdBusinessDetails(PdObject):
    name: PdStr100
    website: PdUrl | None = None
    logo: PdImage | None = None


class PdGeoLocation(PdObject):
    latitude: PdLatitude
    longitude: PdLongitude


class PdAdditionalGeoLocation(PdObject):
    latitude: PdLatitude
    longitude: PdLongitude
    name: PdDisplayText | None = None


class PdRegularHours(PdObject):
    weekday: PdWeekday
    period_begin: PdHourMinute
    period_end: PdHourMinute


class PdExceptionalPeriod(PdObject):
    period_begin: PdDateTime
    period_end: PdDateTime


class PdHours(PdObject):
    regular_hours: list[PdRegularHours] | None = None
    twentyfourseven: bool | None = None
    exceptional_openings: list[PdExceptionalPeriod] | None = None
    exceptional_closings: list[PdExceptionalPeriod] | None = None


class PdStatusSchedule(PdObject):
    period_begin: PdDateTime
    period_end: PdDateTime | None = None
    status: Status


class PdEnergySource(PdObject):
    source: EnergySourceCategory
    percentage: float


class PdEnvironmentalImpact(PdObject):
    source: EnvironmentalImpactCategory
    amount: float


class PdEnergyMix(PdObject):
    is_green_energy: bool
    energy_sources: list[PdEnergySource] | None = None
    environ_impact: list[PdEnvironmentalImpact] | None = None
    supplier_name: PdStr64 | None = None
    energy_product_name: PdStr64 | None = None


class PdConnector(PdObject):
    id: PdStr36
    standard: ConnectorType
    format: ConnectorFormat
    power_type: PowerType
    voltage: int
    amperage: int
    tariff_id: PdStr36 | None = None
    terms_and_conditions: PdUrl | None = None
    last_updated: PdDateTime


class PdEVSE(PdObject):
    uid: PdStr39
    evse_id: PdStr48 | None = None
    status: Status
    status_schedule: list[PdStatusSchedule] | None = None
    capabilities: list[Capability] | None = None
    connectors: Annotated[list[PdConnector], Field(min_length=1)]
    floor_level: PdStr4 | None = None
    coordinates: PdGeoLocation | None = None
    physical_reference: PdStr16 | None = None
    directions: list[PdDisplayText] | None = None
    parking_restrictions: list[ParkingRestriction] | None = None
    images: list[PdImage] | None = None
    last_updated: PdDateTime


class PdLocation(PdObject):
    id: PdStr39
    type: LocationType
    name: PdStr255 | None = None
    address: PdStr45
    city: PdStr45
    postal_code: PdStr10
    country: PdStr3
    coordinates: PdGeoLocation
    related_locations: list[PdAdditionalGeoLocation] | None = None
    evses: list[PdEVSE] | None = None
    directions: list[PdDisplayText] | None = None
    operator: PdBusinessDetails | None = None
    suboperator: PdBusinessDetails | None = None
    owner: PdBusinessDetails | None = None
    facilities: list[Facility] | None = None
    time_zone: PdStr255 | None = None
    opening_times: PdHours | None = None
    charging_when_closed: bool | None = True
    images: list[PdImage] | None = None
    energy_mix: PdEnergyMix | None = None
    last_updated: PdDateTime


class PdCdrDimension(PdObject):
    type: CdrDimensionType
    volume: float


class PdChargingPeriod(PdObject):
    start_date_time: PdDateTime
    dimensions: Annotated[list[PdCdrDimension], Field(min_length=1)]


class PdSession(PdObject):
    id: PdStr36
    start_datetime: PdDateTime
    end_datetime: PdDateTime | None = None
    kwh: float
    auth_id: PdStr36
    auth_method: AuthMethod
    location: PdLocation
    meter_id: PdStr255 | None = None
    currency: PdStr3
    charging_periods: list[PdChargingPeriod] | None = None
    total_cost: float | None = None
    status: SessionStatus
    last_updated: PdDateTime


class PdSessionPatch(PdObject):
    """A PATCH body: any Session fields; absent is MISSING, null only where the field is optional."""

    id: PdStr36 | MISSING = MISSING
    start_datetime: PdDateTime | MISSING = MISSING
    end_datetime: PdDateTime | MISSING | None = MISSING
    kwh: float | MISSING = MISSING
    auth_id: PdStr36 | MISSING = MISSING
    auth_method: AuthMethod | MISSING = MISSING
    location: PdLocation | MISSING = MISSING
    meter_id: PdStr255 | MISSING | None = MISSING
    currency: PdStr3 | MISSING = MISSING
    charging_periods: list[PdChargingPeriod] | MISSING | None = MISSING
    total_cost: float | MISSING | None = MISSING
    status: SessionStatus | MISSING = MISSING
    last_updated: PdDateTime | MISSING = MISSING


# --------------------------------------------------------------------------- payloads

Json = dict[str, Any]
_BASE_TIME = datetime(2015, 6, 29, 22, 39, 9, tzinfo=UTC)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def connector_payload(number: int, updated: str) -> Json:
    dc = number == 2
    return {
        "id": str(number),
        "standard": "IEC_62196_T2_COMBO" if dc else "IEC_62196_T2",
        "format": "CABLE" if dc else "SOCKET",
        "power_type": "DC" if dc else "AC_3_PHASE",
        "voltage": 500 if dc else 230,
        "amperage": 125 if dc else 32,
        "tariff_id": f"TARIFF-{number}",
        "terms_and_conditions": "https://cpo.example.com/terms",
        "last_updated": updated,
    }


def location_payload(index: int, updated: str) -> Json:
    """The example's location with its defects fixed (alpha-3 country, latitude/longitude unswapped)."""
    coordinates = {"latitude": "51.047599", "longitude": "3.729944"}
    evse = {
        "uid": f"3256-{index}",
        "evse_id": f"BE*BEC*E041503{index:03d}",
        "status": "CHARGING",
        "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE"],
        "connectors": [connector_payload(1, updated), connector_payload(2, updated)],
        "floor_level": "-1",
        "coordinates": coordinates,
        "physical_reference": "1",
        "parking_restrictions": ["EV_ONLY"],
        "last_updated": updated,
    }
    return {
        "id": f"LOC{index}",
        "type": "ON_STREET",
        "name": "Gent Zuid",
        "address": "F.Rooseveltlaan 3A",
        "city": "Gent",
        "postal_code": "9000",
        "country": "BEL",
        "coordinates": coordinates,
        "evses": [evse],
        "operator": {"name": "BeCharged", "website": "https://www.becharged.be"},
        "facilities": ["TRAIN_STATION", "CAFE"],
        "time_zone": "Europe/Brussels",
        "opening_times": {"twentyfourseven": True},
        "charging_when_closed": True,
        "last_updated": updated,
    }


def charging_period_payload(start: datetime, period: int) -> Json:
    return {
        "start_date_time": _stamp(start),
        "dimensions": [
            {"type": "ENERGY", "volume": round(1.5 + period * 0.25, 3)},
            {"type": "TIME", "volume": 0.1},
            {"type": "MAX_CURRENT", "volume": 30 + period},
        ],
    }


def session_payload(index: int) -> Json:
    """A finished Session: 1 EVSE with 2 connectors, 10 charging periods of 3 dimensions each."""
    start = _BASE_TIME + timedelta(minutes=index)
    updated = _stamp(start + timedelta(hours=1, minutes=5))
    periods = [charging_period_payload(start + timedelta(minutes=6 * p), p) for p in range(10)]
    return {
        "id": f"SESSION-{index:06d}",
        "start_datetime": _stamp(start),
        "end_datetime": _stamp(start + timedelta(hours=1)),
        "kwh": round(41.0 + index / 100, 2),
        "auth_id": f"DE8ACC12E46L{index:04d}",
        "auth_method": "WHITELIST",
        "location": location_payload(index, updated),
        "meter_id": f"METER-{index % 7}",
        "currency": "EUR",
        "charging_periods": periods,
        "total_cost": round(8.5 + index / 10, 2),
        "status": "COMPLETED",
        "last_updated": updated,
    }


def patch_payload(index: int) -> Json:
    """A PATCH body of three fields, as a CPO sends during a session."""
    return {
        "kwh": round(index / 10, 1),
        "last_updated": _stamp(_BASE_TIME + timedelta(seconds=30 * index)),
        "status": "ACTIVE",
    }


def example_payload(*, fixed: bool) -> Json:
    """The spec's finished-session example; ``fixed`` repairs its country and swapped coordinates."""
    payload: Json = json.loads(EXAMPLE.read_text())
    if fixed:
        location = payload["location"]
        location["country"] = "BEL"
        coordinates = location["coordinates"]
        coordinates["latitude"], coordinates["longitude"] = coordinates["longitude"], coordinates["latitude"]
    return payload


def encode(payload: Json) -> bytes:
    return msgspec.json.encode(payload)


# --------------------------------------------------------------------------- agreement probes

ItemPath = tuple[str | int, ...]
_DELETE = object()


@dataclass(frozen=True)
class Probe:
    label: str
    kind: Literal["session", "patch"]
    payload: Json
    error_path: str | None = None  # None: must be accepted; else: must be rejected naming this path


def format_path(path: ItemPath) -> str:
    """``("location", "evses", 0, "standard")`` → ``location.evses[0].standard``."""
    text = "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path)
    return text.removeprefix(".")


def mutated(payload: Json, path: ItemPath, value: object = _DELETE) -> Json:
    """A deep copy of ``payload`` with the item at ``path`` replaced (or deleted)."""
    result = copy.deepcopy(payload)
    parent: Any = result
    for part in path[:-1]:
        parent = parent[part]
    if value is _DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


def _invalid(label: str, base: Json, path: ItemPath, value: object = _DELETE) -> Probe:
    kind: Literal["session", "patch"] = "session" if "location" in base else "patch"
    return Probe(label, kind, mutated(base, path, value), format_path(path))


def _valid(label: str, base: Json, path: ItemPath, value: object) -> Probe:
    kind: Literal["session", "patch"] = "session" if "location" in base else "patch"
    return Probe(label, kind, mutated(base, path, value))


def probes() -> list[Probe]:
    session = session_payload(0)
    patch = patch_payload(1)
    connector = ("location", "evses", 0, "connectors", 1)
    return [
        Probe("spec example, country/coordinates fixed", "session", example_payload(fixed=True)),
        Probe("spec example as published (defects are not type errors)", "session", example_payload(fixed=False)),
        Probe("benchmark Session (1 EVSE, 2 connectors, 10×3 periods)", "session", session),
        _valid("DateTime without Z (= UTC)", session, ("start_datetime",), "2015-06-29T22:39:09"),
        _valid("DateTime with offset and fraction", session, ("last_updated",), "2015-06-30T01:44:09.123+02:00"),
        _valid("DateTime lower-case t/z with fraction", session, ("end_datetime",), "2015-06-29t23:39:09.5z"),
        _valid("unknown 2.2.1 field (ignored)", session, ("authorization_reference",), "AUTH-REF-1"),
        _valid("unknown nested field (ignored)", session, (*connector, "tariff_ids"), ["11", "12"]),
        _valid("null for an optional list", session, ("charging_periods",), None),
        _valid("integer for a number", session, ("kwh",), 41),
        _invalid("bad enum (case differs)", session, (*connector, "standard"), "IEC_62196_T2_combo"),
        _invalid("bad enum (unknown value)", session, ("status",), "FINISHED"),
        _invalid("string too long (string(36))", session, ("auth_id",), "X" * 37),
        _invalid("string too long (string(48), nested)", session, ("location", "evses", 0, "evse_id"), "E" * 49),
        _invalid("missing required field", session, ("charging_periods", 4, "start_date_time")),
        _invalid("missing required field (nested)", session, ("location", "coordinates", "latitude")),
        _invalid("null for a required field", session, ("currency",), None),
        _invalid("empty `+` list", session, ("charging_periods", 2, "dimensions"), []),
        _invalid("latitude with 5 decimals", session, ("location", "coordinates", "latitude"), "51.04759"),
        _invalid("latitude with trailing newline", session, ("location", "coordinates", "latitude"), "51.047599\n"),
        _invalid("number as string (OCPI 2.0 habit)", session, ("kwh",), "41.00"),
        _invalid("float for an int", session, (*connector, "voltage"), 230.5),
        _invalid("DateTime as Unix timestamp", session, ("last_updated",), 1435617549),
        _invalid("DateTime as numeric string", session, ("last_updated",), "1435617549"),
        _invalid("DateTime date only", session, ("start_datetime",), "2015-06-29"),
        _invalid("DateTime without seconds", session, ("start_datetime",), "2015-06-29T22:39Z"),
        _invalid("DateTime hour 24", session, ("start_datetime",), "2015-06-29T24:00:00Z"),
        Probe("PATCH kwh/last_updated/status", "patch", patch),
        _valid("PATCH DateTime with offset", patch, ("last_updated",), "2015-06-30T01:00:00+02:00"),
        _valid("PATCH null clears an optional field", patch, ("total_cost",), None),
        _invalid("PATCH bad enum", patch, ("status",), "DONE"),
        _invalid("PATCH null for a required field", patch, ("kwh",), None),
        _invalid("PATCH bad DateTime", patch, ("last_updated",), "yesterday"),
    ]


@dataclass(frozen=True)
class Outcome:
    accepted: bool
    path: str  # error path, "" when accepted
    message: str  # the library's error message, "" when accepted
    value: Any = None  # the validated object, when accepted


_MSGSPEC_AT = re.compile(r" - at `\$(?P<path>[^`]*)`$")
_MSGSPEC_MISSING = re.compile(r"^Object missing required field `(?P<field>[^`]+)`")


def msgspec_error_path(error: msgspec.ValidationError) -> str:
    """The path in msgspec's message, with the field of a "missing required field" appended."""
    message = str(error)
    at = _MSGSPEC_AT.search(message)
    path = at["path"] if at else ""
    missing = _MSGSPEC_MISSING.match(message)
    if missing:
        path += "." + missing["field"]
    return path.removeprefix(".")


def pydantic_error_path(error: ValidationError) -> str:
    return format_path(tuple(error.errors()[0]["loc"]))


def run_msgspec(kind: str, payload: Json, *, from_json: bool) -> Outcome:
    model: type[MsObject] = MsSession if kind == "session" else MsSessionPatch
    try:
        value = msgspec.json.decode(encode(payload), type=model) if from_json else msgspec.convert(payload, model)
    except msgspec.ValidationError as error:
        return Outcome(False, msgspec_error_path(error), str(error))
    return Outcome(True, "", "", value)


def run_pydantic(kind: str, payload: Json, *, from_json: bool) -> Outcome:
    model: type[PdObject] = PdSession if kind == "session" else PdSessionPatch
    try:
        value = model.model_validate_json(encode(payload)) if from_json else model.model_validate(payload)
    except ValidationError as error:
        return Outcome(False, pydantic_error_path(error), str(error))
    return Outcome(True, "", "", value)


def _datetimes(value: Any) -> Iterator[datetime]:
    if isinstance(value, datetime):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _datetimes(item)
    elif isinstance(value, list):
        for item in value:
            yield from _datetimes(item)


def _same_result(ms: Outcome, pd: Outcome) -> bool:
    """Accepted by both with equal content, every DateTime aware and in UTC."""
    ms_data = msgspec.to_builtins(ms.value, builtin_types=(datetime,))
    pd_data = pd.value.model_dump()
    moments = [*_datetimes(ms_data), *_datetimes(pd_data)]
    utc = all(moment.utcoffset() == timedelta(0) for moment in moments)
    return utc and ms_data == pd_data


def check_probe(probe: Probe) -> tuple[str, str, bool]:
    """Both libraries on both paths (JSON bytes, dict); returns (msgspec cell, pydantic cell, agreed)."""
    outcomes = [
        runner(probe.kind, probe.payload, from_json=from_json)
        for runner in (run_msgspec, run_pydantic)
        for from_json in (True, False)
    ]
    expected_accept = probe.error_path is None
    agreed = all(o.accepted == expected_accept and o.path == (probe.error_path or "") for o in outcomes)
    if agreed and expected_accept:
        agreed = _same_result(outcomes[0], outcomes[2]) and _same_result(outcomes[1], outcomes[3])
    return _cell(outcomes[0], outcomes[1]), _cell(outcomes[2], outcomes[3]), agreed


def _cell(from_json: Outcome, from_dict: Outcome) -> str:
    cells = {"accepted" if o.accepted else f"rejected at `{o.path}`" for o in (from_json, from_dict)}
    return " / ".join(sorted(cells))


def print_agreement(checks: Sequence[Probe]) -> bool:
    print("Agreement (each cell covers the JSON-bytes and the dict path):\n")
    print("| Probe | Expected | msgspec | pydantic | Same |")
    print("|---|---|---|---|---|")
    all_agreed = True
    for probe in checks:
        ms_cell, pd_cell, agreed = check_probe(probe)
        all_agreed &= agreed
        expected = "accept" if probe.error_path is None else f"reject at `{probe.error_path}`"
        print(f"| {probe.label} | {expected} | {ms_cell} | {pd_cell} | {'yes' if agreed else '**NO**'} |")
    print()
    return all_agreed


def print_error_messages() -> None:
    payload = mutated(session_payload(0), ("location", "evses", 0, "connectors", 1, "standard"), "IEC_62196_T2_combo")
    print("Error messages for a bad connector standard (JSON bytes path):\n")
    print("msgspec:")
    print(_indent(run_msgspec("session", payload, from_json=True).message))
    print("pydantic:")
    print(_indent(run_pydantic("session", payload, from_json=True).message))
    print()


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())


# --------------------------------------------------------------------------- measurement

Operation = Callable[[], object]


@dataclass(frozen=True)
class Case:
    name: str
    library: str
    operation: Operation


@dataclass(frozen=True)
class Measurement:
    case: Case
    best_per_second: float
    median_per_second: float
    peak_mib_per_10k: float


def cycling(function: Callable[[Any], object], inputs: Sequence[Any]) -> Operation:
    """An operation applying ``function`` to the next input of an endless cycle (same overhead for all)."""
    next_input = itertools.cycle(inputs).__next__
    return lambda: function(next_input())


def cases() -> list[Case]:
    sessions = [session_payload(i) for i in range(POOL_SIZE)]
    patches = [patch_payload(i) for i in range(POOL_SIZE)]
    session_bytes = [encode(p) for p in sessions]
    patch_bytes = [encode(p) for p in patches]
    ms_session = functools.partial(msgspec.json.decode, type=MsSession)
    ms_patch = functools.partial(msgspec.json.decode, type=MsSessionPatch)
    ms_session_dict = functools.partial(msgspec.convert, type=MsSession)
    ms_patch_dict = functools.partial(msgspec.convert, type=MsSessionPatch)
    return [
        Case("Session, JSON bytes", "msgspec", cycling(ms_session, session_bytes)),
        Case("Session, JSON bytes", "pydantic", cycling(PdSession.model_validate_json, session_bytes)),
        Case("Session, JSON bytes → dict only", "msgspec untyped", cycling(msgspec.json.decode, session_bytes)),
        Case("Session, dict", "msgspec", cycling(ms_session_dict, sessions)),
        Case("Session, dict", "pydantic", cycling(PdSession.model_validate, sessions)),
        Case("PATCH 3 fields, JSON bytes", "msgspec", cycling(ms_patch, patch_bytes)),
        Case("PATCH 3 fields, JSON bytes", "pydantic", cycling(PdSessionPatch.model_validate_json, patch_bytes)),
        Case("PATCH 3 fields, dict", "msgspec", cycling(ms_patch_dict, patches)),
        Case("PATCH 3 fields, dict", "pydantic", cycling(PdSessionPatch.model_validate, patches)),
    ]


def calibrate(timer: timeit.Timer, seconds: float = RUN_SECONDS) -> int:
    """The smallest power-of-two loop count whose run takes at least ``seconds``."""
    number = 1
    while timer.timeit(number) < seconds:
        number *= 2
    return number


def time_interleaved(operations: Sequence[Operation]) -> list[list[float]]:
    """Operations per second, REPEATS samples per operation, taken round-robin so that load from
    other processes during the run hits every case alike. Garbage collector on, as in a server."""
    timers = [timeit.Timer(operation, setup=gc.enable) for operation in operations]
    numbers = [calibrate(timer) for timer in timers]
    samples: list[list[float]] = [[] for _ in operations]
    for _ in range(REPEATS):
        for timer, number, sample in zip(timers, numbers, samples, strict=True):
            sample.append(number / timer.timeit(number))
    return samples


def peak_mib(operation: Operation, count: int = MEMORY_OBJECTS) -> float:
    """Peak traced Python-heap MiB while ``count`` validated objects are alive (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        kept = [operation() for _ in range(count)]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    del kept
    return peak / 2**20


def measure(all_cases: Sequence[Case]) -> list[Measurement]:
    samples = time_interleaved([case.operation for case in all_cases])
    return [
        Measurement(case, max(rates), statistics.median(rates), peak_mib(case.operation))
        for case, rates in zip(all_cases, samples, strict=True)
    ]


@contextmanager
def one_core() -> Iterator[str]:
    """Pin this process to one CPU for the measurement (Linux); yields a description."""
    if not hasattr(os, "sched_setaffinity"):
        yield "not pinned (no sched_setaffinity on this platform)"
        return
    before = os.sched_getaffinity(0)
    cpu = min(before)
    os.sched_setaffinity(0, {cpu})
    try:
        yield f"pinned to CPU {cpu}"
    finally:
        os.sched_setaffinity(0, before)


# --------------------------------------------------------------------------- report


def print_table(results: Sequence[Measurement]) -> None:
    pydantic_best = {m.case.name: m.best_per_second for m in results if m.case.library == "pydantic"}
    print("| Case | Library | Best obj/s | Median obj/s | µs/obj (median) | Peak MiB per 10k | vs pydantic (best) |")
    print("|---|---|--:|--:|--:|--:|--:|")
    for m in results:
        baseline = pydantic_best.get(m.case.name)
        ratio = f"{m.best_per_second / baseline:.1f}×" if baseline else "—"
        print(
            f"| {m.case.name} | {m.case.library} | {m.best_per_second:,.0f} | {m.median_per_second:,.0f} "
            f"| {1e6 / m.median_per_second:.2f} | {m.peak_mib_per_10k:.1f} | {ratio} |"
        )
    print()


def print_verdict(results: Sequence[Measurement]) -> None:
    full = [m for m in results if m.case.name == "Session, JSON bytes" and m.case.library in ("msgspec", "pydantic")]
    verdicts = [
        f"{m.case.library} {m.best_per_second:,.0f} ({'meets' if m.best_per_second >= TARGET_PER_SECOND else 'misses'})"
        for m in full
    ]
    target = f"Target ≥ {TARGET_PER_SECOND:,} full Session objects/s on one core (JSON bytes, best)"
    print(f"{target}: {'; '.join(verdicts)}")


def load_average() -> str:
    try:
        return "load average " + " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "load average unknown"


def cpu_times() -> tuple[int, int]:
    """(steal, total) jiffies of all CPUs from /proc/stat; (0, 0) where there is none."""
    try:
        fields = [int(field) for field in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    except (OSError, ValueError):
        return 0, 0
    return fields[7], sum(fields)


def steal_share(before: tuple[int, int], after: tuple[int, int]) -> str:
    """CPU time the hypervisor gave to other guests while we ran: it makes medians noisy."""
    total = after[1] - before[1]
    return f"{100 * (after[0] - before[0]) / total:.0f} %" if total else "unknown"


def print_header(pinning: str) -> None:
    session_size = len(encode(session_payload(0)))
    patch_size = len(encode(patch_payload(0)))
    print("## wire_formats — OCPI 2.1.1 Session validation, msgspec vs pydantic\n")
    print(
        f"msgspec {version('msgspec')}, pydantic {version('pydantic')} (pydantic-core {version('pydantic-core')}); "
        f"{pinning}; {load_average()} at start. Session JSON {session_size:,} bytes, PATCH JSON {patch_size} "
        f"bytes; {POOL_SIZE} distinct payloads cycled. Best and median of {REPEATS} runs of ≥ {RUN_SECONDS} s "
        "per case, cases interleaved, gc enabled; peak memory by tracemalloc.\n"
    )


def run() -> None:
    with one_core() as pinning:
        print_header(pinning)
        if not print_agreement(probes()):
            raise SystemExit("wire_formats: the two models disagree (see the table); not timing different schemas")
        print_error_messages()
        before = cpu_times()
        results = measure(cases())
        after = cpu_times()
    print_table(results)
    print_verdict(results)
    print(f"({load_average()} at end; CPU steal during the measurement {steal_share(before, after)})")


if __name__ == "__main__":
    run()
