"""Reading a list: small pages grouped into one write, by count and by time."""

from __future__ import annotations

import time

import pytest

from ocpi.core.client import OcpiPage
from sync.pullers import PULLERS
from sync.reading import _batched
from sync.services import sync_run
from tests.sync.conftest import DATASET

ENERGY = {"type": "ENERGY", "price": 0.3, "step_size": 1}
TARIFF = {
    "id": "T1",
    "currency": "EUR",
    "elements": [{"price_components": [ENERGY]}],
    "last_updated": "2025-01-01T00:00:00Z",
}


def pages(count: int, size: int, *, pause: float = 0.0):
    for _ in range(count):
        time.sleep(pause)
        yield OcpiPage(objects=[TARIFF] * (size - 1) + [{"id": "broken"}], url="", total=None, limit=None)


def test_small_pages_are_grouped_until_enough_objects():
    batches = list(_batched(PULLERS["tariffs"], pages(7, 4), objects=10, seconds=60))
    assert [(batch.pages, len(batch.valid), len(batch.refused)) for batch in batches] == [
        (3, 9, 3),
        (3, 9, 3),
        (1, 3, 1),
    ]
    assert batches[0].refused[0][0] == "broken"


def test_a_slow_list_is_written_at_least_every_few_seconds():
    batches = list(_batched(PULLERS["tariffs"], pages(3, 2, pause=0.06), objects=1000, seconds=0.1))
    assert [batch.pages for batch in batches] == [2, 1]


@pytest.mark.django_db(transaction=True)
def test_a_run_counts_every_page_of_its_batches(partner, settings):
    settings.SYNC_BATCH_OBJECTS = 25
    run = sync_run(partner_id=partner.pk, module="locations")
    assert (run.pages, run.created) == (3, DATASET.locations)
