"""Whether a TariffElement's restrictions hold at the start of a slice (reference §5.5).

2.1.1 states no edges; we take 2.2.1's: start_time, start_date, min_* inclusive, end_time,
end_date, max_* exclusive. An end_time before the start_time runs across midnight; an equal
pair restricts nothing. day_of_week and the dates are those of the local moment.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from billing.engine.segments import Segment
from billing.engine.tariff import Restrictions


def restrictions_match(restrictions: Restrictions, segment: Segment) -> bool:
    local = segment.local_start
    return (
        _clock_matches(restrictions.start_time, restrictions.end_time, local.time().replace(tzinfo=None))
        and (restrictions.start_date is None or local.date() >= restrictions.start_date)
        and (restrictions.end_date is None or local.date() < restrictions.end_date)
        and (restrictions.days is None or local.weekday() in restrictions.days)
        and _within(segment.energy_before, restrictions.min_kwh, restrictions.max_kwh)
        and _within(segment.power, restrictions.min_power, restrictions.max_power)
        and _within(segment.elapsed, _dec(restrictions.min_duration), _dec(restrictions.max_duration))
    )


def _clock_matches(start: time | None, end: time | None, now: time) -> bool:
    if start is not None and end is not None and end < start:
        return now >= start or now < end
    if start is not None and end is not None and start == end:
        return True
    return (start is None or now >= start) and (end is None or now < end)


def _within(value: Decimal, low: Decimal | None, high: Decimal | None) -> bool:
    return (low is None or value >= low) and (high is None or value < high)


def _dec(seconds: int | None) -> Decimal | None:
    return None if seconds is None else Decimal(seconds)
