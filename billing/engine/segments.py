"""Cutting a session's charging periods where a tariff restriction may switch.

Restrictions are read at the start of each slice, so every place a restriction can change inside
a period becomes a cut: local midnights and the restrictions' start/end times (in the location's
zone, both sides of a DST fold), the zone's offset changes, the session durations named by
min/max_duration, and the session energies named by min/max_kwh. Energy, charging and parking
time are taken to accrue evenly over a period's wall-clock span (OCPI 2.1.1 gives no finer
grain).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from billing.engine.tariff import Tariff
from billing.engine.usage import ZERO, Period, Usage

MICRO = Decimal(1_000_000)
ONE = Decimal(1)


@dataclass(frozen=True)
class Segment:
    period: int  # index of its charging period
    start: datetime  # UTC
    end: datetime
    local_start: datetime  # start in the location's zone
    energy_before: Decimal  # session kWh used before the slice
    elapsed: Decimal  # session seconds before the slice
    power: Decimal  # kW, its period's average
    energy: Decimal  # kWh in the slice
    charging: Decimal  # seconds
    parking: Decimal  # seconds


def segments(usage: Usage, tariff: Tariff, zone: ZoneInfo) -> list[Segment]:
    """The usage cut into slices within which no restriction of ``tariff`` can switch."""
    clocks = _clocks(tariff)
    local = _clock_moments(usage, clocks, zone) if clocks else iter(())
    shifts = _offset_changes(usage, zone) if clocks else iter(())
    durations = sorted(
        {
            d
            for e in tariff.elements
            for d in (e.restrictions.min_duration, e.restrictions.max_duration)
            if d is not None
        }
    )
    kwhs = sorted(
        {k for e in tariff.elements for k in (e.restrictions.min_kwh, e.restrictions.max_kwh) if k is not None}
    )
    moments = sorted(set(local) | set(shifts) | {usage.start + timedelta(seconds=d) for d in durations})
    result: list[Segment] = []
    energy_before = ZERO
    for index, period in enumerate(usage.periods):
        result.extend(_cut(index, period, usage.start, energy_before, moments, kwhs, zone))
        energy_before += period.energy
    return result


def _cut(  # noqa: PLR0917 (private; one call site)
    index: int,
    period: Period,
    session_start: datetime,
    energy_before: Decimal,
    moments: list[datetime],
    kwhs: list[Decimal],
    zone: ZoneInfo,
) -> Iterator[Segment]:
    span = _micros(period.end - period.start)
    # fraction of the period -> (the moment, session kWh so far) at each cut
    cuts: dict[Decimal, tuple[datetime, Decimal]] = {
        ZERO: (period.start, energy_before),
        ONE: (period.end, energy_before + period.energy),
    }
    if span > 0:
        for moment in moments:
            if period.start < moment < period.end:
                fraction = _micros(moment - period.start) / span
                cuts.setdefault(fraction, (moment, energy_before + period.energy * fraction))
        for kwh in kwhs:
            if energy_before < kwh < energy_before + period.energy:
                fraction = (kwh - energy_before) / period.energy
                moment = period.start + timedelta(microseconds=int((span * fraction).to_integral_value()))
                cuts[fraction] = (moment, kwh)  # exactly the limit, so a min_kwh of it matches
    fractions = sorted(cuts)
    for low, high in itertools.pairwise(fractions):
        (start, energy_low), (end, energy_high) = cuts[low], cuts[high]
        share = high - low
        yield Segment(
            period=index,
            start=start,
            end=end,
            local_start=start.astimezone(zone),
            energy_before=energy_low,
            elapsed=_micros(start - session_start) / MICRO,
            power=period.power,
            energy=energy_high - energy_low,
            charging=period.charging * share,
            parking=period.parking * share,
        )


def _micros(delta: timedelta) -> Decimal:
    return Decimal((delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds)


def _clocks(tariff: Tariff) -> set[time]:
    """Local clock times where a restriction may switch; none when no element reads the clock."""
    clocks: set[time] = set()
    for element in tariff.elements:
        r = element.restrictions
        clocks.update(c for c in (r.start_time, r.end_time) if c is not None)
        if r.days is not None or r.start_date is not None or r.end_date is not None:
            clocks.add(time(0))
    return clocks


def _clock_moments(usage: Usage, clocks: set[time], zone: ZoneInfo) -> Iterator[datetime]:
    day: date = usage.start.astimezone(zone).date() - timedelta(days=1)
    last = usage.end.astimezone(zone).date() + timedelta(days=1)
    while day <= last:
        for clock in clocks:
            for fold in (0, 1):  # a clock time repeated when DST ends happens twice
                yield datetime.combine(day, clock, tzinfo=zone).replace(fold=fold).astimezone(UTC)
        day += timedelta(days=1)


def _offset_changes(usage: Usage, zone: ZoneInfo) -> Iterator[datetime]:
    """Instants the zone's UTC offset changes within the session: when DST starts, a local
    time like 02:30 does not exist, and a restriction starting then switches at the jump."""

    def offset(moment: datetime) -> timedelta | None:
        return moment.astimezone(zone).utcoffset()

    step = timedelta(minutes=15)
    moment = usage.start.astimezone(UTC)
    while moment < usage.end:
        after = moment + step
        if offset(moment) != offset(after):
            low, high = moment, after  # offset(low) is the old one, offset(high) the new one
            while high - low > timedelta(seconds=1):
                middle = low + (high - low) / 2
                low, high = (middle, high) if offset(middle) == offset(low) else (low, middle)
            yield high.replace(microsecond=0)
        moment = after
