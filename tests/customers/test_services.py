"""Customers are created, validated, blocked and unblocked through their services."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from customers import services
from customers.models import Customer
from customers.selectors import customers_by_email
from customers.signals import customer_status_changed
from tests.customers.makers import customer, plan

pytestmark = pytest.mark.django_db


def test_it_creates_an_active_customer_with_credit_and_its_plan():
    made = customer(email="  Ann@Example.COM ", contract_id="NL-EMS-C00000042", pricing_plan=plan(name="Basic"))
    stored = Customer.objects.select_related("pricing_plan").get(pk=made.pk)
    assert (stored.email, stored.contract_id, stored.status, stored.has_credit) == (
        "ann@example.com", "NL-EMS-C00000042", "ACTIVE", True,
    )  # fmt: skip
    assert stored.pricing_plan.name == "Basic"
    assert stored.pricing_plan.markup_percent == Decimal("10.00")


def test_it_finds_customers_by_email_whatever_the_case():
    made = customer(email="bob@example.com")
    assert customers_by_email(["BOB@example.com", "nobody@example.com"]) == {"bob@example.com": made}


def test_it_refuses_a_bad_billing_country_naming_the_field():
    with pytest.raises(ValidationError) as refused:
        customer(billing_country="nl")
    assert "billing_country" in refused.value.message_dict


def test_it_refuses_a_policy_list_that_is_not_a_list_of_ids():
    with pytest.raises(ValidationError) as refused:
        customer(blocked_location_ids=["LOC1", "X" * 40])
    assert "blocked_location_ids" in refused.value.message_dict


def test_it_refuses_a_second_customer_with_the_same_contract_id():
    customer(contract_id="NL-EMS-SAME")
    with pytest.raises(ValidationError) as refused:
        customer(contract_id="NL-EMS-SAME")
    assert "contract_id" in refused.value.message_dict


def test_it_refuses_a_negative_markup():
    with pytest.raises(ValidationError) as refused:
        plan(markup_percent="-1")
    assert "markup_percent" in refused.value.message_dict


def test_it_blocks_and_unblocks_once_and_tells_the_rooms_above(django_capture_on_commit_callbacks):
    heard: list[int] = []

    def listener(sender, customer_id, **kwargs):
        heard.append(customer_id)

    customer_status_changed.connect(listener)
    try:
        made = customer()
        assert services.customer_block(customer=made) is True
        assert services.customer_block(customer=made) is False
        assert Customer.objects.get(pk=made.pk).status == "BLOCKED"
        assert services.customer_unblock(customer=made) is True
        assert Customer.objects.get(pk=made.pk).status == "ACTIVE"
    finally:
        customer_status_changed.disconnect(listener)
    assert heard == [made.pk, made.pk]


def test_it_turns_credit_off():
    made = customer()
    services.customer_set_credit(customer=made, has_credit=False)
    assert Customer.objects.get(pk=made.pk).has_credit is False
