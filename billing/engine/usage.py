"""What a session used, per charging period, as the engine prices it (reference §5.4).

A ChargingPeriod runs from its ``start_date_time`` to the next period's (the last to the
session's end). Its dimensions give ENERGY in kWh (DESIGN.md §4) and TIME / PARKING_TIME in
hours; the engine works in kWh and seconds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from billing.engine.tariff import TariffError, decimal

HOUR = Decimal(3600)
ZERO = Decimal(0)


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime
    energy: Decimal  # kWh
    charging: Decimal  # seconds charging
    parking: Decimal  # seconds not charging

    @property
    def power(self) -> Decimal:
        """Average kW while charging; 0 when the period is only parking (2.1.1 sends no power)."""
        return self.energy * HOUR / self.charging if self.charging > 0 else ZERO


@dataclass(frozen=True)
class Usage:
    start: datetime
    end: datetime
    periods: tuple[Period, ...]
    energy_spread: bool = False  # no period carried ENERGY: total_energy was spread over them


def parse_datetime(value: Any, field: str) -> datetime:
    try:
        moment = datetime.fromisoformat(str(value).replace("z", "Z"))
    except ValueError as error:
        raise TariffError(f"{field}: expected an OCPI DateTime, got {value!r}") from error
    if moment.tzinfo is None:
        raise TariffError(f"{field}: a DateTime without a zone is UTC in OCPI; got {value!r} unparsed")
    return moment


def usage_from_cdr(cdr: dict[str, Any]) -> Usage:
    """The usage a CDR JSON object reports. Periods without TIME or PARKING_TIME take their wall
    clock span as charging when they carry energy, else as parking; CDRs whose periods carry no
    ENERGY at all get ``total_energy`` spread over the charging time (``energy_spread``)."""
    start = parse_datetime(cdr.get("start_date_time"), "start_date_time")
    end = parse_datetime(cdr.get("stop_date_time"), "stop_date_time")
    raw = cdr.get("charging_periods") or []
    if not raw:
        raise TariffError("charging_periods: at least one is needed to price a session")
    starts = [
        parse_datetime(p.get("start_date_time"), f"charging_periods[{i}].start_date_time") for i, p in enumerate(raw)
    ]
    if end < start or any(b < a for a, b in zip([start, *starts], [*starts, end], strict=True)):
        raise TariffError("charging_periods: periods must run in order within the session")
    periods = [
        _period(p, begin, finish, f"charging_periods[{i}]")
        for i, (p, begin, finish) in enumerate(zip(raw, starts, [*starts[1:], end], strict=True))
    ]
    spread = all(p.energy == 0 for p in periods) and bool(cdr.get("total_energy"))
    if spread:
        periods = _spread_energy(periods, decimal(cdr["total_energy"], "total_energy"))
    return Usage(start=start, end=end, periods=tuple(periods), energy_spread=spread)


def _period(data: dict[str, Any], start: datetime, end: datetime, path: str) -> Period:
    volumes: dict[str, Decimal] = {}
    for i, dimension in enumerate(data.get("dimensions") or []):
        volume = decimal(dimension.get("volume"), f"{path}.dimensions[{i}].volume")
        if volume < 0:
            raise TariffError(f"{path}.dimensions[{i}].volume: a volume is never negative, got {volume}")
        volumes[dimension.get("type")] = volumes.get(dimension.get("type"), ZERO) + volume
    energy = volumes.get("ENERGY", ZERO)
    if "TIME" in volumes or "PARKING_TIME" in volumes:
        charging, parking = volumes.get("TIME", ZERO) * HOUR, volumes.get("PARKING_TIME", ZERO) * HOUR
    else:
        span = Decimal((end - start).total_seconds())
        charging, parking = (span, ZERO) if energy > 0 else (ZERO, span)
    return Period(start=start, end=end, energy=energy, charging=charging, parking=parking)


def _spread_energy(periods: list[Period], total: Decimal) -> list[Period]:
    charging = sum((p.charging for p in periods), ZERO)
    weights = [p.charging for p in periods] if charging > 0 else [Decimal(1)] * len(periods)
    whole = sum(weights, ZERO)
    return [
        Period(start=p.start, end=p.end, energy=total * w / whole, charging=p.charging, parking=p.parking)
        for p, w in zip(periods, weights, strict=True)
    ]
