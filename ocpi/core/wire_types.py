"""OCPI 2.1.1 primitive and shared wire types for msgspec structs (reference §1.8, §5.1).

Module rooms build their objects from these. Unknown fields are ignored (a newer peer may send
more); lengths are the spec's maxima; DateTimes become aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

String2 = Annotated[str, Meta(max_length=2)]
String3 = Annotated[str, Meta(max_length=3)]
String4 = Annotated[str, Meta(max_length=4)]
String10 = Annotated[str, Meta(max_length=10)]
String15 = Annotated[str, Meta(max_length=15)]
String16 = Annotated[str, Meta(max_length=16)]
String20 = Annotated[str, Meta(max_length=20)]
String32 = Annotated[str, Meta(max_length=32)]
String36 = Annotated[str, Meta(max_length=36)]
String39 = Annotated[str, Meta(max_length=39)]
String45 = Annotated[str, Meta(max_length=45)]
String48 = Annotated[str, Meta(max_length=48)]
String64 = Annotated[str, Meta(max_length=64)]
String100 = Annotated[str, Meta(max_length=100)]
String255 = Annotated[str, Meta(max_length=255)]
String512 = Annotated[str, Meta(max_length=512)]
Url = String255
CountryCode = Annotated[str, Meta(min_length=2, max_length=2)]
PartyId = Annotated[str, Meta(min_length=3, max_length=3)]
Currency = Annotated[str, Meta(min_length=3, max_length=3)]
Int5 = Annotated[int, Meta(ge=0, le=99_999)]
ImageCategory = Literal["CHARGER", "ENTRANCE", "LOCATION", "NETWORK", "OPERATOR", "OTHER", "OWNER"]
EnergySourceCategory = Literal["NUCLEAR", "GENERAL_FOSSIL", "COAL", "GAS", "GENERAL_GREEN", "SOLAR", "WIND", "WATER"]
EnvironmentalImpactCategory = Literal["NUCLEAR_WASTE", "CARBON_DIOXIDE"]
Percentage = Annotated[float, Meta(ge=0, le=100)]


def as_utc(moment: datetime) -> datetime:
    """An aware UTC datetime: naive means UTC (reference §1.8), an offset is converted."""
    if moment.tzinfo is UTC:
        return moment
    if moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


class WireObject(msgspec.Struct, forbid_unknown_fields=False, omit_defaults=True):
    """Base of OCPI wire objects. Subclasses set ``kw_only=True`` themselves (msgspec does not
    inherit it) so required fields may follow optional ones in the spec's order."""


class DisplayText(WireObject, kw_only=True):
    language: String2
    text: String512


class Image(WireObject, kw_only=True):
    url: Url
    thumbnail: Url | None = None
    category: ImageCategory
    type: String4
    width: Int5 | None = None
    height: Int5 | None = None


class BusinessDetails(WireObject, kw_only=True):
    name: Annotated[str, Meta(min_length=1, max_length=100)]
    website: Url | None = None
    logo: Image | None = None


# EnergyMix (reference §5.2.4) belongs to both Locations and Tariffs.


class EnergySource(WireObject, kw_only=True):
    source: EnergySourceCategory
    percentage: Percentage


class EnvironmentalImpact(WireObject, kw_only=True):
    source: EnvironmentalImpactCategory
    amount: float


class EnergyMix(WireObject, kw_only=True):
    is_green_energy: bool
    energy_sources: list[EnergySource] | None = None
    environ_impact: list[EnvironmentalImpact] | None = None
    supplier_name: String64 | None = None
    energy_product_name: String64 | None = None
