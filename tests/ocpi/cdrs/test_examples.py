"""Round trips of the spec's CDR example and ChargeMap's CDR payloads: what a CPO posts is what
the GET of its Location serves, valid against ChargeMap's schema."""

from __future__ import annotations

import pytest

from tests.ocpi.sessions.payloads import CDR_SCHEMA, CHARGEMAP, chargemap, load, served, spec_example
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)


def round_trip(cpo, body):
    response = cpo.call("POST", "cdrs", json=body)
    assert response.status_code == 201, response.text
    answer = cpo.call("GET", response.headers["Location"]).json()
    assert schema_errors(CDR_SCHEMA, answer) == []
    assert answer["data"] == served(body)


def test_it_round_trips_the_spec_cdr_example(cpo):
    round_trip(cpo, spec_example("cdrs_cdr_example.json"))


@pytest.mark.parametrize(
    "path", chargemap("CDR", expect="valid"), ids=lambda path: str(path.relative_to(CHARGEMAP / "tests"))
)
def test_it_round_trips_chargemaps_valid_cdrs(cpo, path):
    round_trip(cpo, load(path))


def test_it_round_trips_the_cdrs_of_chargemaps_cdr_list(cpo):
    (path,) = chargemap("CDR[]", expect="valid")
    for body in load(path)["data"]:
        round_trip(cpo, body)
