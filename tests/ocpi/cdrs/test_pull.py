"""CDRs pulled a page at a time: stored once through ``cdr_receive``; the same CDR again is
unchanged, a different body under a stored id is kept aside, never applied."""

from __future__ import annotations

from typing import Any

import pytest

from ocpi.cdrs.client import cdr_from_wire
from ocpi.cdrs.models import Cdr, CdrConflict
from ocpi.cdrs.services import cdrs_receive_page
from ocpi.simulator import Dataset

pytestmark = pytest.mark.django_db
DATA = Dataset(seed=5, locations=5, sessions=0, cdrs=5)
PARTY = {"country_code": "NL", "party_id": "CPO"}


@pytest.fixture
def partner():
    from partners.models import Partner

    return Partner.objects.create(name="CPO", status=Partner.Status.REGISTERED, **PARTY)


def receive(partner, *objects: dict[str, Any]) -> dict[str, int]:
    cdrs = [cdr_from_wire(obj) for obj in objects]
    return dict(+cdrs_receive_page(partner_id=partner.pk, **PARTY, cdrs=cdrs))


def test_a_page_is_stored_once(partner, django_assert_max_num_queries):
    objects = [DATA.cdr(i) for i in range(5)]
    assert receive(partner, *objects) == {"created": 5}
    with django_assert_max_num_queries(3):  # savepoint, one SELECT, release
        assert receive(partner, *objects) == {"unchanged": 5}
    assert Cdr.objects.count() == 5


def test_a_different_body_under_a_stored_id_is_kept_aside(partner):
    receive(partner, DATA.cdr(1))
    changed = {**DATA.cdr(1), "total_cost": 1234.5}
    assert receive(partner, changed) == {"conflict": 1}
    assert Cdr.objects.get().total_cost == DATA.cdr(1)["total_cost"]
    assert CdrConflict.objects.get().data["total_cost"] == 1234.5
