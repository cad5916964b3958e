"""An OCPI 2.1.1 Tariff (reference §5.5) as the engine reads it: Decimals, parsed times and dates.

The stored Tariff JSON was validated on the way in (ocpi.tariffs.schemas); parsing here only
changes representation. Numbers go through ``str`` so a JSON ``0.1`` becomes ``Decimal("0.1")``,
never the binary float behind it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import Any

DIMENSIONS = ("FLAT", "ENERGY", "TIME", "PARKING_TIME")
WEEKDAYS = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


class TariffError(ValueError):
    """A tariff or a usage the engine cannot price; the message names the field."""


def decimal(value: Any, field: str) -> Decimal:
    """A JSON number (or a numeric string, as in the spec's own CDR example) as a Decimal."""
    if isinstance(value, bool) or value is None:
        raise TariffError(f"{field}: expected a number, got {value!r}")
    try:
        number = Decimal(str(value))
    except ArithmeticError as error:
        raise TariffError(f"{field}: expected a number, got {value!r}") from error
    if not number.is_finite():
        raise TariffError(f"{field}: expected a finite number, got {value!r}")
    return number


@dataclass(frozen=True)
class PriceComponent:
    type: str
    price: Decimal  # per kWh, per hour, or per session (FLAT); excluding VAT
    step_size: int  # Wh for ENERGY, seconds for TIME and PARKING_TIME; 0 or 1 = no rounding


@dataclass(frozen=True)
class Restrictions:
    start_time: time | None = None
    end_time: time | None = None
    start_date: date | None = None
    end_date: date | None = None  # exclusive (reference §5.5)
    min_kwh: Decimal | None = None
    max_kwh: Decimal | None = None
    min_power: Decimal | None = None
    max_power: Decimal | None = None
    min_duration: int | None = None  # seconds
    max_duration: int | None = None
    days: frozenset[int] | None = None  # date.weekday() numbers


@dataclass(frozen=True)
class Element:
    components: tuple[PriceComponent, ...]
    restrictions: Restrictions

    def component(self, dimension: str) -> PriceComponent | None:
        """The element's component of a dimension (the first, should a CPO send two)."""
        return next((c for c in self.components if c.type == dimension), None)


@dataclass(frozen=True)
class Tariff:
    id: str
    currency: str
    elements: tuple[Element, ...]


def parse_tariff(data: dict[str, Any]) -> Tariff:
    """The engine's view of a Tariff JSON object; raises TariffError naming the bad field."""
    elements = data.get("elements")
    if not isinstance(elements, list) or not elements:
        raise TariffError("elements: a tariff needs at least one element")
    currency = data.get("currency")
    if not isinstance(currency, str) or len(currency) != 3:
        raise TariffError(f"currency: expected an ISO 4217 code, got {currency!r}")
    return Tariff(
        id=str(data.get("id", "")),
        currency=currency.upper(),
        elements=tuple(_element(element, f"elements[{i}]") for i, element in enumerate(elements)),
    )


def _element(data: dict[str, Any], path: str) -> Element:
    components = data.get("price_components") or []
    if not components:
        raise TariffError(f"{path}.price_components: an element needs at least one component")
    return Element(
        components=tuple(_component(c, f"{path}.price_components[{i}]") for i, c in enumerate(components)),
        restrictions=_restrictions(data.get("restrictions") or {}, f"{path}.restrictions"),
    )


def _component(data: dict[str, Any], path: str) -> PriceComponent:
    kind = data.get("type")
    if kind not in DIMENSIONS:
        raise TariffError(f"{path}.type: expected one of {', '.join(DIMENSIONS)}, got {kind!r}")
    price = decimal(data.get("price"), f"{path}.price")
    if price < 0:
        raise TariffError(f"{path}.price: a price is never negative, got {price}")
    step = data.get("step_size", 0)
    if isinstance(step, bool) or not isinstance(step, int) or step < 0:
        raise TariffError(f"{path}.step_size: expected a whole number not below 0, got {step!r}")
    return PriceComponent(type=kind, price=price, step_size=step)


def _restrictions(data: dict[str, Any], path: str) -> Restrictions:
    def number(name: str) -> Decimal | None:
        return None if data.get(name) is None else decimal(data[name], f"{path}.{name}")

    def seconds(name: str) -> int | None:
        value = data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise TariffError(f"{path}.{name}: expected whole seconds, got {value!r}")
        return value

    return Restrictions(
        start_time=_clock(data.get("start_time"), f"{path}.start_time"),
        end_time=_clock(data.get("end_time"), f"{path}.end_time"),
        start_date=_day(data.get("start_date"), f"{path}.start_date"),
        end_date=_day(data.get("end_date"), f"{path}.end_date"),
        min_kwh=number("min_kwh"),
        max_kwh=number("max_kwh"),
        min_power=number("min_power"),
        max_power=number("max_power"),
        min_duration=seconds("min_duration"),
        max_duration=seconds("max_duration"),
        days=_days(data.get("day_of_week"), f"{path}.day_of_week"),
    )


def _clock(value: str | None, path: str) -> time | None:
    if value is None:
        return None
    try:
        return time.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise TariffError(f"{path}: expected HH:MM, got {value!r}") from error


def _day(value: str | None, path: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise TariffError(f"{path}: expected YYYY-MM-DD, got {value!r}") from error


def _days(value: list[str] | None, path: str) -> frozenset[int] | None:
    if not value:  # an empty list restricts nothing, as an absent one
        return None
    unknown = [day for day in value if day not in WEEKDAYS]
    if unknown:
        raise TariffError(f"{path}: unknown day(s) {', '.join(map(str, unknown))}")
    return frozenset(WEEKDAYS.index(day) for day in value)
