"""A received Session or CDR is matched to our customer and token by its auth_id (the contract id)."""

from __future__ import annotations

import pytest

from ocpi.cdrs.models import Cdr
from ocpi.sessions.models import Session
from tests.customers.makers import customer as make_customer
from tests.ocpi.sessions.payloads import spec_example
from tests.ocpi.tokens.makers import token as make_token

URL = "sessions/NL/CPO/101"

pytestmark = pytest.mark.django_db(transaction=True)


def session(**changes):
    return {**spec_example("sessions_session_example_starting.json"), "id": "101", **changes}


def test_a_session_is_linked_to_the_customer_and_its_only_token(cpo):
    driver = make_customer()
    card = make_token(driver)
    assert cpo.call("PUT", URL, json=session(auth_id=driver.contract_id)).status_code == 201
    stored = Session.objects.get()
    assert (stored.customer_id, stored.token_id, stored.token_known) == (driver.pk, card.pk, True)


def test_a_contract_with_two_tokens_links_the_customer_but_no_single_token(cpo):
    driver = make_customer()
    make_token(driver)
    make_token(driver, type="OTHER")
    cpo.call("PUT", URL, json=session(auth_id=driver.contract_id))
    stored = Session.objects.get()
    assert (stored.customer_id, stored.token_id, stored.token_known) == (driver.pk, None, True)


def test_a_patch_that_changes_auth_id_relinks_the_session(cpo):
    first, second = make_customer(), make_customer()
    cpo.call("PUT", URL, json=session(auth_id=first.contract_id, last_updated="2015-06-29T22:39:09Z"))
    response = cpo.call("PATCH", URL, json={"auth_id": second.contract_id, "last_updated": "2015-06-30T00:00:00Z"})
    assert response.status_code == 200
    assert Session.objects.get().customer_id == second.pk
    cpo.call("PATCH", URL, json={"auth_id": "NOBODY", "last_updated": "2015-06-30T00:01:00Z"})
    stored = Session.objects.get()
    assert (stored.auth_id, stored.customer_id, stored.token_known) == ("NOBODY", None, False)


def test_a_cdr_is_linked_to_the_customer_and_an_unknown_one_is_kept_and_flagged(cpo):
    driver = make_customer()
    card = make_token(driver)
    cdr = spec_example("cdrs_cdr_example.json")
    assert cpo.call("POST", "cdrs", json={**cdr, "id": "C1", "auth_id": driver.contract_id}).status_code == 201
    assert cpo.call("POST", "cdrs", json={**cdr, "id": "C2", "auth_id": "NOBODY"}).status_code == 201
    linked, unknown = Cdr.objects.get(ocpi_id="C1"), Cdr.objects.get(ocpi_id="C2")
    assert (linked.customer_id, linked.token_id, linked.token_known) == (driver.pk, card.pk, True)
    assert (unknown.customer_id, unknown.token_id, unknown.token_known) == (None, None, False)
