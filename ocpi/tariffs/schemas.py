"""OCPI 2.1.1 Tariffs module wire objects (reference §5.5): Tariff, TariffElement,
PriceComponent, TariffRestrictions, and the PATCH body ``TariffPatch`` (every field optional;
absent is ``UNSET``, ``null`` clears an optional field and is refused for a required one).

Beyond the spec: the tariff id is at least one character (it is a URL segment); prices,
``step_size``, energies, powers and durations are not negative (as ChargeMap's schema, which
what we serve must pass); restriction dates must be real calendar dates.
``EnergyMix`` is shared with the Locations module (ocpi.core.wire_types).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from ocpi.core.types import format_datetime
from ocpi.core.wire_types import Currency, DisplayText, EnergyMix, Url, WireObject, as_utc

__all__ = [
    "DayOfWeek",
    "EnergyMix",
    "PriceComponent",
    "Tariff",
    "TariffDimensionType",
    "TariffElement",
    "TariffPatch",
    "TariffRestrictions",
    "as_json",
]

TariffDimensionType = Literal["ENERGY", "FLAT", "PARKING_TIME", "TIME"]
DayOfWeek = Literal["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"]

TariffId = Annotated[str, Meta(min_length=1, max_length=36)]
Time = Annotated[str, Meta(max_length=5, pattern=r"^([0-1][0-9]|2[0-3]):[0-5][0-9]$")]
Date = Annotated[str, Meta(max_length=10, pattern=r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")]
Seconds = Annotated[int, Meta(ge=0)]
Amount = Annotated[float, Meta(ge=0)]


def _utc(moment: datetime) -> datetime:
    return moment if moment.tzinfo is UTC else as_utc(moment)


class PriceComponent(WireObject, kw_only=True):
    type: TariffDimensionType
    price: Amount  # per unit, excluding VAT; a JSON number (§1.8: 2.1.1 has no decimal strings)
    step_size: Seconds  # billing block in the dimension's step unit (Wh, s, or 1 for FLAT)


class TariffRestrictions(WireObject, kw_only=True):
    start_time: Time | None = None
    end_time: Time | None = None
    start_date: Date | None = None
    end_date: Date | None = None  # exclusive
    min_kwh: Amount | None = None
    max_kwh: Amount | None = None
    min_power: Amount | None = None
    max_power: Amount | None = None
    min_duration: Seconds | None = None
    max_duration: Seconds | None = None
    day_of_week: list[DayOfWeek] | None = None

    def __post_init__(self) -> None:
        # The pattern lets 2015-02-30 through; msgspec reports this ValueError with its path.
        for value in (self.start_date, self.end_date):
            if value is not None:
                date.fromisoformat(value)


class TariffElement(WireObject, kw_only=True):
    price_components: Annotated[list[PriceComponent], Meta(min_length=1)]
    restrictions: TariffRestrictions | None = None


class Tariff(WireObject, kw_only=True):
    id: TariffId
    currency: Currency
    tariff_alt_text: list[DisplayText] | None = None
    tariff_alt_url: Url | None = None
    elements: Annotated[list[TariffElement], Meta(min_length=1)]
    energy_mix: EnergyMix | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        self.last_updated = _utc(self.last_updated)


class TariffPatch(WireObject, kw_only=True):
    """A PATCH body: absent fields are UNSET; ``elements`` given replace the stored list."""

    id: TariffId | UnsetType = UNSET
    currency: Currency | UnsetType = UNSET
    tariff_alt_text: list[DisplayText] | UnsetType | None = UNSET
    tariff_alt_url: Url | UnsetType | None = UNSET
    elements: Annotated[list[TariffElement], Meta(min_length=1)] | UnsetType = UNSET
    energy_mix: EnergyMix | UnsetType | None = UNSET
    last_updated: datetime | UnsetType = UNSET

    def __post_init__(self) -> None:
        if isinstance(self.last_updated, datetime):
            self.last_updated = _utc(self.last_updated)

    def has_changes(self) -> bool:
        """Whether the body names any field besides ``id`` (an empty body reaches us as ``{}``)."""
        return any(getattr(self, field) is not UNSET for field in self.__struct_fields__ if field != "id")


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
