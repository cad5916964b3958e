"""Verification: each CDR priced with the tariff valid at its start, flagged when the CPO's
total differs beyond the tolerance or when it cannot be priced; priced again on demand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from billing import services
from billing.models import CdrPricing, CdrRetail
from ocpi.tariffs.models import TariffRevision
from tests.billing.makers import cdr, partner, publish, receive, two_euro_tariff

pytestmark = pytest.mark.django_db


def priced(cdr_id: int) -> CdrPricing:
    pricing = services.cdr_price(cdr_id=cdr_id)
    assert pricing is not None
    return pricing


@pytest.fixture
def owner():
    return partner()


def test_it_verifies_a_cdr_priced_as_published(owner):
    publish(owner, two_euro_tariff())
    pricing = priced(receive(owner, cdr(total_cost=4.0)))
    assert (pricing.flagged, pricing.reason) == (False, "")
    assert (pricing.cpo_total, pricing.expected_total, pricing.difference) == (Decimal(4), Decimal(4), Decimal(0))
    assert pricing.tariff_source == CdrPricing.Source.REVISION
    assert pricing.tariff_revision == TariffRevision.objects.get()
    assert pricing.breakdown["dimensions"]["TIME"] == {"volume": "2", "amount": "4"}
    assert pricing.breakdown["periods"] == [{"index": 0, "amounts": {"TIME": "4"}, "total": "4"}]


def test_it_flags_a_difference_beyond_the_tolerance(owner):
    publish(owner, two_euro_tariff())
    pricing = priced(receive(owner, cdr(total_cost=4.25)))
    assert pricing.flagged
    assert pricing.difference == Decimal("0.25")
    assert pricing.reason == "CPO total differs from ours by 0.2500 EUR (tolerance 0.01)"


def test_it_accepts_a_difference_within_the_tolerance(owner, settings):
    settings.BILLING_PRICE_TOLERANCE = Decimal("0.05")
    publish(owner, two_euro_tariff())
    pricing = priced(receive(owner, cdr(total_cost=4.05)))
    assert (pricing.flagged, pricing.difference, pricing.tolerance) == (False, Decimal("0.05"), Decimal("0.05"))


def test_it_prices_with_the_revision_valid_at_the_session_start(owner):
    publish(owner, two_euro_tariff(2.0, last_updated="2026-01-01T00:00:00Z"))
    publish(owner, two_euro_tariff(3.0, last_updated="2026-02-02T22:00:00Z"))  # during the session
    pricing = priced(receive(owner, cdr(total_cost=4.0)))
    assert (pricing.expected_total, pricing.flagged) == (Decimal(4), False)
    assert pricing.tariff_revision is not None
    assert pricing.tariff_revision.valid_from.isoformat() == "2026-01-01T00:00:00+00:00"


def test_it_warns_when_the_cdr_carries_other_prices_than_published(owner):
    publish(owner, two_euro_tariff(2.0))
    pricing = priced(receive(owner, cdr(total_cost=5.0, tariffs=[two_euro_tariff(2.5)])))
    assert (pricing.expected_total, pricing.flagged) == (Decimal(4), True)
    assert pricing.warnings[0] == "the CDR carries tariff 12 with other prices than published at its start"


def test_it_falls_back_to_the_tariff_the_cdr_carries(owner):
    pricing = priced(receive(owner, cdr(total_cost=5.0, tariffs=[two_euro_tariff(2.5)])))
    assert (pricing.tariff_source, pricing.expected_total, pricing.flagged) == ("CDR", Decimal(5), False)
    assert pricing.warnings[0] == "tariff 12 was not published before the session started: priced with the CDR's own"


def test_it_uses_the_only_tariff_a_cdr_carries_when_the_connector_names_none(owner):
    pricing = priced(receive(owner, cdr(tariff_id=None, tariffs=[two_euro_tariff()])))
    assert (pricing.tariff_id, pricing.expected_total, pricing.flagged) == ("12", Decimal(4), False)


def test_it_flags_a_cdr_without_any_tariff(owner):
    pricing = priced(receive(owner, cdr(tariff_id=None)))
    assert (pricing.flagged, pricing.expected_total, pricing.reason) == (True, None, "no tariff")


def test_it_flags_a_cdr_whose_tariff_is_unknown(owner):
    pricing = priced(receive(owner, cdr(tariff_id="99")))
    assert pricing.flagged
    assert pricing.reason == "no tariff 99: none published at the session start, none carried"


def test_it_never_compares_amounts_in_different_currencies(owner):
    publish(owner, two_euro_tariff())
    pricing = priced(receive(owner, cdr(currency="CHF")))
    assert (pricing.flagged, pricing.expected_total, pricing.difference) == (True, None, None)
    assert pricing.reason == "tariff 12 is in EUR, the CDR in CHF"


def test_it_ignores_a_tariff_of_another_partner(owner):
    other = partner("Other", "DE", "OTH")
    publish(other, two_euro_tariff(9.0))
    pricing = priced(receive(owner, cdr()))
    assert pricing.flagged
    assert pricing.reason == "no tariff 12: none published at the session start, none carried"


def test_it_prices_again_on_demand_in_the_same_row(owner):
    cdr_id = receive(owner, cdr(total_cost=4.0))
    assert priced(cdr_id).flagged  # nothing published yet
    publish(owner, two_euro_tariff(last_updated="2026-01-01T00:00:00Z"))
    assert services.cdrs_reprice(cdr_ids=[cdr_id]) == 1
    pricing = CdrPricing.objects.get()
    assert (pricing.flagged, pricing.times_computed) == (False, 2)


def test_it_prices_the_cdrs_left_without_a_price(owner):
    publish(owner, two_euro_tariff())
    first, second = receive(owner, cdr(cdr_id="A")), receive(owner, cdr(cdr_id="B"))
    services.cdr_price(cdr_id=first)
    assert services.cdrs_price_missing() == 1
    assert set(CdrPricing.objects.values_list("cdr_id", "times_computed")) == {(first, 1), (second, 1)}


def test_it_ignores_an_unknown_cdr():
    assert services.cdr_price(cdr_id=123456) is None
    assert not CdrPricing.objects.exists()


# --- retail price --------------------------------------------------------------------------


@pytest.fixture
def driver():
    from tests.customers.makers import customer, plan

    chosen = plan(markup_percent="10", fee_per_session="0.35", price_per_kwh="0.05")
    return customer(contract_id="NL-EMS-C00000001-X", billing_country="NL", pricing_plan=chosen)


def test_it_puts_the_drivers_price_on_a_cdr_from_the_cpos_cost(owner, driver):
    publish(owner, two_euro_tariff())
    priced(receive(owner, cdr(total_cost=4.25)))
    retail = CdrRetail.objects.get()
    # 4.25 + 0.425 + 0.35 + 15.342 × 0.05 = 5.7921 -> 5.79; VAT 21 % = 1.2159 -> 1.22
    assert (retail.customer, retail.base_source, retail.problem) == (driver, "cpo", "")
    assert (retail.base, retail.markup, retail.net, retail.vat_rate, retail.vat, retail.total) == (
        Decimal("4.25"),
        Decimal("1.54"),
        Decimal("5.79"),
        Decimal(21),
        Decimal("1.22"),
        Decimal("7.01"),
    )


def test_it_starts_from_our_cost_when_set(owner, driver, settings):
    settings.BILLING_RETAIL_BASE = "ours"
    publish(owner, two_euro_tariff())
    priced(receive(owner, cdr(total_cost=4.25)))
    assert CdrRetail.objects.get().base == Decimal("4.00")


def test_it_says_why_a_cdr_has_no_drivers_price(owner, driver, settings):
    settings.BILLING_RETAIL_BASE = "ours"
    priced(receive(owner, cdr()))  # no tariff: no price of ours
    problem = CdrRetail.objects.get().problem
    assert problem == "no price of ours to start from: no tariff 12: none published at the session start, none carried"


def test_it_says_when_no_customer_is_behind_a_cdr(owner):
    priced(receive(owner, cdr()))
    retail = CdrRetail.objects.get()
    assert (retail.total, retail.problem) == (None, "no customer of ours behind the CDR's auth_id")


def test_it_takes_the_vat_of_the_billing_country_with_overrides(owner, driver, settings):
    settings.BILLING_VAT_RATES = {"NL": Decimal(9)}
    priced(receive(owner, cdr(total_cost=4.0)))
    assert CdrRetail.objects.get().vat_rate == Decimal(9)
