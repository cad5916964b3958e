"""Pricing a session's usage with an OCPI 2.1.1 tariff (reference §5.5).

Per slice of a charging period (``segments``) and per dimension, the first element whose
restrictions match and that has a component of that dimension prices it: ENERGY per kWh, TIME
per hour charging, PARKING_TIME per hour not charging. FLAT is due once per session, from the
first slice where a matching element has one. ``step_size`` rounds the session's total of a
dimension up to whole steps (Wh, seconds); the rounded-up rest is priced with the last
component that priced the dimension (2.2.1 §11.4.5 makes this explicit). Everything is Decimal
and excludes VAT: 2.1.1 has no VAT split.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import ROUND_CEILING, Decimal
from typing import Any
from zoneinfo import ZoneInfo

from billing.engine.restrictions import restrictions_match
from billing.engine.segments import Segment, segments
from billing.engine.tariff import PriceComponent, Tariff
from billing.engine.usage import HOUR, ZERO, Usage

# Volumes kept in the step unit: Wh for ENERGY, seconds for the times; prices are per UNIT.
STEP_UNIT = {"ENERGY": Decimal(1000), "TIME": HOUR, "PARKING_TIME": HOUR}  # step units per priced unit
VOLUME_GRAIN = Decimal("1e-9")
TEXT_GRAIN = Decimal("1e-10")  # below any meter: sums of evenly split slices are exact to this


@dataclass(frozen=True)
class Line:
    """One dimension of one slice, and what it costs."""

    period: int
    start: datetime
    dimension: str
    element: int  # index of the tariff element that priced it
    volume: Decimal  # kWh, hours, or 1 for FLAT
    price: Decimal
    amount: Decimal
    note: str = ""


@dataclass
class Price:
    """A priced session: the total, per dimension, per charging period, and the lines."""

    tariff_id: str
    currency: str
    time_zone: str
    lines: list[Line] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)

    def dimension_totals(self) -> dict[str, dict[str, Decimal]]:
        totals: dict[str, dict[str, Decimal]] = {}
        for line in self.lines:
            entry = totals.setdefault(line.dimension, {"volume": ZERO, "amount": ZERO})
            entry["volume"] += line.volume
            entry["amount"] += line.amount
        return totals

    def period_totals(self, count: int) -> list[dict[str, Decimal]]:
        periods: list[dict[str, Decimal]] = [{} for _ in range(count)]
        for line in self.lines:
            periods[line.period][line.dimension] = periods[line.period].get(line.dimension, ZERO) + line.amount
        return periods

    def as_json(self, period_count: int) -> dict[str, Any]:
        """The breakdown as JSON (amounts as strings, so no Decimal turns into a float)."""
        return {
            "tariff_id": self.tariff_id,
            "currency": self.currency,
            "time_zone": self.time_zone,
            "total": text(self.total),
            "dimensions": {
                name: {key: text(value) for key, value in entry.items()}
                for name, entry in self.dimension_totals().items()
            },
            "periods": [
                {
                    "index": i,
                    "amounts": {k: text(v) for k, v in amounts.items()},
                    "total": text(sum(amounts.values(), ZERO)),
                }
                for i, amounts in enumerate(self.period_totals(period_count))
            ],
            "lines": [
                {
                    "period": line.period,
                    "start": line.start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "dimension": line.dimension,
                    "element": line.element,
                    "volume": text(line.volume),
                    "price": text(line.price),
                    "amount": text(line.amount),
                    **({"note": line.note} if line.note else {}),
                }
                for line in self.lines
            ],
            "warnings": list(self.warnings),
        }


def text(value: Decimal) -> str:
    """A Decimal for the breakdown: to 10 places, no trailing zeros, never in exponent form."""
    return format(value.quantize(TEXT_GRAIN).normalize(), "f")


def price_usage(tariff: Tariff, usage: Usage, zone: ZoneInfo) -> Price:
    """Price ``usage`` with ``tariff``, restrictions read in ``zone``."""
    price = Price(tariff_id=tariff.id, currency=tariff.currency, time_zone=str(zone.key))
    if usage.energy_spread and _reads_energy(tariff):
        price.warnings.append("no ENERGY in the charging periods: total_energy spread over the charging time")
    slices = segments(usage, tariff, zone)
    flat_due = True
    last: dict[str, tuple[Line, PriceComponent]] = {}
    totals: dict[str, Decimal] = dict.fromkeys(STEP_UNIT, ZERO)
    for segment in slices:
        if flat_due and (found := _component(tariff, segment, "FLAT")):
            index, component = found
            price.lines.append(
                Line(segment.period, segment.start, "FLAT", index, Decimal(1), component.price, component.price)
            )
            flat_due = False
        for dimension, volume in _volumes(segment).items():
            if volume <= 0 or not (found := _component(tariff, segment, dimension)):
                continue
            index, component = found
            unit_volume = volume / STEP_UNIT[dimension]
            line = Line(
                segment.period,
                segment.start,
                dimension,
                index,
                unit_volume,
                component.price,
                component.price * unit_volume,
            )
            previous = last.get(dimension, (None, None))[0]
            if previous is not None and (previous.period, previous.element) == (line.period, line.element):
                # consecutive slices of one period priced alike read as one line
                line = replace(previous, volume=previous.volume + line.volume, amount=previous.amount + line.amount)
                price.lines[price.lines.index(previous)] = line
            else:
                price.lines.append(line)
            last[dimension] = (line, component)
            totals[dimension] += volume
    for dimension, (line, component) in last.items():
        if rest := _step_rest(totals[dimension], component.step_size):
            volume = rest / STEP_UNIT[dimension]
            note = f"step_size {component.step_size}: rounded up"
            price.lines.append(
                Line(
                    line.period,
                    line.start,
                    dimension,
                    line.element,
                    volume,
                    component.price,
                    component.price * volume,
                    note,
                )
            )
    return price


def _reads_energy(tariff: Tariff) -> bool:
    """Whether energy can change this tariff's price: an ENERGY component or a kWh/power limit."""
    for element in tariff.elements:
        r = element.restrictions
        if element.component("ENERGY") is not None or any(
            limit is not None for limit in (r.min_kwh, r.max_kwh, r.min_power, r.max_power)
        ):
            return True
    return False


def _volumes(segment: Segment) -> dict[str, Decimal]:
    return {"ENERGY": segment.energy * 1000, "TIME": segment.charging, "PARKING_TIME": segment.parking}


def _component(tariff: Tariff, segment: Segment, dimension: str) -> tuple[int, PriceComponent] | None:
    for index, element in enumerate(tariff.elements):
        component = element.component(dimension)
        if component is not None and restrictions_match(element.restrictions, segment):
            return index, component
    return None


def _step_rest(total: Decimal, step: int) -> Decimal:
    """How much the session total of a dimension (in Wh or seconds) is rounded up by."""
    if step <= 1:
        return ZERO
    # Decide the steps on the total to the grain (noise from evenly split slices or float input
    # must not add a step), but round up from the exact total, so the lines add up to whole steps.
    steps = (total.quantize(VOLUME_GRAIN) / step).to_integral_value(rounding=ROUND_CEILING)
    return max(steps * step - total, ZERO)
