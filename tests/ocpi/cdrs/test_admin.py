"""The CDR console: read-only lists of CDRs and conflicts, detail pages with the raw JSON."""

from __future__ import annotations

import pytest

from ocpi.cdrs.models import Cdr, CdrConflict
from tests.ocpi.sessions.payloads import spec_example

CHANGELIST = "/admin/ocpi_cdrs/cdr/"
CONFLICTS = "/admin/ocpi_cdrs/cdrconflict/"

pytestmark = pytest.mark.django_db(transaction=True)


def cdr(**changes):
    return {**spec_example("cdrs_cdr_example.json"), **changes}


@pytest.fixture
def cdrs(cpo, other_cpo):
    for number in range(12):
        cpo.call("POST", "cdrs", json=cdr(id=f"C{number}", auth_id=f"AUTH{number}"))
    cpo.call("POST", "cdrs", json=cdr(id="C1", auth_id="AUTH1", total_cost=7.0))  # a conflict
    other_cpo.call("POST", "cdrs", json=cdr(id="X1", currency="CHF"))
    return Cdr.objects.all()


def test_it_lists_cdrs_with_useful_columns_in_a_bounded_number_of_queries(
    admin_client, cdrs, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        page = admin_client.get(CHANGELIST).content.decode()
    for text in ("C11", "CPO NL/CPO", "15.342", "1.97", "4.0", "EUR", "AUTH3"):
        assert text in page, text


def test_it_filters_by_partner_and_currency_and_searches_by_auth_id(admin_client, cdrs, other_cpo):
    page = admin_client.get(CHANGELIST, {"partner__id__exact": other_cpo.partner.pk}).content.decode()
    assert "X1" in page
    assert "C11" not in page
    page = admin_client.get(CHANGELIST, {"currency": "CHF"}).content.decode()
    assert "X1" in page
    assert "C11" not in page
    page = admin_client.get(CHANGELIST, {"q": "AUTH7"}).content.decode()
    assert "C7" in page
    assert "C11" not in page


def test_it_shows_a_cdr_with_its_periods_conflicts_and_raw_json_read_only(
    admin_client, cdrs, django_assert_max_num_queries
):
    stored = cdrs.get(ocpi_id="C1")
    with django_assert_max_num_queries(10):
        response = admin_client.get(f"{CHANGELIST}{stored.pk}/change/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "TIME 1.973" in page
    assert f"{CONFLICTS}{CdrConflict.objects.get().pk}/change/" in page
    assert "&quot;auth_id&quot;: &quot;AUTH1&quot;" in page
    assert 'name="_save"' not in page
    assert admin_client.post(f"{CHANGELIST}{stored.pk}/delete/").status_code == 403


def test_it_lists_conflicts_and_shows_both_bodies(admin_client, cdrs, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        page = admin_client.get(CONFLICTS).content.decode()
    assert "NL/CPO/C1" in page
    conflict = CdrConflict.objects.get()
    page = admin_client.get(f"{CONFLICTS}{conflict.pk}/change/").content.decode()
    assert "&quot;total_cost&quot;: 7.0" in page
    assert "&quot;total_cost&quot;: 4.0" in page


def test_staff_mark_a_conflict_reviewed_and_the_cdr_stops_counting_it(admin_client, admin_user, cdrs):
    conflict = CdrConflict.objects.get()
    assert listed(admin_client, f"{CONFLICTS}?review=open") == [conflict.pk]
    response = admin_client.post(CONFLICTS, {"action": "mark_reviewed", "_selected_action": [conflict.pk]})
    assert response.status_code == 302
    conflict.refresh_from_db()
    assert conflict.reviewed_by == admin_user
    assert conflict.reviewed_at is not None
    assert listed(admin_client, f"{CONFLICTS}?review=open") == []
    assert listed(admin_client, f"{CONFLICTS}?review=done") == [conflict.pk]
    stored = Cdr.objects.get(ocpi_id="C1")
    assert stored.total_cost == 4.0  # a review never applies the conflicting body
    cdrs_listed = admin_client.get(f"{CHANGELIST}?q=C1").context["cl"].result_list
    assert [cdr.conflict_count for cdr in cdrs_listed if cdr.ocpi_id == "C1"] == [0]


def listed(client, url):
    return [row.pk for row in client.get(url).context["cl"].result_list]
