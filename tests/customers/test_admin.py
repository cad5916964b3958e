"""Staff create and edit customers in the admin, and block and unblock them."""

from __future__ import annotations

import pytest

from customers.models import Customer
from tests.customers.makers import customer, plan

CHANGELIST = "/admin/customers/customer/"

pytestmark = pytest.mark.django_db


def form(**overrides):
    data = {
        "name": "Carla Driver",
        "email": "Carla@Example.com",
        "contract_id": "NL-EMS-C00000777",
        "billing_country": "NL",
        "pricing_plan": plan().pk,
        "has_credit": "on",
        "valid_until_0": "",
        "valid_until_1": "",
        "blocked_location_ids": "[]",
        "blocked_evse_uids": "[]",
    }
    data.update(overrides)
    return data


def test_it_creates_a_customer_from_the_add_form(admin_client):
    response = admin_client.post(f"{CHANGELIST}add/", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    stored = Customer.objects.get()
    assert (stored.email, stored.contract_id, stored.status) == ("carla@example.com", "NL-EMS-C00000777", "ACTIVE")


def test_it_shows_a_bad_policy_list_on_the_form(admin_client):
    response = admin_client.post(f"{CHANGELIST}add/", form(blocked_location_ids='{"not": "a list"}'))
    assert response.status_code == 200
    assert not Customer.objects.exists()


def test_it_blocks_and_unblocks_with_actions(admin_client):
    made = customer()
    admin_client.post(CHANGELIST, {"action": "block", "_selected_action": [made.pk]})
    assert Customer.objects.get(pk=made.pk).status == "BLOCKED"
    admin_client.post(CHANGELIST, {"action": "unblock", "_selected_action": [made.pk]})
    assert Customer.objects.get(pk=made.pk).status == "ACTIVE"


def test_it_filters_by_status_and_searches_by_contract_id(admin_client):
    blocked = customer(contract_id="NL-EMS-BLOCKED1")
    customer(contract_id="NL-EMS-ACTIVE01")
    admin_client.post(CHANGELIST, {"action": "block", "_selected_action": [blocked.pk]})
    page = admin_client.get(CHANGELIST, {"status__exact": "BLOCKED"}).content.decode()
    assert "NL-EMS-BLOCKED1" in page
    assert "NL-EMS-ACTIVE01" not in page
    page = admin_client.get(CHANGELIST, {"q": "ACTIVE01"}).content.decode()
    assert "NL-EMS-ACTIVE01" in page
    assert "NL-EMS-BLOCKED1" not in page
