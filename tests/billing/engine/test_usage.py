"""What a CDR's charging periods used, as the engine reads it; bad usage is refused naming the field."""

from __future__ import annotations

import pytest

from billing.engine import TariffError, price_cdr
from tests.billing.engine.makers import cdr, element, tariff


def test_it_refuses_a_negative_volume_naming_the_period():
    session = cdr([("2026-01-14T10:00:00Z", {"ENERGY": -1, "TIME": 1})], "2026-01-14T11:00:00Z")
    with pytest.raises(TariffError, match=r"^charging_periods\[0\]\.dimensions\[0\]\.volume:"):
        price_cdr(session, tariff(element(("ENERGY", 1, 1))))


def test_it_refuses_periods_out_of_order():
    session = cdr(
        [("2026-01-14T10:00:00Z", {"TIME": 1}), ("2026-01-14T09:00:00Z", {"TIME": 1})], "2026-01-14T11:00:00Z"
    )
    with pytest.raises(TariffError, match=r"^charging_periods:"):
        price_cdr(session, tariff(element(("TIME", 1, 1))))


def test_it_prices_a_period_without_time_dimensions_by_its_wall_clock():
    # 30 min with energy counts as charging; the next 15 min without energy as parking
    session = cdr(
        [("2026-01-14T10:00:00Z", {"ENERGY": 5}), ("2026-01-14T10:30:00Z", {})],
        "2026-01-14T10:45:00Z",
    )
    price = price_cdr(session, tariff(element(("TIME", 2, 1), ("PARKING_TIME", 4, 1))))
    assert {k: v["amount"] for k, v in price.dimension_totals().items()} == {"TIME": 1, "PARKING_TIME": 1}


def test_it_spreads_total_energy_over_the_charging_time_when_no_period_carries_energy():
    # 10 kWh over 1 h charging then 1 h parking: all of it in the first period, at 0.30 = 3.00
    session = cdr(
        [("2026-01-14T10:00:00Z", {"TIME": 1}), ("2026-01-14T11:00:00Z", {"PARKING_TIME": 1})],
        "2026-01-14T12:00:00Z",
    )
    session["total_energy"] = 10
    price = price_cdr(session, tariff(element(("ENERGY", 0.30, 1))))
    assert [(line.period, line.volume, line.amount) for line in price.lines] == [(0, 10, 3)]
    assert price.warnings == ["no ENERGY in the charging periods: total_energy spread over the charging time"]


def test_it_refuses_a_period_that_starts_before_the_session():
    session = cdr([("2026-01-14T10:00:00Z", {"TIME": 1})], "2026-01-14T11:00:00Z")
    session["start_date_time"] = "2026-01-14T10:05:00Z"
    with pytest.raises(TariffError, match=r"^charging_periods: periods must run in order within the session"):
        price_cdr(session, tariff(element(("TIME", 1, 1))))


def test_it_does_not_warn_of_spread_energy_when_the_tariff_never_reads_energy():
    session = cdr([("2026-01-14T10:00:00Z", {"TIME": 1})], "2026-01-14T11:00:00Z")
    session["total_energy"] = 10
    assert price_cdr(session, tariff(element(("TIME", 2, 1)))).warnings == []
