"""Retail pricing: plan markups, VAT by billing country, rounding to the currency's minor unit."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billing.retail import Plan, RetailError, minor_unit, retail_price, round_money, vat_rate

D = Decimal


def plan(percent="10", fee="0.35", per_kwh="0.05", currency="EUR") -> Plan:
    return Plan(D(percent), D(fee), D(per_kwh), currency)


def test_it_adds_every_markup_then_vat_and_rounds_to_the_cent():
    # 4.00 + 10 % (0.40) + 0.35 + 15.342 kWh × 0.05 (0.7671) = 5.5171 -> 5.52; VAT 21 % of 5.52
    # = 1.1592 -> 1.16; total 6.68
    price = retail_price(base=D("4.00"), energy_kwh=D("15.342"), currency="EUR", plan=plan(), vat_percent=D(21))
    assert (price.base, price.markup, price.net, price.vat, price.total) == (
        D("4.00"),
        D("1.52"),
        D("5.52"),
        D("1.16"),
        D("6.68"),
    )


def test_it_rounds_half_up():
    # 0.125 -> 0.13 (a bank's half-even would give 0.12)
    price = retail_price(base=D("0.125"), energy_kwh=D(0), currency="EUR", plan=plan("0", "0", "0"), vat_percent=D(0))
    assert price.net == D("0.13")


def test_it_rounds_to_the_currencys_minor_unit():
    assert (minor_unit("JPY"), minor_unit("BHD"), minor_unit("EUR")) == (D(1), D("0.001"), D("0.01"))
    price = retail_price(
        base=D("1234.4"), energy_kwh=D(0), currency="JPY", plan=plan("10", "0", "0", "JPY"), vat_percent=D(10)
    )
    assert (price.net, price.vat, price.total) == (D(1358), D(136), D(1494))  # 1357.84 -> 1358; 135.8 -> 136
    assert round_money(D("1.2345"), "KWD") == D("1.235")


def test_it_never_adds_amounts_in_different_currencies():
    with pytest.raises(RetailError, match="the pricing plan is in EUR, the CDR in CHF"):
        retail_price(base=D(4), energy_kwh=D(1), currency="CHF", plan=plan(), vat_percent=D("8.1"))


def test_it_keeps_a_credit_negative_without_a_session_fee():
    price = retail_price(base=D("-4.00"), energy_kwh=D(0), currency="EUR", plan=plan(), vat_percent=D(21))
    assert (price.net, price.vat, price.total) == (D("-4.40"), D("-0.92"), D("-5.32"))


def test_it_knows_the_standard_vat_rates_and_takes_overrides():
    assert (vat_rate("NL"), vat_rate("de"), vat_rate("FI")) == (D(21), D(19), D("25.5"))
    assert vat_rate("NL", {"NL": D(9)}) == D(9)
    assert vat_rate("US", {"US": D(0)}) == D(0)
    with pytest.raises(RetailError, match="no VAT rate for billing country 'US'"):
        vat_rate("US")


@given(
    base=st.decimals(min_value=-1000, max_value=1000, places=4),
    energy=st.decimals(min_value=0, max_value=200, places=3),
    percent=st.decimals(min_value=0, max_value=50, places=2),
    fee=st.decimals(min_value=0, max_value=5, places=2),
    per_kwh=st.decimals(min_value=0, max_value=1, places=4),
    vat=st.sampled_from([D(0), D("8.1"), D(19), D(21), D("25.5")]),
    currency=st.sampled_from(["EUR", "JPY", "BHD"]),
)
def test_its_parts_always_add_up_in_whole_minor_units(base, energy, percent, fee, per_kwh, vat, currency):  # noqa: PLR0917
    price = retail_price(
        base=base, energy_kwh=energy, currency=currency, plan=plan(percent, fee, per_kwh, currency), vat_percent=vat
    )
    unit = minor_unit(currency)
    assert price.base + price.markup == price.net
    assert price.net + price.vat == price.total
    assert all(amount % unit == 0 for amount in (price.base, price.markup, price.net, price.vat, price.total))
    if base >= 0:
        assert price.markup >= 0
        assert price.total >= price.net >= price.base
