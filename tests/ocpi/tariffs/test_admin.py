"""The staff console shows tariffs read-only, with their revisions and the raw JSON."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpi.core.wire import convert
from ocpi.tariffs import schemas, services
from ocpi.tariffs.models import Tariff
from partners.models import Partner
from tests.ocpi.tariffs.support import tariff


@pytest.fixture
def stored(db):
    partner = Partner.objects.create(
        name="CPO NL/CPO", country_code="NL", party_id="CPO", status=Partner.Status.REGISTERED, version="2.1.1"
    )
    for number in range(5):
        for month in (6, 7):
            body = tariff(id=f"T{number}", last_updated=f"2015-{month:02d}-01T00:00:00Z")
            services.tariff_put(
                partner_id=partner.pk, country_code="NL", party_id="CPO", tariff=convert(body, schemas.Tariff)
            )
    services.tariff_delete(partner_id=partner.pk, country_code="NL", party_id="CPO", tariff_id="T4")
    return Tariff.objects.get(ocpi_id="T0")


def test_it_lists_tariffs_with_a_bounded_number_of_queries(admin_client, stored, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        response = admin_client.get("/admin/ocpi_tariffs/tariff/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "T0" in page
    assert "T4" in page
    assert "EUR" in page


@pytest.mark.parametrize("query", ["?q=T1", "?deleted=yes", "?deleted=no", "?currency__exact=EUR", "?o=6"])
def test_it_filters_and_searches_the_tariff_list(admin_client, stored, query):
    assert admin_client.get(f"/admin/ocpi_tariffs/tariff/{query}").status_code == 200


def test_it_filters_deleted_tariffs(admin_client, stored):
    page = admin_client.get("/admin/ocpi_tariffs/tariff/?deleted=yes").content.decode()

    assert ">T4<" in page
    assert ">T0<" not in page


def test_it_shows_a_tariff_with_its_revisions_and_raw_json(admin_client, stored, django_assert_max_num_queries):
    with django_assert_max_num_queries(9):
        response = admin_client.get(f"/admin/ocpi_tariffs/tariff/{stored.pk}/change/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "2015-06-01" in page or "June 1, 2015" in page
    assert "TIME 2.0 per 300" in page
    assert "&quot;currency&quot;: &quot;EUR&quot;" in page


def test_it_refuses_to_add_change_or_delete_tariffs(admin_client, stored):
    assert admin_client.get("/admin/ocpi_tariffs/tariff/add/").status_code == 403
    assert admin_client.post(f"/admin/ocpi_tariffs/tariff/{stored.pk}/delete/").status_code == 403
    response = admin_client.post(f"/admin/ocpi_tariffs/tariff/{stored.pk}/change/", {"currency": "USD"})
    assert response.status_code == 403
    assert Tariff.objects.get(pk=stored.pk).currency == "EUR"
    assert datetime(2015, 7, 1, tzinfo=UTC) == Tariff.objects.get(pk=stored.pk).last_updated
