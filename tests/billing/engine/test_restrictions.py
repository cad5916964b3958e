"""Restrictions at their edges: across midnight, on DST change days, at exact kWh, duration
and power limits, dates (end exclusive), and read in the location's time zone."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from billing.engine import price_cdr
from tests.billing.engine.makers import cdr, element, example, tariff, utc

NIGHT = tariff(
    element(("TIME", 1.00, 1), start_time="22:00", end_time="06:00"),
    element(("TIME", 3.00, 1)),
)


def total(session, priced) -> Decimal:
    return price_cdr(session, priced).total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def charging(start_local: str, stop_local: str, hours: float, zone: str = "Europe/Amsterdam", energy: float = 10):
    return cdr([(utc(start_local, zone), {"ENERGY": energy, "TIME": hours})], utc(stop_local, zone), zone=zone)


def test_it_switches_to_the_night_rate_at_its_start_time():
    # 21:00-22:00 at 3.00, 22:00-23:00 at 1.00
    assert total(charging("2026-01-14 21:00", "2026-01-14 23:00", 2), NIGHT) == Decimal("4.0000")


def test_it_keeps_a_rate_that_runs_across_midnight():
    # 23:30-00:30: all night rate
    assert total(charging("2026-01-14 23:30", "2026-01-15 00:30", 1), NIGHT) == Decimal("1.0000")


def test_it_ends_the_night_rate_at_its_end_time_exclusive():
    # 05:00-06:00 at 1.00, 06:00-07:00 at 3.00
    assert total(charging("2026-01-15 05:00", "2026-01-15 07:00", 2), NIGHT) == Decimal("4.0000")


def test_it_reads_day_of_week_on_each_side_of_midnight():
    weekend = tariff(
        element(("TIME", 1.00, 1), day_of_week=["SATURDAY", "SUNDAY"]),
        element(("TIME", 2.00, 1)),
    )
    # Sunday 23:30 -> Monday 00:30: half an hour at 1.00, half an hour at 2.00
    assert total(charging("2026-01-18 23:30", "2026-01-19 00:30", 1), weekend) == Decimal("1.5000")


def test_it_ends_a_date_restriction_at_the_end_date_exclusive():
    promotion = tariff(element(("TIME", 1.00, 1), end_date="2026-01-01"), element(("TIME", 2.00, 1)))
    assert total(charging("2025-12-31 23:00", "2026-01-01 01:00", 2), promotion) == Decimal("3.0000")


def test_it_starts_a_date_restriction_on_the_start_date_inclusive():
    promotion = tariff(element(("TIME", 1.00, 1), start_date="2026-01-01"), element(("TIME", 2.00, 1)))
    assert total(charging("2025-12-31 23:00", "2026-01-01 01:00", 2), promotion) == Decimal("3.0000")


def test_it_counts_real_hours_on_the_day_dst_starts():
    # Amsterdam 2026-03-29: 02:00 CET jumps to 03:00 CEST. 00:30 -> 04:30 local is 3 real hours:
    # 00:30-03:00 local is 1.5 h at 1.00, 03:00-04:30 is 1.5 h at 2.00
    early = tariff(element(("TIME", 1.00, 1), start_time="00:00", end_time="03:00"), element(("TIME", 2.00, 1)))
    assert total(charging("2026-03-29 00:30", "2026-03-29 04:30", 3), early) == Decimal("4.5000")


def test_it_switches_at_the_jump_when_a_start_time_does_not_exist():
    # 02:30 does not exist on 2026-03-29 in Amsterdam: "from 02:30" starts at the jump (03:00 CEST)
    late = tariff(element(("TIME", 1.00, 1), start_time="02:30"), element(("TIME", 2.00, 1)))
    session = cdr(
        [("2026-03-29T00:00:00Z", {"ENERGY": 10, "TIME": 2})],  # 01:00 CET -> 04:00 CEST
        "2026-03-29T02:00:00Z",
    )
    assert total(session, late) == Decimal("3.0000")  # 1 h at 2.00 (01:00-02:00 CET), 1 h at 1.00


def test_it_prices_the_repeated_hour_twice_on_the_day_dst_ends():
    # Amsterdam 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 02:00-03:00 happens twice.
    # 01:00 CEST -> 04:00 CET is 4 real hours: 1 at 2.00, 2 at 1.00 (both 02:00 hours), 1 at 2.00
    repeated = tariff(element(("TIME", 1.00, 1), start_time="02:00", end_time="03:00"), element(("TIME", 2.00, 1)))
    session = cdr([("2026-10-24T23:00:00Z", {"ENERGY": 10, "TIME": 4})], "2026-10-25T03:00:00Z")
    assert total(session, repeated) == Decimal("6.0000")


KWH = tariff(
    element(("ENERGY", 0.30, 1), max_kwh=10),
    element(("ENERGY", 0.20, 1), min_kwh=10),
)


def test_it_switches_at_an_exact_kwh_limit_inside_a_period():
    # 15 kWh in one period: 10 at 0.30, 5 at 0.20
    assert total(charging("2026-01-14 10:00", "2026-01-14 11:30", 1.5, energy=15), KWH) == Decimal("4.0000")


def test_it_takes_min_kwh_as_reached_when_a_period_starts_exactly_there():
    session = cdr(
        [
            (utc("2026-01-14 10:00"), {"ENERGY": 10, "TIME": 1}),
            (utc("2026-01-14 11:00"), {"ENERGY": 5, "TIME": 0.5}),
        ],
        utc("2026-01-14 11:30"),
    )
    price = price_cdr(session, KWH)
    assert [(line.period, line.element) for line in price.lines] == [(0, 0), (1, 1)]
    assert price.total == Decimal("4.00")


FIRST_HOUR = tariff(element(("TIME", 1.00, 1), max_duration=3600), element(("TIME", 2.00, 1)))


def test_it_keeps_a_max_duration_rate_until_the_exact_limit():
    assert total(charging("2026-01-14 10:00", "2026-01-14 11:00", 1), FIRST_HOUR) == Decimal("1.0000")


def test_it_switches_at_the_exact_max_duration():
    assert total(charging("2026-01-14 10:00", "2026-01-14 11:30", 1.5), FIRST_HOUR) == Decimal("2.0000")


def test_it_starts_a_min_duration_fee_at_the_exact_limit():
    overstay = tariff(
        element(("PARKING_TIME", 10.00, 1), min_duration=7200),
        element(("TIME", 1.00, 1)),
    )
    session = cdr(
        [
            (utc("2026-01-14 10:00"), {"ENERGY": 10, "TIME": 1}),
            (utc("2026-01-14 11:00"), {"PARKING_TIME": 1.5}),
        ],
        utc("2026-01-14 12:30"),
    )
    # 1 h charging at 1.00; parking from the 2nd hour on: the first hour free, 12:00-12:30 at 10.00
    assert total(session, overstay) == Decimal("6.0000")


def test_it_takes_max_power_as_exclusive_at_the_exact_limit():
    # 2.2.1 max_power example: below 16 kW 0.20, below 32 kW 0.35; exactly 16 kW is the 0.35 band
    session = cdr([("2018-12-05T10:00:00Z", {"ENERGY": 16, "TIME": 1})], "2018-12-05T11:00:00Z")
    price = price_cdr(session, example("2.2.1/tariffrestriction_example_max_power.json"))
    assert (price.lines[0].element, price.total) == (1, Decimal("5.60"))
