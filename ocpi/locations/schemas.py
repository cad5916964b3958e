"""OCPI 2.1.1 Locations module wire objects (reference §5.2): Location, EVSE, Connector."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from msgspec import Meta

from ocpi.core.wire_types import (
    BusinessDetails,
    DisplayText,
    Image,
    String3,
    String4,
    String10,
    String16,
    String36,
    String39,
    String45,
    String48,
    String64,
    String255,
    Url,
    WireObject,
    as_utc,
)

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

_LATITUDE = r"^-?[0-9]{1,2}\.[0-9]{6}"
_LONGITUDE = r"^-?[0-9]{1,3}\.[0-9]{6}"
_HOUR_MINUTE = r"^([0-1][0-9]|2[0-3]):[0-5][0-9]"
Latitude = Annotated[str, Meta(max_length=10, pattern=_LATITUDE + r"\Z")]
Longitude = Annotated[str, Meta(max_length=11, pattern=_LONGITUDE + r"\Z")]
HourMinute = Annotated[str, Meta(max_length=5, pattern=_HOUR_MINUTE + r"\Z")]
Weekday = Annotated[int, Meta(ge=1, le=7)]


class GeoLocation(WireObject, kw_only=True):
    latitude: Latitude
    longitude: Longitude


class AdditionalGeoLocation(WireObject, kw_only=True):
    latitude: Latitude
    longitude: Longitude
    name: DisplayText | None = None


class RegularHours(WireObject, kw_only=True):
    weekday: Weekday
    period_begin: HourMinute
    period_end: HourMinute


class ExceptionalPeriod(WireObject, kw_only=True):
    period_begin: datetime
    period_end: datetime

    def __post_init__(self) -> None:
        self.period_begin = as_utc(self.period_begin)
        self.period_end = as_utc(self.period_end)


class Hours(WireObject, kw_only=True):
    regular_hours: list[RegularHours] | None = None
    twentyfourseven: bool | None = None
    exceptional_openings: list[ExceptionalPeriod] | None = None
    exceptional_closings: list[ExceptionalPeriod] | None = None


class StatusSchedule(WireObject, kw_only=True):
    period_begin: datetime
    period_end: datetime | None = None
    status: Status

    def __post_init__(self) -> None:
        self.period_begin = as_utc(self.period_begin)
        self.period_end = as_utc(self.period_end) if self.period_end is not None else None


class EnergySource(WireObject, kw_only=True):
    source: EnergySourceCategory
    percentage: float


class EnvironmentalImpact(WireObject, kw_only=True):
    source: EnvironmentalImpactCategory
    amount: float


class EnergyMix(WireObject, kw_only=True):
    is_green_energy: bool
    energy_sources: list[EnergySource] | None = None
    environ_impact: list[EnvironmentalImpact] | None = None
    supplier_name: String64 | None = None
    energy_product_name: String64 | None = None


class Connector(WireObject, kw_only=True):
    id: String36
    standard: ConnectorType
    format: ConnectorFormat
    power_type: PowerType
    voltage: int
    amperage: int
    tariff_id: String36 | None = None
    terms_and_conditions: Url | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)


class EVSE(WireObject, kw_only=True):
    uid: String39
    evse_id: String48 | None = None
    status: Status
    status_schedule: list[StatusSchedule] | None = None
    capabilities: list[Capability] | None = None
    connectors: Annotated[list[Connector], Meta(min_length=1)]
    floor_level: String4 | None = None
    coordinates: GeoLocation | None = None
    physical_reference: String16 | None = None
    directions: list[DisplayText] | None = None
    parking_restrictions: list[ParkingRestriction] | None = None
    images: list[Image] | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)


class Location(WireObject, kw_only=True):
    id: String39
    type: LocationType
    name: String255 | None = None
    address: String45
    city: String45
    postal_code: String10
    country: String3
    coordinates: GeoLocation
    related_locations: list[AdditionalGeoLocation] | None = None
    evses: list[EVSE] | None = None
    directions: list[DisplayText] | None = None
    operator: BusinessDetails | None = None
    suboperator: BusinessDetails | None = None
    owner: BusinessDetails | None = None
    facilities: list[Facility] | None = None
    time_zone: String255 | None = None
    opening_times: Hours | None = None
    charging_when_closed: bool | None = None  # absent means true (spec default); kept as sent
    images: list[Image] | None = None
    energy_mix: EnergyMix | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        if self.last_updated.tzinfo is not UTC:  # fast path: "Z" already decodes to UTC
            self.last_updated = as_utc(self.last_updated)
