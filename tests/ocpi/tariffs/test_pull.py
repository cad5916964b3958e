"""Tariffs pulled a page at a time: through ``tariff_put`` (a revision per change, none for a
repeat), and the ones a full pull no longer sees."""

from __future__ import annotations

from typing import Any

import pytest

from ocpi.simulator import Dataset
from ocpi.tariffs.client import tariff_from_wire
from ocpi.tariffs.models import Tariff, TariffRevision
from ocpi.tariffs.services import tariff_delete, tariffs_not_seen, tariffs_upsert_page

pytestmark = pytest.mark.django_db
DATA = Dataset(seed=5, locations=1, sessions=0, cdrs=0, tariffs=3)
PARTY = {"country_code": "NL", "party_id": "CPO"}


@pytest.fixture
def partner():
    from partners.models import Partner

    return Partner.objects.create(name="CPO", status=Partner.Status.REGISTERED, **PARTY)


def upsert(partner, *objects: dict[str, Any]) -> dict[str, int]:
    tariffs = [tariff_from_wire(obj) for obj in objects]
    return dict(+tariffs_upsert_page(partner_id=partner.pk, **PARTY, tariffs=tariffs))


def test_a_page_again_adds_no_revision(partner):
    objects = [DATA.tariff(i) for i in range(3)]
    assert upsert(partner, *objects) == {"created": 3}
    assert upsert(partner, *objects) == {"unchanged": 3}
    assert TariffRevision.objects.count() == 3


def test_a_newer_tariff_adds_a_revision_and_a_deleted_one_comes_back(partner):
    upsert(partner, DATA.tariff(0), DATA.tariff(1))
    tariff_delete(partner_id=partner.pk, **PARTY, tariff_id=DATA.tariff(1)["id"])
    newer = {**DATA.tariff(0), "currency": "USD", "last_updated": "2030-01-01T00:00:00Z"}
    assert upsert(partner, newer, DATA.tariff(1)) == {"updated": 1, "created": 1}
    assert Tariff.objects.get(ocpi_id=DATA.tariff(0)["id"]).currency == "USD"
    assert not Tariff.objects.filter(deleted_at__isnull=False).exists()


def test_tariffs_not_seen_are_the_live_ones_outside_the_crawl(partner):
    upsert(partner, *(DATA.tariff(i) for i in range(3)))
    ids = [DATA.tariff(i)["id"] for i in range(3)]
    tariff_delete(partner_id=partner.pk, **PARTY, tariff_id=ids[2])
    assert tariffs_not_seen(partner_id=partner.pk, **PARTY, seen=[ids[0]]) == [ids[1]]
