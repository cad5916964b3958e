"""Staff issue, edit, block, unblock and expire tokens in the admin; decisions are read-only there."""

from __future__ import annotations

import pytest

from ocpi.tokens.models import AuthorizationDecision, Token
from tests.customers.makers import customer
from tests.ocpi.tokens.makers import token
from tests.ocpi.tokens.test_schemas import PAYLOADS, data_of

CHANGELIST = "/admin/ocpi_tokens/token/"
DECISIONS = "/admin/ocpi_tokens/authorizationdecision/"

pytestmark = pytest.mark.django_db


def form(owner, **overrides):
    data = {
        "customer": owner.pk, "uid": "04AA", "type": "RFID", "visual_number": "NL-EMS-1", "issuer": "Open eMSP",
        "whitelist": "ALLOWED", "language": "nl", "valid_until_0": "", "valid_until_1": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_it_issues_a_token_from_the_add_form(admin_client):
    owner = customer(contract_id="NL-EMS-ADM")
    response = admin_client.post(f"{CHANGELIST}add/", form(owner))
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Token.objects.get()
    assert (stored.uid, stored.auth_id, stored.valid, stored.customer) == ("04AA", "NL-EMS-ADM", True, owner)


@pytest.mark.parametrize(
    ("name", "field"),
    [("ko_issuer_too_long", "issuer"), ("ko_invalid_language", "language"), ("ko_uid_too_long", "uid"),
     ("ko_visual_number_too_long", "visual_number"), ("ko_whitelist_invalid", "whitelist"),
     ("ko_type_not_valid", "type"), ("ko_issuer_empty", "issuer"), ("ko_uid_empty", "uid")],
)  # fmt: skip
def test_it_refuses_chargemaps_invalid_values_on_the_form(admin_client, name, field):
    owner = customer()
    value = data_of(PAYLOADS / f"invalid/{name}.json")[field]
    response = admin_client.post(f"{CHANGELIST}add/", form(owner, **{field: value}))
    assert response.status_code == 200
    assert field in response.context["adminform"].form.errors
    assert not Token.objects.exists()


def test_it_edits_a_token_through_the_service_bumping_last_updated(admin_client):
    issued = token()
    before = issued.last_updated
    data = form(issued.customer, uid=issued.uid, whitelist="NEVER", language="", visual_number="NL-EMS-0001")
    response = admin_client.post(f"{CHANGELIST}{issued.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    stored = Token.objects.get(pk=issued.pk)
    assert (stored.whitelist, stored.language) == ("NEVER", "")
    assert stored.last_updated > before


def test_it_blocks_unblocks_and_expires_with_actions(admin_client):
    issued = token()
    admin_client.post(CHANGELIST, {"action": "block", "_selected_action": [issued.pk]})
    assert Token.objects.get(pk=issued.pk).valid is False
    admin_client.post(CHANGELIST, {"action": "unblock", "_selected_action": [issued.pk]})
    assert Token.objects.get(pk=issued.pk).valid is True
    admin_client.post(CHANGELIST, {"action": "expire", "_selected_action": [issued.pk]})
    stored = Token.objects.get(pk=issued.pk)
    assert (stored.valid, stored.valid_until is not None) == (False, True)
    response = admin_client.post(CHANGELIST, {"action": "unblock", "_selected_action": [issued.pk]}, follow=True)
    assert "valid_until: the token has expired" in response.content.decode()
    assert Token.objects.get(pk=issued.pk).valid is False


def test_it_filters_and_searches_tokens(admin_client):
    owner = customer(email="findme@example.com")
    token(owner, uid="FOUND1", type="OTHER")
    token(uid="OTHER1")
    page = admin_client.get(CHANGELIST, {"q": "findme@example"}).content.decode()
    assert "FOUND1" in page
    assert "OTHER1" not in page
    page = admin_client.get(CHANGELIST, {"type__exact": "OTHER"}).content.decode()
    assert "FOUND1" in page
    assert "OTHER1" not in page
    page = admin_client.get(CHANGELIST, {"customer__status__exact": "ACTIVE"}).content.decode()
    assert "FOUND1" in page


def test_it_shows_decisions_read_only_with_filters(admin_client):
    from partners.models import Partner

    partner = Partner.objects.create(name="CPO X", country_code="NL", party_id="CPX", status="REGISTERED")
    AuthorizationDecision.objects.create(partner=partner, token_uid="DEC1", result="NO_CREDIT", latency_ms=1.5)
    page = admin_client.get(DECISIONS, {"result__exact": "NO_CREDIT"}).content.decode()
    assert "DEC1" in page
    assert admin_client.get(f"{DECISIONS}add/").status_code == 403


def test_it_lists_tokens_in_a_bounded_number_of_queries(admin_client, django_assert_max_num_queries):
    for number in range(3):
        owner = customer()
        for index in range(5):
            token(owner, uid=f"LIST{number}-{index}")
    with django_assert_max_num_queries(12):
        page = admin_client.get(CHANGELIST).content.decode()
    assert "LIST2-4" in page
    assert "ACTIVE" in page
