"""A CPO reads and writes tariffs only under its own country_code/party_id (DESIGN.md §4)."""

from __future__ import annotations

import pytest

from ocpi.tariffs.models import Tariff
from tests.ocpi.tariffs.support import tariff, url

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_answers_404_to_a_put_under_another_party_and_stores_nothing(cpo, other_cpo):
    response = other_cpo.call("PUT", url(party="NL/CPO"), json=tariff())

    assert response.status_code == 404
    assert 2000 <= response.json()["status_code"] < 3000
    assert not Tariff.objects.exists()


@pytest.mark.parametrize("method", ["GET", "PATCH", "DELETE", "PUT"])
def test_it_hides_and_protects_one_cpos_tariff_from_another(cpo, other_cpo, method):
    cpo.call("PUT", url(), json=tariff())
    body = {"currency": "USD"} if method == "PATCH" else tariff(currency="USD", last_updated="2016-01-01T00:00:00Z")

    response = other_cpo.call(method, url(party="NL/CPO"), json=None if method in ("GET", "DELETE") else body)

    assert response.status_code == 404
    assert cpo.call("GET", url()).json()["data"] == tariff()
    assert Tariff.objects.get().deleted_at is None


def test_it_keeps_the_same_tariff_id_of_two_cpos_apart(cpo, other_cpo):
    cpo.call("PUT", url(), json=tariff())
    other_cpo.call("PUT", url(party="DE/OTH"), json=tariff(currency="USD"))

    assert cpo.call("GET", url()).json()["data"]["currency"] == "EUR"
    assert other_cpo.call("GET", url(party="DE/OTH")).json()["data"]["currency"] == "USD"
    other_cpo.call("DELETE", url(party="DE/OTH"))
    assert cpo.call("GET", url()).status_code == 200
