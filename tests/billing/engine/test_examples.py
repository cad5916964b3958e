"""Every tariff example of the spec priced against amounts worked out by hand.

2.1.1: the Tariff module's examples and the CDR example. 2.2.1: the examples 2.1.1 can express
(their ``vat`` is ignored, 2.1.1 has none); not expressible in 2.1.1 and so left out:
tariff_4 (min/max_current), tariff_6 and tariff_12 (max/min_price), tariff_15 to tariff_18
(reservation restrictions).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import pytest

from billing.engine import price_cdr
from tests.billing.engine.makers import cdr, example, utc


def total(session, tariff) -> Decimal:
    return price_cdr(session, tariff).total.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def test_it_prices_the_211_cdr_example_as_the_cpo_did():
    # TIME 1.973 h = 7102.8 s, in 300 s steps -> 7200 s = 2 h at 2.00/h = 4.00 (its total_cost)
    body = example("2.1.1/cdrs_cdr_example.json")
    price = price_cdr(body, body["tariffs"][0])
    assert price.total == Decimal("4.00")
    assert price.dimension_totals()["TIME"] == {"volume": Decimal(2), "amount": Decimal(4)}


@pytest.mark.parametrize(
    "name",
    [
        "2.1.1/tariffs_tariff_example_simple_2eur_per_hour.json",
        "2.1.1/tariffs_tariff_example_alt_text.json",
        "2.1.1/tariffs_tariff_example_alt_url.json",
    ],
)
def test_it_prices_the_211_two_euro_per_hour_examples(name):
    # charging 1 h 25 min 1 s = 5101 s -> 18 steps of 300 s = 5400 s = 1.5 h at 2.00 = 3.00
    session = cdr([(utc("2015-06-29 10:00"), {"TIME": 5101 / 3600})], utc("2015-06-29 11:25:01"))
    assert total(session, example(name)) == Decimal("3.0000")


def test_it_prices_the_211_put_example_although_it_lacks_last_updated():
    # the examples README: the PUT body misses last_updated; the engine does not need it
    session = cdr([(utc("2015-06-29 10:00"), {"TIME": 5101 / 3600})], utc("2015-06-29 11:25:01"))
    assert total(session, example("2.1.1/tariffs_put_tariff_example.json")) == Decimal("3.0000")


def test_it_prices_the_211_patch_example_applied_to_its_tariff():
    # the PATCH replaces the elements: 2.50/h in 300 s steps; 5101 s -> 1.5 h = 3.75
    patched = {**example("2.1.1/tariffs_put_tariff_example.json"), **example("2.1.1/tariffs_patch_tariff_example.json")}
    session = cdr([(utc("2015-06-29 10:00"), {"TIME": 5101 / 3600})], utc("2015-06-29 11:25:01"))
    assert total(session, patched) == Decimal("3.7500")


def test_it_prices_the_211_free_of_charge_example_at_zero():
    session = cdr([(utc("2015-06-29 10:00"), {"ENERGY": 30, "TIME": 2})], utc("2015-06-29 12:00"))
    price = price_cdr(session, example("2.1.1/tariffs_tariff_example_free_of_charge.json"))
    assert price.total == 0
    assert [(line.dimension, line.amount) for line in price.lines] == [("FLAT", Decimal("0.0"))]


class TestThe211ComplexExample:
    """FLAT 2.50; TIME 1.00/h (step 900) below 32 kW; from 32 kW TIME 2.00/h (step 600) on
    weekdays, 1.25/h (step 600) at weekends; PARKING 5.00/h (step 300) weekdays 9-18,
    6.00/h Saturdays 10-17; restrictions in Amsterdam time."""

    tariff = staticmethod(lambda: example("2.1.1/tariffs_tariff_example_complex.json"))

    def test_it_prices_a_weekday_slow_charge_then_parking(self):
        # Monday: 1.5 h at 11 kW -> 1.50; parking 45 min -> 0.75 h at 5.00 = 3.75; + 2.50 FLAT
        session = cdr(
            [
                (utc("2015-06-29 10:00"), {"ENERGY": 16.5, "TIME": 1.5}),
                (utc("2015-06-29 11:30"), {"PARKING_TIME": 0.75}),
            ],
            utc("2015-06-29 12:15"),
        )
        assert total(session, self.tariff()) == Decimal("7.7500")

    def test_it_prices_a_saturday_fast_charge_and_stops_parking_fees_at_17(self):
        # Saturday: 3060 s at 47 kW -> 1.25/h in 600 s steps: 3600 s = 1.25;
        # parking 16:51-17:00 priced (540 s -> 600 s at 6.00/h = 1.00), 17:00-17:20 free; + 2.50
        session = cdr(
            [
                (utc("2015-07-04 16:00"), {"ENERGY": 40, "TIME": 0.85}),
                (utc("2015-07-04 16:51"), {"PARKING_TIME": 29 / 60}),
            ],
            utc("2015-07-04 17:20"),
        )
        price = price_cdr(session, self.tariff())
        assert price.total.quantize(Decimal("0.0001")) == Decimal("4.7500")
        assert price.dimension_totals()["PARKING_TIME"]["amount"].quantize(Decimal("0.0001")) == Decimal("1.0000")

    def test_it_takes_exactly_32_kw_as_the_fast_rate(self):
        # max_power is exclusive and min_power inclusive: 32 kWh in 1 h on a Tuesday -> 2.00 + 2.50
        session = cdr([(utc("2015-06-30 10:00"), {"ENERGY": 32, "TIME": 1})], utc("2015-06-30 11:00"))
        assert total(session, self.tariff()) == Decimal("4.5000")


@pytest.mark.parametrize(
    ("name", "dimensions", "minutes", "expected"),
    [
        # 2.00/h, 60 s steps: 61 min 30 s -> 62 min = 2.0666...
        ("tariff_1_simple_2hour.json", {"TIME": 61.5 / 60}, 61.5, "2.0667"),
        # 1.90/h, 300 s steps: 50 min 1 s -> 55 min = 1.7416...
        ("tariff_2_alt_text.json", {"TIME": 3001 / 3600}, 3001 / 60, "1.7417"),
        # 0.50 + 0.25/kWh in 100 Wh steps: 10.03 kWh -> 10.1 kWh = 2.525
        ("tariff_3_alt_url.json", {"ENERGY": 10.03, "TIME": 1}, 60, "3.0250"),
        ("tariff_5_free_of_charge.json", {"ENERGY": 10, "TIME": 1}, 60, "0.0000"),
        # 0.25/kWh, 1 Wh steps: 12.345 kWh = 3.08625
        ("tariff_8_simple_025kwh.json", {"ENERGY": 12.345, "TIME": 1}, 60, "3.0863"),
        ("tariff_9_025kwh_start.json", {"ENERGY": 12.345, "TIME": 1}, 60, "3.5863"),
        # 0.40 FLAT + 1.90/h in 300 s steps: 30 min = 0.95
        ("tariff_11_not_possible_alt_text.json", {"TIME": 0.5}, 30, "1.3500"),
        # 2.00/h in 300 s steps: 50 min 1 s -> 55 min = 1.8333...
        ("tariff_put_example.json", {"TIME": 3001 / 3600}, 3001 / 60, "1.8333"),
    ],
)
def test_it_prices_the_221_examples_211_can_express(name, dimensions, minutes, expected):
    start = "2018-12-17T10:00:00Z"
    stop = f"2018-12-17T{10 + int(minutes) // 60:02d}:{int(minutes) % 60:02d}:{round(minutes * 60) % 60:02d}Z"
    session = cdr([(start, dimensions)], stop, zone="Europe/Berlin", country="DEU")
    assert total(session, example(f"2.2.1/{name}")) == Decimal(expected)


def test_it_prices_221_example_10_with_parking_in_quarter_hours():
    # 0.50 + 20 kWh at 0.25 = 5.00 + parking 20 min -> 30 min at 2.00/h = 1.00
    session = cdr(
        [("2018-12-17T10:00:00Z", {"ENERGY": 20, "TIME": 1}), ("2018-12-17T11:00:00Z", {"PARKING_TIME": 1 / 3})],
        "2018-12-17T11:20:00Z",
        zone="Europe/Berlin",
    )
    assert total(session, example("2.2.1/tariff_10_025kwh_parking_start.json")) == Decimal("6.5000")


def test_it_prices_221_example_13_time_and_parking():
    # charging 5410 s -> 91 min at 3.00/h = 4.55; parking 12 min -> 15 min at 5.00/h = 1.25
    session = cdr(
        [
            ("2018-12-17T10:00:00Z", {"ENERGY": 20, "TIME": 5410 / 3600}),
            ("2018-12-17T11:30:10Z", {"PARKING_TIME": 0.2}),
        ],
        "2018-12-17T11:42:10Z",
        zone="Europe/Berlin",
    )
    assert total(session, example("2.2.1/tariff_13_simple_3hour_5parking.json")) == Decimal("5.8000")


def test_it_rounds_221_example_14_with_the_step_of_the_last_rate_used():
    # 16:55-17:00 at 1.20/h = 0.10; 17:00-17:05 at 2.40/h = 0.20; 10 min -> the last rate's
    # 900 s step: 15 min, the 5 extra minutes at 2.40/h = 0.20 (2.2.1 §11.4.5's example)
    session = cdr(
        [(utc("2018-12-18 16:55", "Europe/Berlin"), {"ENERGY": 2, "TIME": 10 / 60})],
        utc("2018-12-18 17:05", "Europe/Berlin"),
        zone="Europe/Berlin",
    )
    price = price_cdr(session, example("2.2.1/tariff_14_step_size.json"))
    assert price.total.quantize(Decimal("0.0001")) == Decimal("0.5000")
    assert [(line.element, line.amount.quantize(Decimal("0.01"))) for line in price.lines] == [
        (0, Decimal("0.10")),
        (1, Decimal("0.20")),
        (1, Decimal("0.20")),
    ]


def test_it_prices_221_max_duration_example_across_one_period():
    # 90 min at 20 kW in one period: 10 kWh free, 10 kWh at 0.25, 10 kWh at 0.40 = 6.50
    session = cdr([("2018-12-05T10:00:00Z", {"ENERGY": 30, "TIME": 1.5})], "2018-12-05T11:30:00Z")
    assert total(session, example("2.2.1/tariffrestriction_example_max_duration.json")) == Decimal("6.5000")


def test_it_prices_221_max_power_example_per_period():
    # 11 kW for 1 h at 0.20 = 2.20; 22 kW for 1 h at 0.35 = 7.70; 50 kW for 0.5 h at 0.50 = 12.50
    session = cdr(
        [
            ("2018-12-05T10:00:00Z", {"ENERGY": 11, "TIME": 1}),
            ("2018-12-05T11:00:00Z", {"ENERGY": 22, "TIME": 1}),
            ("2018-12-05T12:00:00Z", {"ENERGY": 25, "TIME": 0.5}),
        ],
        "2018-12-05T12:30:00Z",
    )
    price = price_cdr(session, example("2.2.1/tariffrestriction_example_max_power.json"))
    assert price.total == Decimal("22.40")
    assert [p.get("ENERGY") for p in price.period_totals(3)] == [Decimal("2.20"), Decimal("7.70"), Decimal("12.50")]
