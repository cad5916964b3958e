"""Each fault mode of the sender interfaces, observable over real HTTP and set at run time."""

from __future__ import annotations

import time

import msgspec
import pytest
import requests

from ocpi.core.client import OcpiClient
from ocpi.locations.schemas import Location
from ocpi.simulator.faults import Faults, Share
from ocpi.simulator.generate import Dataset
from tests.ocpi.simulator.conftest import walk

NETWORK = Dataset(seed=11, locations=200, sessions=0, cdrs=0, tariffs=3)


def get(url: str, token: str, *, timeout: float = 10, **params) -> requests.Response:
    return requests.get(url, params=params, headers={"Authorization": f"Token {token}"}, timeout=timeout)


def test_slow_answers_take_the_delay(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.delay = 0.4
    started = time.monotonic()
    assert get(sim.module_url("tariffs"), token).status_code == 200
    assert time.monotonic() - started >= 0.4


def test_a_share_of_answers_is_503_with_an_ocpi_3000_envelope(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.errors.configure(0.5)
    answers = [get(sim.module_url("tariffs"), token) for _ in range(6)]
    assert [answer.status_code for answer in answers] == [200, 503, 200, 503, 200, 503]
    failed = answers[1].json()
    assert (failed["status_code"], "data" in failed) == (3000, False)
    assert "fault mode" in failed["status_message"]


def test_forced_errors_hit_the_next_requests_only(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.errors.force(2)
    answers = [get(sim.module_url("locations"), token) for _ in range(3)]
    assert [answer.status_code for answer in answers] == [503, 503, 200]
    assert answers[0].json()["status_code"] == 3000


def test_a_random_share_is_reproducible_from_its_seed():
    first, second = Share(0.3, mode="random", seed=4), Share(0.3, mode="random", seed=4)
    assert [first.hit() for _ in range(50)] == [second.hit() for _ in range(50)]
    third = Share(0.3, mode="random", seed=4)
    assert 15 < sum(third.hit() for _ in range(100)) < 45


def test_a_timeout_answers_nothing_until_the_client_gives_up(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.hang = 5.0
    sim.faults.timeouts.force(1)
    with pytest.raises(requests.ReadTimeout):
        get(sim.module_url("locations"), token, timeout=0.5)
    assert get(sim.module_url("locations"), token).status_code == 200


def test_our_client_survives_a_timeout_by_retrying(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.hang = 5.0
    sim.faults.timeouts.force(1)
    client = OcpiClient(token, journal=False, read_timeout=0.5, max_retries=2, backoff_base=0.01)
    assert len(client.get(sim.module_url("tariffs")).data) == 3


def test_malformed_objects_sit_among_valid_ones_and_keep_their_ids(open_sim):
    sim, token = open_sim(dataset=NETWORK)
    sim.faults.malformed_share = 0.1
    objects = get(sim.module_url("locations"), token, limit=200).json()["data"]
    broken = []
    for obj in objects:
        try:
            msgspec.convert(obj, Location)
        except msgspec.ValidationError:
            broken.append(obj["id"])
    assert 5 <= len(broken) <= 40
    assert len(objects) == 200
    again = get(sim.module_url("locations"), token, limit=200).json()["data"]
    assert [obj["id"] for obj in again if obj["coordinates"]["latitude"] == "north"] == broken  # stable


def test_tiny_pages_cap_the_limit_and_still_cover_the_list(open_sim):
    sim, token = open_sim(dataset=NETWORK, faults=Faults(page_cap=3))
    pages = walk(sim.module_url("tariffs"), token, limit=100)
    assert [page.headers["X-Limit"] for page in pages] == ["3"]
    sim.faults.page_cap = 40
    pages = walk(sim.module_url("locations"), token, limit=100)
    assert len(pages) == 5
    assert {page.headers["X-Limit"] for page in pages} == {"40"}


def test_objects_come_and_go_during_a_crawl(open_sim):
    sim, token = open_sim(dataset=NETWORK, faults=Faults(page_cap=20, churn=2, seed=3))
    pages = walk(sim.module_url("locations"), token)
    seen = [obj["id"] for page in pages for obj in page.json()["data"]]
    assert {page.headers["X-Total-Count"] for page in pages} == {"200"}  # as many came as went
    newcomers = [one for one in seen if int(one.removeprefix("LOC")) >= 200]
    assert newcomers  # inserted during the crawl, found on the last pages
    everything_now = {obj["id"] for page in walk(sim.module_url("locations"), token) for obj in page.json()["data"]}
    assert set(seen) != everything_now  # a single crawl missed changes: what full pulls are for
    assert len(sim.data["locations"]) == 200


def test_without_link_a_client_pages_by_offset_and_total(open_sim):
    sim, token = open_sim(dataset=NETWORK, faults=Faults(page_cap=30, link=False))
    first = get(sim.module_url("locations"), token)
    assert "Link" not in first.headers
    assert first.headers["X-Total-Count"] == "200"
    client = OcpiClient(token, journal=False, max_retries=0)
    pages = list(client.iter_pages(sim.module_url("locations"), limit=100))
    assert [obj["id"] for page in pages for obj in page.objects] == [f"LOC{i:07d}" for i in range(200)]
    assert len(pages) == 7


def test_reset_ends_every_fault(open_sim):
    sim, token = open_sim(dataset=NETWORK, faults=Faults(page_cap=2, delay=0.2, malformed_share=1.0, link=False))
    sim.faults.errors.configure(1.0)
    sim.faults.reset()
    response = get(sim.module_url("tariffs"), token)
    assert response.status_code == 200
    assert len(response.json()["data"]) == 3
    assert response.headers["X-Limit"] == "1000"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"page_cap": 0}, "page_cap"),
        ({"delay": -1.0}, "delay"),
        ({"malformed_share": 1.5}, "malformed"),
        ({"churn": -1}, "churn"),
    ],
)
def test_impossible_fault_settings_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        Faults(**changes)
