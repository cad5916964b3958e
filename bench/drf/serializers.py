"""OCPI 2.1.1 Session (reference §5.3) with its Location (§5.2) as nested DRF serializers,
checking what ``ocpi.sessions.schemas`` checks: types, required fields, lengths, enums, lists."""

from __future__ import annotations

from typing import Any, get_args

from rest_framework import serializers

from ocpi.core import wire_types
from ocpi.locations import schemas as locations
from ocpi.sessions import schemas as sessions


def _choice(literal: Any, **kwargs: Any) -> serializers.ChoiceField:
    return serializers.ChoiceField(choices=get_args(literal), **kwargs)


def _text(max_length: int, **kwargs: Any) -> serializers.CharField:
    return serializers.CharField(max_length=max_length, allow_blank=True, trim_whitespace=False, **kwargs)


_OPTIONAL: dict[str, Any] = {"required": False, "allow_null": True}


class DisplayText(serializers.Serializer):
    language = _text(2)
    text = _text(512)


class Image(serializers.Serializer):
    url = _text(255)
    thumbnail = _text(255, **_OPTIONAL)
    category = _choice(wire_types.ImageCategory)
    type = _text(4)
    width = serializers.IntegerField(min_value=0, max_value=99999, **_OPTIONAL)
    height = serializers.IntegerField(min_value=0, max_value=99999, **_OPTIONAL)


class BusinessDetails(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    website = _text(255, **_OPTIONAL)
    logo = Image(required=False, allow_null=True)


class GeoLocation(serializers.Serializer):
    latitude = serializers.RegexField(r"^-?[0-9]{1,2}\.[0-9]{6}\Z", max_length=10)
    longitude = serializers.RegexField(r"^-?[0-9]{1,3}\.[0-9]{6}\Z", max_length=11)


class AdditionalGeoLocation(GeoLocation):
    name = DisplayText(required=False, allow_null=True)


class RegularHours(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=1, max_value=7)
    period_begin = serializers.RegexField(r"^([0-1][0-9]|2[0-3]):[0-5][0-9]\Z", max_length=5)
    period_end = serializers.RegexField(r"^([0-1][0-9]|2[0-3]):[0-5][0-9]\Z", max_length=5)


class ExceptionalPeriod(serializers.Serializer):
    period_begin = serializers.DateTimeField()
    period_end = serializers.DateTimeField()


class Hours(serializers.Serializer):
    regular_hours = RegularHours(many=True, required=False, allow_null=True)
    twentyfourseven = serializers.BooleanField(required=False, allow_null=True)
    exceptional_openings = ExceptionalPeriod(many=True, required=False, allow_null=True)
    exceptional_closings = ExceptionalPeriod(many=True, required=False, allow_null=True)


class EnergySource(serializers.Serializer):
    source = _choice(wire_types.EnergySourceCategory)  # type: ignore[assignment]  # a field named "source"
    percentage = serializers.FloatField(min_value=0, max_value=100)


class EnvironmentalImpact(serializers.Serializer):
    source = _choice(wire_types.EnvironmentalImpactCategory)  # type: ignore[assignment]  # a field named "source"
    amount = serializers.FloatField()


class EnergyMix(serializers.Serializer):
    is_green_energy = serializers.BooleanField()
    energy_sources = EnergySource(many=True, required=False, allow_null=True)
    environ_impact = EnvironmentalImpact(many=True, required=False, allow_null=True)
    supplier_name = _text(64, **_OPTIONAL)
    energy_product_name = _text(64, **_OPTIONAL)


class StatusSchedule(serializers.Serializer):
    period_begin = serializers.DateTimeField()
    period_end = serializers.DateTimeField(required=False, allow_null=True)
    status = _choice(locations.Status)


class Connector(serializers.Serializer):
    id = serializers.CharField(min_length=1, max_length=36)
    standard = _choice(locations.ConnectorType)
    format = _choice(locations.ConnectorFormat)
    power_type = _choice(locations.PowerType)
    voltage = serializers.IntegerField()
    amperage = serializers.IntegerField()
    tariff_id = _text(36, **_OPTIONAL)
    terms_and_conditions = _text(255, **_OPTIONAL)
    last_updated = serializers.DateTimeField()


class Evse(serializers.Serializer):
    uid = serializers.CharField(min_length=1, max_length=39)
    evse_id = _text(48, **_OPTIONAL)
    status = _choice(locations.Status)
    status_schedule = StatusSchedule(many=True, required=False, allow_null=True)
    capabilities = serializers.ListField(child=_choice(locations.Capability), required=False, allow_null=True)
    connectors = Connector(many=True, allow_empty=False)
    floor_level = _text(4, **_OPTIONAL)
    coordinates = GeoLocation(required=False, allow_null=True)
    physical_reference = _text(16, **_OPTIONAL)
    directions = DisplayText(many=True, required=False, allow_null=True)
    parking_restrictions = serializers.ListField(
        child=_choice(locations.ParkingRestriction), required=False, allow_null=True
    )
    images = Image(many=True, required=False, allow_null=True)
    last_updated = serializers.DateTimeField()


class Location(serializers.Serializer):
    id = serializers.CharField(min_length=1, max_length=39)
    type = _choice(locations.LocationType)
    name = _text(255, **_OPTIONAL)
    address = _text(45)
    city = _text(45)
    postal_code = _text(10)
    country = serializers.CharField(min_length=3, max_length=3)
    coordinates = GeoLocation()
    related_locations = AdditionalGeoLocation(many=True, required=False, allow_null=True)
    evses = Evse(many=True, required=False, allow_null=True)
    directions = DisplayText(many=True, required=False, allow_null=True)
    operator = BusinessDetails(required=False, allow_null=True)
    suboperator = BusinessDetails(required=False, allow_null=True)
    owner = BusinessDetails(required=False, allow_null=True)
    facilities = serializers.ListField(child=_choice(locations.Facility), required=False, allow_null=True)
    time_zone = _text(255, **_OPTIONAL)
    opening_times = Hours(required=False, allow_null=True)
    charging_when_closed = serializers.BooleanField(required=False, allow_null=True)
    images = Image(many=True, required=False, allow_null=True)
    energy_mix = EnergyMix(required=False, allow_null=True)
    last_updated = serializers.DateTimeField()


class CdrDimension(serializers.Serializer):
    type = _choice(sessions.CdrDimensionType)
    volume = serializers.FloatField()


class ChargingPeriod(serializers.Serializer):
    start_date_time = serializers.DateTimeField()
    dimensions = CdrDimension(many=True, allow_empty=False)


class SessionSerializer(serializers.Serializer):
    id = _text(36)
    start_datetime = serializers.DateTimeField()
    end_datetime = serializers.DateTimeField(required=False, allow_null=True)
    kwh = serializers.FloatField()
    auth_id = _text(36)
    auth_method = _choice(sessions.AuthMethod)
    location = Location()
    meter_id = _text(255, **_OPTIONAL)
    currency = serializers.CharField(min_length=3, max_length=3)
    charging_periods = ChargingPeriod(many=True, required=False, allow_null=True)
    total_cost = serializers.FloatField(required=False, allow_null=True)
    status = _choice(sessions.SessionStatus)
    last_updated = serializers.DateTimeField()
