"""The sessions console: a read-only list and detail page with charging periods and raw JSON."""

from __future__ import annotations

import pytest

from ocpi.sessions.models import Session
from tests.ocpi.sessions.payloads import session

CHANGELIST = "/admin/ocpi_sessions/session/"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def sessions(cpo, other_cpo):
    for number in range(12):
        cpo.call("PUT", f"sessions/NL/CPO/S{number}", json=session(id=f"S{number}", auth_id=f"AUTH{number}"))
    other_cpo.call("PUT", "sessions/DE/OTH/X1", json=session(id="X1", status="ACTIVE"))
    return Session.objects.all()


def test_it_lists_sessions_with_useful_columns_in_a_bounded_number_of_queries(
    admin_client, sessions, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = admin_client.get(CHANGELIST).content.decode()
    for text in ("S11", "CPO NL/CPO", "COMPLETED", "41.0", "1:11:07", "8.5", "EUR", "AUTH3"):
        assert text in page, text


def test_it_filters_by_partner_and_status_and_searches_by_auth_id(admin_client, sessions, other_cpo):
    page = admin_client.get(CHANGELIST, {"partner__id__exact": other_cpo.partner.pk}).content.decode()
    assert "X1" in page
    assert "S11" not in page
    page = admin_client.get(CHANGELIST, {"status__exact": "ACTIVE"}).content.decode()
    assert "X1" in page
    assert "S11" not in page
    page = admin_client.get(CHANGELIST, {"q": "AUTH7"}).content.decode()
    assert "S7" in page
    assert "S11" not in page


def test_it_shows_charging_periods_and_the_raw_json_read_only(admin_client, sessions, django_assert_max_num_queries):
    stored = sessions.get(ocpi_id="S1")
    with django_assert_max_num_queries(10):
        response = admin_client.get(f"{CHANGELIST}{stored.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "MAX_CURRENT 30" in page
    assert "PARKING_TIME 0.718" in page
    assert "&quot;auth_id&quot;: &quot;AUTH1&quot;" in page
    assert 'name="_save"' not in page
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
    assert admin_client.post(f"{CHANGELIST}{stored.pk}/delete/").status_code == 403
