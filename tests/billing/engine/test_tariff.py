"""Bad tariffs and usages are refused with an error naming the field; nothing is guessed."""

from __future__ import annotations

import pytest

from billing.engine import TariffError, parse_tariff, price_cdr
from tests.billing.engine.makers import cdr, element, tariff


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"id": "T", "currency": "EUR", "elements": []}, "elements"),
        ({"id": "T", "currency": "EURO", "elements": [element(("TIME", 1, 1))]}, "currency"),
        (tariff(element(("VOLUME", 1, 1))), "elements[0].price_components[0].type"),
        (tariff(element(("TIME", -1, 1))), "elements[0].price_components[0].price"),
        (tariff(element(("TIME", 1, -5))), "elements[0].price_components[0].step_size"),
        (
            {**tariff(), "elements": [{"price_components": [{"type": "TIME", "price": "two", "step_size": 1}]}]},
            "elements[0].price_components[0].price",
        ),
        (
            tariff(element(("TIME", 1, 1)), element(("TIME", 1, 1), start_time="25:00")),
            "elements[1].restrictions.start_time",
        ),
        (tariff(element(("TIME", 1, 1), end_date="2026-02-30")), "elements[0].restrictions.end_date"),
        (tariff(element(("TIME", 1, 1), day_of_week=["MONDAY", "FUNDAY"])), "elements[0].restrictions.day_of_week"),
        (tariff(element(("TIME", 1, 1), max_duration=1.5)), "elements[0].restrictions.max_duration"),
    ],
)
def test_it_refuses_a_bad_tariff_naming_the_field(data, field):
    with pytest.raises(TariffError, match=rf"^{__import__('re').escape(field)}:"):
        parse_tariff(data)


def test_it_reads_prices_as_decimals_from_their_text():
    parsed = parse_tariff(tariff(element(("ENERGY", 0.1, 1))))
    assert str(parsed.elements[0].components[0].price) == "0.1"


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
