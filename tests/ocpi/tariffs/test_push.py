"""A CPO pushes tariffs to us (reference §4.4.1): GET, PUT, PATCH, DELETE of one tariff."""

from __future__ import annotations

import pytest

from ocpi.tariffs.models import Tariff, TariffRevision
from tests.ocpi.tariffs.support import TARIFF_SCHEMA, tariff, url
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_creates_a_tariff_with_put_and_answers_201_without_data(cpo):
    response = cpo.call("PUT", url(), json=tariff())

    assert response.status_code == 201
    body = response.json()
    assert body["status_code"] == 1000
    assert "data" not in body


def test_it_answers_get_with_what_was_put_field_for_field(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("GET", url())

    assert response.status_code == 200
    assert response.json()["data"] == tariff()
    assert schema_errors(TARIFF_SCHEMA, response.json()["data"]) == []


def test_it_replaces_a_stored_tariff_with_put_and_answers_200(cpo):
    cpo.call("PUT", url(), json=tariff())
    newer = tariff(currency="USD", tariff_alt_url=..., energy_mix=..., last_updated="2015-06-30T10:00:00Z")

    response = cpo.call("PUT", url(), json=newer)

    assert response.status_code == 200
    assert "data" not in response.json()
    assert cpo.call("GET", url()).json()["data"] == newer


def test_it_answers_datetimes_in_utc_with_z_whatever_came_in(cpo):
    cpo.call("PUT", url(), json=tariff(last_updated="2015-06-29T22:39:09.123+02:00"))

    assert cpo.call("GET", url()).json()["data"]["last_updated"] == "2015-06-29T20:39:09Z"


def test_it_ignores_a_stale_put_and_still_answers_1000(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("PUT", url(), json=tariff(currency="USD", last_updated="2015-06-28T00:00:00Z"))

    assert response.status_code == 200
    assert response.json()["status_code"] == 1000
    assert cpo.call("GET", url()).json()["data"]["currency"] == "EUR"
    assert TariffRevision.objects.count() == 1


def test_it_replaces_the_elements_list_on_patch(cpo):
    cpo.call("PUT", url(), json=tariff())
    elements = [{"price_components": [{"type": "TIME", "price": 2.5, "step_size": 300}]}]

    response = cpo.call("PATCH", url(), json={"elements": elements, "last_updated": "2015-07-01T00:00:00Z"})

    assert response.status_code == 200
    assert "data" not in response.json()
    assert cpo.call("GET", url()).json()["data"] == tariff(elements=elements, last_updated="2015-07-01T00:00:00Z")


def test_it_clears_an_optional_field_patched_to_null_and_keeps_absent_ones(cpo):
    cpo.call("PUT", url(), json=tariff())

    cpo.call("PATCH", url(), json={"tariff_alt_url": None, "last_updated": "2015-07-01T00:00:00Z"})

    data = cpo.call("GET", url()).json()["data"]
    assert "tariff_alt_url" not in data
    assert data["tariff_alt_text"] == tariff()["tariff_alt_text"]
    assert data["elements"] == tariff()["elements"]


def test_it_refuses_null_for_a_required_field_on_patch(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("PATCH", url(), json={"currency": None})

    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert "currency" in response.json()["status_message"]
    assert cpo.call("GET", url()).json()["data"] == tariff()


def test_it_sets_last_updated_to_the_time_received_on_a_patch_without_one(cpo):
    cpo.call("PUT", url(), json=tariff())

    cpo.call("PATCH", url(), json={"currency": "USD"})

    data = cpo.call("GET", url()).json()["data"]
    assert data["currency"] == "USD"
    assert data["last_updated"] > "2020-01-01T00:00:00Z"
    assert schema_errors(TARIFF_SCHEMA, data) == []


def test_it_ignores_a_stale_patch_and_still_answers_1000(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("PATCH", url(), json={"currency": "USD", "last_updated": "2015-01-01T00:00:00Z"})

    assert response.json()["status_code"] == 1000
    assert cpo.call("GET", url()).json()["data"] == tariff()


def test_it_answers_404_to_get_and_patch_of_an_unknown_tariff(cpo):
    assert cpo.call("GET", url("nope")).status_code == 404
    response = cpo.call("PATCH", url("nope"), json={"currency": "USD"})
    assert response.status_code == 404
    assert 2000 <= response.json()["status_code"] < 3000
    assert not Tariff.objects.exists()


def test_it_deletes_a_tariff_so_that_get_and_patch_answer_404_but_keeps_its_revisions(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("DELETE", url())

    assert response.status_code == 200
    assert response.json()["status_code"] == 1000
    assert "data" not in response.json()
    assert cpo.call("GET", url()).status_code == 404
    assert cpo.call("PATCH", url(), json={"currency": "USD"}).status_code == 404
    stored = Tariff.objects.get()
    assert stored.deleted_at is not None
    assert stored.revisions.count() == 1


def test_it_answers_a_repeated_delete_with_1000_and_an_unknown_one_with_404(cpo):
    cpo.call("PUT", url(), json=tariff())
    cpo.call("DELETE", url())
    deleted_at = Tariff.objects.get().deleted_at

    assert cpo.call("DELETE", url()).json()["status_code"] == 1000
    assert Tariff.objects.get().deleted_at == deleted_at
    assert cpo.call("DELETE", url("nope")).status_code == 404


def test_it_revives_a_deleted_tariff_with_a_later_put_answered_201(cpo):
    cpo.call("PUT", url(), json=tariff())
    cpo.call("DELETE", url())
    revived = tariff(currency="USD", last_updated="2015-07-01T00:00:00Z")

    response = cpo.call("PUT", url(), json=revived)

    assert response.status_code == 201
    assert cpo.call("GET", url()).json()["data"] == revived
    assert Tariff.objects.get().deleted_at is None


def test_it_does_not_revive_a_deleted_tariff_with_a_stale_put(cpo):
    cpo.call("PUT", url(), json=tariff())
    cpo.call("DELETE", url())

    response = cpo.call("PUT", url(), json=tariff(last_updated="2015-01-01T00:00:00Z"))

    assert response.json()["status_code"] == 1000
    assert cpo.call("GET", url()).status_code == 404


def test_it_adds_no_revision_when_the_same_tariff_is_put_again(cpo):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("PUT", url(), json=tariff())

    assert response.status_code == 200
    assert TariffRevision.objects.count() == 1


def test_it_accepts_lower_case_country_code_and_party_id_in_the_url(cpo):
    assert cpo.call("PUT", url(party="nl/cpo"), json=tariff()).status_code == 201

    assert cpo.call("GET", url()).json()["data"] == tariff()


@pytest.mark.parametrize("method", ["POST", "OPTIONS"])
def test_it_answers_other_methods_with_405_and_the_envelope(cpo, method):
    response = cpo.call(method, url(), json=tariff())

    assert response.status_code == 405
    assert {"status_code", "timestamp"} <= set(response.json())
    assert not Tariff.objects.exists()


def test_it_lists_the_tariffs_module_in_version_details(cpo):
    endpoints = cpo.call("GET", "").json()["data"]["endpoints"]

    assert {"identifier": "tariffs", "url": f"{cpo.base_url}/ocpi/emsp/2.1.1/tariffs"} in endpoints
