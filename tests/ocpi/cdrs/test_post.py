"""A CPO posts CDRs to us (reference §4.3.1) and reads each back at the URL we answered."""

from __future__ import annotations

import pytest

from ocpi.cdrs.models import Cdr, CdrConflict
from tests.ocpi.sessions.payloads import CDR_SCHEMA, served, spec_example
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)


def cdr(**changes):
    body = spec_example("cdrs_cdr_example.json")
    body.update(changes)
    return body


def test_it_stores_a_cdr_and_answers_201_with_its_absolute_location(cpo, ocpi_server):
    response = cpo.call("POST", "cdrs", json=cdr())
    assert response.status_code == 201, response.text
    assert response.json()["status_code"] == 1000
    assert "data" not in response.json()
    stored = Cdr.objects.get()
    assert response.headers["Location"] == f"{ocpi_server}/ocpi/emsp/2.1.1/cdrs/{stored.pk}"


def test_it_serves_the_cdr_at_that_location_as_posted(cpo):
    body = cdr()
    location = cpo.call("POST", "cdrs", json=body).headers["Location"]
    answer = cpo.call("GET", location).json()
    assert answer["data"] == served(body)
    assert schema_errors(CDR_SCHEMA, answer) == []


def test_it_keys_the_cdr_by_the_callers_party_and_keeps_copies_for_queries(cpo):
    cpo.call("POST", "cdrs", json=cdr(id="AbC-12345"))
    stored = Cdr.objects.get()
    assert (stored.partner, stored.country_code, stored.party_id) == (cpo.partner, "NL", "CPO")
    assert (stored.ocpi_id, stored.ocpi_id_ci) == ("AbC-12345", "abc-12345")
    assert (stored.total_energy, stored.total_time, stored.total_cost, stored.currency) == (15.342, 1.973, 4.0, "EUR")
    assert (stored.auth_id, stored.token_known) == ("DE8ACC12E46L89", False)


def test_it_stores_a_duplicate_once_and_answers_200_with_the_existing_location(cpo):
    first = cpo.call("POST", "cdrs", json=cdr())
    again = cpo.call("POST", "cdrs", json=cdr(id="12345"))
    assert (again.status_code, again.json()["status_code"]) == (200, 1000)
    assert again.headers["Location"] == first.headers["Location"]
    assert Cdr.objects.count() == 1
    assert not CdrConflict.objects.exists()


def test_it_treats_the_cdr_id_case_insensitively(cpo):
    first = cpo.call("POST", "cdrs", json=cdr(id="abc"))
    again = cpo.call("POST", "cdrs", json=cdr(id="ABC"))
    assert again.headers["Location"] == first.headers["Location"]
    assert Cdr.objects.count() == 1


def test_it_keeps_a_different_body_under_a_stored_id_aside_and_never_overwrites(cpo):
    first = cpo.call("POST", "cdrs", json=cdr())
    for _ in range(2):
        other = cpo.call("POST", "cdrs", json=cdr(total_cost=99.0))
        assert (other.status_code, other.json()["status_code"]) == (200, 1000)
        assert "review" in other.json()["status_message"]
        assert other.headers["Location"] == first.headers["Location"]
    assert cpo.call("GET", first.headers["Location"]).json()["data"]["total_cost"] == 4.0
    conflict = CdrConflict.objects.get()
    assert (conflict.cdr, conflict.data["total_cost"], conflict.times_received) == (Cdr.objects.get(), 99.0, 2)


def test_it_keeps_partners_apart(cpo, other_cpo):
    mine = cpo.call("POST", "cdrs", json=cdr()).headers["Location"]
    assert other_cpo.call("GET", mine).status_code == 404
    theirs = other_cpo.call("POST", "cdrs", json=cdr())
    assert theirs.status_code == 201
    assert theirs.headers["Location"] != mine
    assert Cdr.objects.count() == 2
    assert not CdrConflict.objects.exists()


def test_it_answers_404_for_an_unknown_cdr_url(cpo):
    assert cpo.call("GET", "cdrs/999999").status_code == 404
    assert cpo.call("GET", "cdrs/not-a-number").status_code == 404


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
def test_it_answers_405_to_any_change_of_a_cdr(cpo, method):
    location = cpo.call("POST", "cdrs", json=cdr()).headers["Location"]
    for url in (location, "cdrs"):
        response = cpo.call(method, url, json=cdr(total_cost=1.0))
        assert response.status_code == 405, url
        assert response.json()["status_code"] // 1000 == 2
    assert cpo.call("GET", location).json()["data"]["total_cost"] == 4.0


def test_it_answers_405_to_a_get_of_the_cdrs_root(cpo):
    assert cpo.call("GET", "cdrs").status_code == 405
