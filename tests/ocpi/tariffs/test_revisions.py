"""Every accepted PUT/PATCH keeps a revision, so a CDR can later be priced with the tariff valid
when its session started (``selectors.tariff_revision_at``)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ocpi.tariffs.selectors import tariff_revision_at
from tests.ocpi.tariffs.support import tariff, url

pytestmark = pytest.mark.django_db(transaction=True)

FIRST = "2015-06-29T20:39:09Z"
SECOND = "2015-07-01T00:00:00Z"


def _at(cpo, moment: datetime, *, tariff_id: str = "12", party: tuple[str, str] = ("NL", "CPO")):
    return tariff_revision_at(
        partner=cpo.partner, country_code=party[0], party_id=party[1], tariff_id=tariff_id, moment=moment
    )


@pytest.fixture
def two_puts(cpo):
    cpo.call("PUT", url(), json=tariff(last_updated=FIRST))
    cpo.call("PUT", url(), json=tariff(currency="USD", last_updated=SECOND))
    return cpo


def test_it_finds_no_revision_before_the_first_put(two_puts):
    assert _at(two_puts, datetime(2015, 6, 29, 20, 39, 8, tzinfo=UTC)) is None


def test_it_finds_the_first_revision_from_its_last_updated_until_the_second(two_puts):
    for moment in (datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC), datetime(2015, 6, 30, 23, 59, 59, tzinfo=UTC)):
        revision = _at(two_puts, moment)
        assert revision is not None
        assert revision.data == tariff(last_updated=FIRST)
        assert revision.valid_from == datetime(2015, 6, 29, 20, 39, 9, tzinfo=UTC)


def test_it_finds_the_second_revision_from_its_last_updated_on(two_puts):
    for moment in (datetime(2015, 7, 1, tzinfo=UTC), datetime(2030, 1, 1, tzinfo=UTC)):
        revision = _at(two_puts, moment)
        assert revision is not None
        assert revision.data == tariff(currency="USD", last_updated=SECOND)


def test_it_keeps_a_revision_per_patch(two_puts):
    two_puts.call("PATCH", url(), json={"currency": "GBP", "last_updated": "2015-08-01T00:00:00Z"})

    assert _at(two_puts, datetime(2015, 7, 15, tzinfo=UTC)).data["currency"] == "USD"
    assert _at(two_puts, datetime(2015, 8, 2, tzinfo=UTC)).data["currency"] == "GBP"


def test_it_still_finds_revisions_after_a_delete(two_puts):
    two_puts.call("DELETE", url())

    assert _at(two_puts, datetime(2015, 6, 30, tzinfo=UTC)).data["currency"] == "EUR"
    assert _at(two_puts, datetime(2030, 1, 1, tzinfo=UTC)).data["currency"] == "USD"


def test_it_adds_no_revision_for_a_stale_put(two_puts):
    two_puts.call("PUT", url(), json=tariff(currency="GBP", last_updated="2015-06-30T00:00:00Z"))

    assert _at(two_puts, datetime(2015, 6, 30, 12, tzinfo=UTC)).data["currency"] == "EUR"


def test_it_finds_revisions_only_of_the_asked_partner_and_tariff(two_puts, other_cpo):
    other_cpo.call("PUT", url(party="DE/OTH"), json=tariff(currency="CHF", last_updated=FIRST))
    moment = datetime(2015, 6, 30, tzinfo=UTC)

    assert _at(two_puts, moment, tariff_id="13") is None
    assert _at(two_puts, moment, party=("DE", "OTH")) is None
    assert _at(other_cpo, moment, party=("DE", "OTH")).data["currency"] == "CHF"
    by_id = tariff_revision_at(
        partner=two_puts.partner.pk, country_code="nl", party_id="cpo", tariff_id="12", moment=moment
    )
    assert by_id is not None
    assert by_id.data["currency"] == "EUR"
