"""Sessions pulled a page at a time: through ``session_put``, unchanged ones not rewritten."""

from __future__ import annotations

from typing import Any

import pytest

from ocpi.sessions.client import session_from_wire
from ocpi.sessions.models import Session
from ocpi.sessions.services import sessions_upsert_page
from ocpi.simulator import Dataset

pytestmark = pytest.mark.django_db
DATA = Dataset(seed=5, locations=5, sessions=6, cdrs=0)
PARTY = {"country_code": "NL", "party_id": "CPO"}


@pytest.fixture
def partner():
    from partners.models import Partner

    return Partner.objects.create(name="CPO", status=Partner.Status.REGISTERED, **PARTY)


def upsert(partner, *objects: dict[str, Any]) -> dict[str, int]:
    sessions = [session_from_wire(obj) for obj in objects]
    return dict(+sessions_upsert_page(partner_id=partner.pk, **PARTY, sessions=sessions))


def test_a_page_is_stored_then_left_alone(partner, django_assert_max_num_queries):
    objects = [DATA.session(i) for i in range(6)]
    assert upsert(partner, *objects) == {"created": 6}
    with django_assert_max_num_queries(3):  # savepoint, one SELECT, release
        assert upsert(partner, *objects) == {"unchanged": 6}
    assert Session.objects.get(ocpi_id=DATA.session_id(2)).kwh == objects[2]["kwh"]


def test_newer_sessions_replace_and_older_ones_change_nothing(partner):
    upsert(partner, DATA.session(0), DATA.session(1))
    newer = {**DATA.session(0), "kwh": 99.5, "last_updated": "2030-01-01T00:00:00Z"}
    older = {**DATA.session(1), "kwh": 0.5, "last_updated": "2020-01-01T00:00:00Z"}
    assert upsert(partner, newer, older) == {"updated": 1, "unchanged": 1}
    kwh = dict(Session.objects.values_list("ocpi_id", "kwh"))
    assert (kwh[DATA.session_id(0)], kwh[DATA.session_id(1)]) == (99.5, DATA.session(1)["kwh"])
