"""The billing console: flagged CDRs with the CPO's breakdown beside ours, and re-pricing."""

from __future__ import annotations

import pytest

from billing import services
from billing.models import CdrPricing
from tests.billing.makers import cdr, partner, publish, receive, two_euro_tariff

CHANGELIST = "/admin/billing/cdrpricing/"

pytestmark = pytest.mark.django_db


@pytest.fixture
def priced():
    owner = partner()
    publish(owner, two_euro_tariff())
    right = services.cdr_price(cdr_id=receive(owner, cdr(cdr_id="RIGHT", total_cost=4.0)))
    wrong = services.cdr_price(cdr_id=receive(owner, cdr(cdr_id="WRONG", total_cost=6.5)))
    return right, wrong


def test_it_lists_only_the_flagged_cdrs_when_asked(admin_client, priced, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        page = admin_client.get(CHANGELIST, {"flagged__exact": "1"}).content.decode()
    assert "NL/CPO/WRONG" in page
    assert "NL/CPO/RIGHT" not in page
    assert "CPO total differs from ours by 2.5000 EUR" in page


def test_it_shows_both_breakdowns_side_by_side(admin_client, priced):
    _, wrong = priced
    page = admin_client.get(f"{CHANGELIST}{wrong.pk}/change/").content.decode()
    assert "CPO: dimensions" in page
    assert "ours: amounts" in page
    assert "TIME 1.973" in page  # the CPO's charging period
    assert "total_cost 6.5 EUR" in page
    assert "<td>TIME 4</td><td>4</td>" in page  # our period: amounts and total
    assert "step_size 300: rounded up" in page  # our lines


def test_it_is_read_only(admin_client, priced):
    _, wrong = priced
    assert admin_client.post(f"{CHANGELIST}{wrong.pk}/change/", {"flagged": ""}).status_code == 403
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_it_prices_again_from_the_admin(admin_client, priced):
    right, wrong = priced
    response = admin_client.post(
        CHANGELIST, {"action": "reprice", "_selected_action": [right.pk, wrong.pk]}, follow=True
    )
    assert "2 CDR(s) priced again." in response.content.decode()
    assert sorted(CdrPricing.objects.values_list("times_computed", flat=True)) == [2, 2]


def test_it_lists_drivers_prices_with_their_parts(admin_client):
    from tests.customers.makers import customer

    owner = partner()
    customer(contract_id="NL-EMS-C00000001-X", email="ann@example.com")
    publish(owner, two_euro_tariff())
    services.cdr_price(cdr_id=receive(owner, cdr(total_cost=4.0)))
    page = admin_client.get("/admin/billing/cdrretail/").content.decode()
    assert "ann@example.com" in page
    assert "NL/CPO/CDR-1" in page
    assert admin_client.get("/admin/billing/cdrretail/add/").status_code == 403
    pricing = CdrPricing.objects.get()
    detail = admin_client.get(f"{CHANGELIST}{pricing.pk}/change/").content.decode()
    # 4.00 + 10 % + 0.35 fee (the makers' plan) = 4.7500 net, 21 % VAT 0.9975 -> 1.00: 5.75
    assert "4.0000 base + 0.7500 markup = 4.7500 net + 1.0000 VAT (21.00 %) = <b>5.7500 EUR</b>" in detail


def test_it_shows_an_unpriceable_cdr_with_its_reason(admin_client):
    owner = partner()
    pricing = services.cdr_price(cdr_id=receive(owner, cdr(tariff_id="99")))
    assert pricing is not None
    response = admin_client.get(f"{CHANGELIST}{pricing.pk}/change/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "no tariff 99: none published at the session start, none carried" in page
    assert "TIME 1.973" in page  # the CPO's side is shown even without ours
