"""Sessions and CDRs link an auth_id to our customer (and token) through one selector."""

from __future__ import annotations

import pytest

from ocpi.tokens.selectors import CustomerLink, customer_links_for_auth_ids
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import token

pytestmark = pytest.mark.django_db


def test_it_links_auth_ids_to_customers_and_to_the_token_when_only_one_carries_it(django_assert_num_queries):
    single = customer(contract_id="NL-EMS-SINGLE")
    only = token(single)
    double = customer(contract_id="NL-EMS-DOUBLE")
    token(double)
    token(double, type="OTHER")
    tokenless = customer(contract_id="NL-EMS-NOTOKEN")
    with django_assert_num_queries(2):
        links = customer_links_for_auth_ids(["NL-EMS-SINGLE", "NL-EMS-DOUBLE", "NL-EMS-NOTOKEN", "UNKNOWN", ""])
    assert links == {
        "NL-EMS-SINGLE": CustomerLink(customer_id=single.pk, token_id=only.pk),
        "NL-EMS-DOUBLE": CustomerLink(customer_id=double.pk, token_id=None),
        "NL-EMS-NOTOKEN": CustomerLink(customer_id=tokenless.pk, token_id=None),
    }


def test_it_asks_nothing_for_no_auth_ids(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert customer_links_for_auth_ids([]) == {}
