"""Real-time authorization (reference §4.5.1 POST {uid}/authorize): each rule on its own, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from customers.services import customer_block, customer_set_credit
from ocpi.tokens.models import AuthorizationDecision
from ocpi.tokens.services import token_block, token_expire
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import AUTHORIZE_SCHEMA, token
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)
WHERE = {"location_id": "LOC1", "evse_uids": ["EVSE-A", "EVSE-B"], "connector_ids": ["1", "2"]}


def authorize(cpo, uid, body=None, **params):
    kwargs = {"params": params} if params else {}
    if body is not None:
        kwargs["json"] = body
    return cpo.call("POST", f"tokens/{uid}/authorize", **kwargs)


def allowed(cpo, uid, body=None, **params):
    answer = authorize(cpo, uid, body, **params)
    assert answer.status_code == 200, answer.text
    assert schema_errors(AUTHORIZE_SCHEMA, answer.json()) == []
    return answer.json()["data"]


def test_it_allows_a_valid_token_and_echoes_the_location(cpo):
    token(uid="OK1")
    assert allowed(cpo, "OK1", WHERE) == {"allowed": "ALLOWED", "location": WHERE}


def test_it_allows_a_valid_token_without_location_references(cpo):
    token(uid="OK2")
    assert allowed(cpo, "OK2") == {"allowed": "ALLOWED"}


def test_it_answers_404_with_2004_for_an_unknown_token(cpo):
    answer = authorize(cpo, "NOBODY")
    assert answer.status_code == 404
    assert answer.json()["status_code"] == 2004
    assert "data" not in answer.json()


def test_it_reads_type_and_token_type_and_a_type_mismatch_is_unknown(cpo):
    token(uid="RF1", type="RFID")
    assert allowed(cpo, "RF1", type="RFID")["allowed"] == "ALLOWED"
    assert allowed(cpo, "RF1", token_type="RFID")["allowed"] == "ALLOWED"
    assert authorize(cpo, "RF1", type="OTHER").status_code == 404
    bad = authorize(cpo, "RF1", type="CARD")
    assert (bad.status_code, bad.json()["status_code"]) == (400, 2001)
    assert bad.json()["status_message"].startswith("type:")


def test_it_answers_blocked_for_an_invalid_token(cpo):
    token_block(token=token(uid="BL1"))
    assert allowed(cpo, "BL1", WHERE) == {"allowed": "BLOCKED"}


def test_it_answers_blocked_for_a_blocked_customer(cpo):
    owner = customer()
    token(owner, uid="BL2")
    customer_block(customer=owner)
    assert allowed(cpo, "BL2") == {"allowed": "BLOCKED"}


def test_it_answers_expired_for_an_expired_token(cpo):
    token_expire(token=token(uid="EX1"))
    assert allowed(cpo, "EX1") == {"allowed": "EXPIRED"}


def test_it_answers_expired_for_an_expired_contract(cpo):
    owner = customer(valid_until=timezone.now() - timedelta(days=1))
    token(owner, uid="EX2")
    assert allowed(cpo, "EX2") == {"allowed": "EXPIRED"}


def test_it_answers_no_credit_for_a_customer_without_credit(cpo):
    owner = customer()
    token(owner, uid="NC1")
    customer_set_credit(customer=owner, has_credit=False)
    assert allowed(cpo, "NC1") == {"allowed": "NO_CREDIT"}


def test_it_answers_not_allowed_to_a_cpo_outside_the_customers_allowed_partners(cpo, other_cpo):
    owner = customer(allowed_partner_ids=[other_cpo.partner.pk])
    token(owner, uid="NA1")
    assert allowed(cpo, "NA1") == {"allowed": "NOT_ALLOWED"}
    assert allowed(other_cpo, "NA1") == {"allowed": "ALLOWED"}


def test_it_answers_not_allowed_at_a_blocked_location(cpo):
    owner = customer(blocked_location_ids=["LOC1"])
    token(owner, uid="NA2")
    assert allowed(cpo, "NA2", WHERE) == {"allowed": "NOT_ALLOWED"}
    elsewhere = {"location_id": "LOC2"}
    assert allowed(cpo, "NA2", elsewhere) == {"allowed": "ALLOWED", "location": elsewhere}


def test_it_answers_only_the_allowed_evses(cpo):
    owner = customer(blocked_evse_uids=["EVSE-B"])
    token(owner, uid="EV1")
    data = allowed(cpo, "EV1", WHERE)
    assert data == {
        "allowed": "ALLOWED",
        "location": {"location_id": "LOC1", "evse_uids": ["EVSE-A"], "connector_ids": ["1", "2"]},
    }


def test_it_answers_not_allowed_when_every_requested_evse_is_blocked(cpo):
    owner = customer(blocked_evse_uids=["EVSE-A", "EVSE-B"])
    token(owner, uid="EV2")
    assert allowed(cpo, "EV2", WHERE) == {"allowed": "NOT_ALLOWED"}


def test_it_answers_2002_when_the_policy_needs_references_that_are_missing(cpo):
    owner = customer(blocked_location_ids=["LOC9"])
    token(owner, uid="NI1")
    answer = authorize(cpo, "NI1")
    assert (answer.status_code, answer.json()["status_code"]) == (400, 2002)
    evse_policy = customer(blocked_evse_uids=["EVSE-Z"])
    token(evse_policy, uid="NI2")
    answer = authorize(cpo, "NI2", {"location_id": "LOC1"})
    assert (answer.status_code, answer.json()["status_code"]) == (400, 2002)


def test_it_refuses_bad_location_references_naming_the_field(cpo):
    token(uid="BAD1")
    answer = authorize(cpo, "BAD1", {"location_id": "L" * 40})
    assert (answer.status_code, answer.json()["status_code"]) == (400, 2001)
    assert answer.json()["status_message"].startswith("location_id")


def test_it_records_every_decision_with_partner_location_result_and_latency(cpo):
    owner = customer(blocked_evse_uids=["EVSE-B"])
    issued = token(owner, uid="REC1")
    allowed(cpo, "REC1", WHERE)
    authorize(cpo, "UNKNOWN1")
    token_block(token=issued)
    allowed(cpo, "REC1")
    decisions = list(AuthorizationDecision.objects.order_by("id"))
    assert [(d.token_uid, d.result) for d in decisions] == [
        ("REC1", "ALLOWED"), ("UNKNOWN1", "UNKNOWN_TOKEN"), ("REC1", "BLOCKED"),
    ]  # fmt: skip
    first = decisions[0]
    assert (first.partner, first.token, first.location_id) == (cpo.partner, issued, "LOC1")
    assert (first.evse_uids, first.allowed_evse_uids) == (["EVSE-A", "EVSE-B"], ["EVSE-A"])
    assert all(0 < d.latency_ms < 5000 for d in decisions)
    assert decisions[1].token is None
