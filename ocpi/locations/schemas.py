"""OCPI 2.1.1 Locations module wire objects (reference §5.2): Location, EVSE, Connector, and
the PATCH bodies of each level (every field optional; absent is ``UNSET``, ``null`` clears an
optional field and is refused for a required one).

Beyond the spec's maxima: ids are at least one character (they are URL segments), ``country``
is exactly three (ISO 3166-1 alpha-3), percentages are 0–100, and ids repeated inside one list
(EVSE uids of a Location, connector ids of an EVSE) are refused, since they address the objects.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from msgspec import UNSET, Meta, UnsetType

from ocpi.core.wire_types import (
    BusinessDetails,
    DisplayText,
    EnergyMix,
    Image,
    String4,
    String10,
    String16,
    String36,
    String45,
    String48,
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

_LATITUDE = r"^-?[0-9]{1,2}\.[0-9]{6}"
_LONGITUDE = r"^-?[0-9]{1,3}\.[0-9]{6}"
_HOUR_MINUTE = r"^([0-1][0-9]|2[0-3]):[0-5][0-9]"
Latitude = Annotated[str, Meta(max_length=10, pattern=_LATITUDE + r"\Z")]
Longitude = Annotated[str, Meta(max_length=11, pattern=_LONGITUDE + r"\Z")]
HourMinute = Annotated[str, Meta(max_length=5, pattern=_HOUR_MINUTE + r"\Z")]
Weekday = Annotated[int, Meta(ge=1, le=7)]
LocationId = Annotated[str, Meta(min_length=1, max_length=39)]
EvseUid = Annotated[str, Meta(min_length=1, max_length=39)]
ConnectorId = Annotated[str, Meta(min_length=1, max_length=36)]
CountryAlpha3 = Annotated[str, Meta(min_length=3, max_length=3)]


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

    def __post_init__(self) -> None:
        # Reference §5.2: a choice of regular_hours or twentyfourseven (true); the spec's own
        # example adds "twentyfourseven": false beside regular_hours, which is accepted.
        if self.twentyfourseven and self.regular_hours:
            raise ValueError("give regular_hours or twentyfourseven true, not both")
        if not self.twentyfourseven and not self.regular_hours:
            raise ValueError("give regular_hours or twentyfourseven true")


class StatusSchedule(WireObject, kw_only=True):
    period_begin: datetime
    period_end: datetime | None = None
    status: Status

    def __post_init__(self) -> None:
        self.period_begin = as_utc(self.period_begin)
        self.period_end = as_utc(self.period_end) if self.period_end is not None else None


class Connector(WireObject, kw_only=True):
    id: ConnectorId
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
    uid: EvseUid
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
        _refuse_repeated("connectors", "id", [connector.id for connector in self.connectors])


class Location(WireObject, kw_only=True):
    id: LocationId
    type: LocationType
    name: String255 | None = None
    address: String45
    city: String45
    postal_code: String10
    country: CountryAlpha3
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
        if self.evses:
            _refuse_repeated("evses", "uid", [evse.uid for evse in self.evses])


class ConnectorPatch(WireObject, kw_only=True):
    id: ConnectorId | UnsetType = UNSET
    standard: ConnectorType | UnsetType = UNSET
    format: ConnectorFormat | UnsetType = UNSET
    power_type: PowerType | UnsetType = UNSET
    voltage: int | UnsetType = UNSET
    amperage: int | UnsetType = UNSET
    tariff_id: String36 | UnsetType | None = UNSET
    terms_and_conditions: Url | UnsetType | None = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.last_updated is not UNSET:
            self.last_updated = as_utc(self.last_updated)


class EvsePatch(WireObject, kw_only=True):
    uid: EvseUid | UnsetType = UNSET
    evse_id: String48 | UnsetType | None = UNSET
    status: Status | UnsetType = UNSET
    status_schedule: list[StatusSchedule] | UnsetType | None = UNSET
    capabilities: list[Capability] | UnsetType | None = UNSET
    connectors: Annotated[list[Connector], Meta(min_length=1)] | UnsetType = UNSET
    floor_level: String4 | UnsetType | None = UNSET
    coordinates: GeoLocation | UnsetType | None = UNSET
    physical_reference: String16 | UnsetType | None = UNSET
    directions: list[DisplayText] | UnsetType | None = UNSET
    parking_restrictions: list[ParkingRestriction] | UnsetType | None = UNSET
    images: list[Image] | UnsetType | None = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.last_updated is not UNSET:
            self.last_updated = as_utc(self.last_updated)
        if self.connectors is not UNSET:
            _refuse_repeated("connectors", "id", [connector.id for connector in self.connectors])


class LocationPatch(WireObject, kw_only=True):
    id: LocationId | UnsetType = UNSET
    type: LocationType | UnsetType = UNSET
    name: String255 | UnsetType | None = UNSET
    address: String45 | UnsetType = UNSET
    city: String45 | UnsetType = UNSET
    postal_code: String10 | UnsetType = UNSET
    country: CountryAlpha3 | UnsetType = UNSET
    coordinates: GeoLocation | UnsetType = UNSET
    related_locations: list[AdditionalGeoLocation] | UnsetType | None = UNSET
    evses: list[EVSE] | UnsetType | None = UNSET  # replaces the list (2.1.1 is silent; 2.2.1 rule)
    directions: list[DisplayText] | UnsetType | None = UNSET
    operator: BusinessDetails | UnsetType | None = UNSET
    suboperator: BusinessDetails | UnsetType | None = UNSET
    owner: BusinessDetails | UnsetType | None = UNSET
    facilities: list[Facility] | UnsetType | None = UNSET
    time_zone: String255 | UnsetType | None = UNSET
    opening_times: Hours | UnsetType | None = UNSET
    charging_when_closed: bool | UnsetType | None = UNSET
    images: list[Image] | UnsetType | None = UNSET
    energy_mix: EnergyMix | UnsetType | None = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if self.last_updated is not UNSET:
            self.last_updated = as_utc(self.last_updated)
        if self.evses:
            _refuse_repeated("evses", "uid", [evse.uid for evse in self.evses])


def _refuse_repeated(field: str, key: str, ids: list[str]) -> None:
    # msgspec turns this ValueError into a ValidationError naming the object's path.
    if len(set(ids)) != len(ids):
        repeated = sorted({one for one in ids if ids.count(one) > 1})
        raise ValueError(f"{field}: {key} repeated: {', '.join(repeated)}")
