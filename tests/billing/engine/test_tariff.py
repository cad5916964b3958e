"""Bad tariffs and usages are refused with an error naming the field; nothing is guessed."""

from __future__ import annotations

import pytest

from billing.engine import TariffError, parse_tariff
from tests.billing.engine.makers import element, tariff


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
