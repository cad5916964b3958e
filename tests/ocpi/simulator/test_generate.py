"""Generated data: deterministic, valid OCPI 2.1.1 (ChargeMap's schemas and our receivers'
structs), and cheap at any size."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tracemalloc
from pathlib import Path

import msgspec
import pytest

from ocpi.cdrs.schemas import CDR
from ocpi.locations.schemas import Location
from ocpi.sessions.schemas import Session
from ocpi.simulator.collection import Collection
from ocpi.simulator.data import SimData
from ocpi.simulator.generate import EPOCH, Dataset, Timeline, iso
from ocpi.tariffs.schemas import Tariff
from tests.support.schemas import schema_errors

ROOT = Path(__file__).resolve().parents[3]
SCHEMAS = {
    "locations": ("V2_1_1/eMSP/Client/Locations/location.schema.json", Location),
    "sessions": ("V2_1_1/Common/session.schema.json", Session),
    "cdrs": ("V2_1_1/Common/cdr.schema.json", CDR),
    "tariffs": ("V2_1_1/Common/tariff.schema.json", Tariff),
}


def encoded(data: SimData, module: str) -> bytes:
    page = data[module].page(offset=0, limit=1000)
    return msgspec.json.encode([obj for _, obj in page.items])


def test_it_generates_byte_identical_objects_from_the_same_seed():
    first = SimData(Dataset(seed=7, locations=50, sessions=40, cdrs=40, tariffs=5))
    second = SimData(Dataset(seed=7, locations=50, sessions=40, cdrs=40, tariffs=5))
    for module in SCHEMAS:
        assert encoded(first, module) == encoded(second, module)


def test_another_seed_gives_other_objects():
    first = SimData(Dataset(seed=7, locations=50))
    second = SimData(Dataset(seed=8, locations=50))
    assert encoded(first, "locations") != encoded(second, "locations")


@pytest.mark.parametrize("module", list(SCHEMAS))
def test_every_generated_object_passes_chargemaps_schema_and_our_receivers_structs(module):
    schema, struct = SCHEMAS[module]
    data = SimData(Dataset(seed=3, locations=60, sessions=60, cdrs=60, tariffs=6))
    for _, obj in data[module].page(offset=0, limit=100).items:
        assert schema_errors(schema, obj) == [], obj["id"]
        msgspec.convert(obj, struct)  # raises on anything our receivers would refuse


def test_evses_are_spread_so_the_total_is_exact():
    dataset = Dataset(locations=40_000, evses_per_location=2.5, sessions=0, cdrs=0)
    assert dataset.evses == 100_000
    assert sum(len(dataset.evse_range(i)) for i in range(40_000)) == 100_000
    assert {len(dataset.evse_range(i)) for i in range(40_000)} == {2, 3}
    last = dataset.location(39_999)
    assert [evse["uid"] for evse in last["evses"]] == ["EVSE00099997", "EVSE00099998", "EVSE00099999"]


def test_an_object_deep_in_a_million_evses_costs_what_any_other_does():
    data = SimData(Dataset(locations=400_000, evses_per_location=2.5, sessions=1000, cdrs=1000))
    tracemalloc.start()
    page = data["locations"].page(offset=399_000, limit=1000)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert [obj["id"] for _, obj in page.items][-1] == "LOC0399999"
    assert page.total == 400_000
    assert peak < 20 * 1024 * 1024  # one page, not the data set


def test_last_updated_grows_with_the_index():
    dataset = Dataset(locations=10)
    assert dataset.location(0)["last_updated"] == iso(EPOCH)
    assert dataset.location(9)["last_updated"] == iso(EPOCH + 9)
    assert dataset.session(2)["last_updated"] < dataset.session(3)["last_updated"]


def test_a_session_and_its_cdr_describe_the_same_charge():
    dataset = Dataset(locations=30, sessions=5, cdrs=5)
    session, cdr = dataset.session(4), dataset.cdr(4)
    assert (cdr["start_date_time"], cdr["stop_date_time"]) == (session["start_datetime"], session["end_datetime"])
    assert (cdr["total_energy"], cdr["total_cost"]) == (session["kwh"], session["total_cost"])
    assert cdr["location"] == session["location"]
    [evse] = cdr["location"]["evses"]
    [connector] = evse["connectors"]
    assert cdr["tariffs"][0]["id"] == connector["tariff_id"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"evses_per_location": 0.5}, "evses_per_location"),
        ({"tariffs": 0}, "tariffs"),
        ({"locations": 0}, "need locations"),
        ({"sessions": -1}, "negative"),
    ],
)
def test_it_refuses_an_impossible_dataset(changes, message):
    with pytest.raises(ValueError, match=message):
        Dataset(**changes)


# --- the collection: windows over generated objects plus the overlay --------------------------


def numbered(count: int) -> Collection:
    return Collection(generated=count, timeline=Timeline(1000, 10), generate=lambda i: {"n": i})


def ids(collection: Collection, **window) -> list[int]:
    return [obj["n"] for _, obj in collection.page(offset=0, limit=1000, **window).items]


def test_a_date_window_is_from_inclusive_to_exclusive():
    collection = numbered(10)  # object i was last updated at 1000 + 10·i
    assert ids(collection, date_from=1020, date_to=1050) == [2, 3, 4]
    assert ids(collection, date_from=1021) == [3, 4, 5, 6, 7, 8, 9]
    assert ids(collection, date_to=1000) == []
    assert collection.page(offset=1, limit=2, date_from=1020).total == 8


def test_changed_inserted_and_removed_objects_keep_the_order_and_move_in_and_out_of_windows():
    collection = numbered(10)
    collection.put(2, {"n": 2, "changed": True}, epoch=5000)
    collection.remove(5)
    collection.insert(lambda index: {"n": index}, epoch=6000)
    assert ids(collection) == [0, 1, 2, 3, 4, 6, 7, 8, 9, 10]
    assert ids(collection, date_from=1020, date_to=1090) == [3, 4, 6, 7, 8]  # 2 left the window
    assert ids(collection, date_from=4000) == [2, 10]
    page = collection.page(offset=3, limit=3)
    assert ([obj["n"] for _, obj in page.items], page.total) == ([3, 4, 6], 10)
    assert collection.get(5) is None
    assert collection.get(2) == {"n": 2, "changed": True}


def test_pages_cover_every_object_exactly_once_with_exceptions_on_both_sides_of_the_window():
    collection = numbered(100)
    for index in (0, 13, 14, 50, 99):
        collection.put(index, {"n": index}, epoch=1000 + 10 * index)  # same time: same window
    collection.remove(70)
    seen: list[int] = []
    offset = 0
    while True:
        page = collection.page(offset=offset, limit=7, date_from=1100, date_to=1900)
        seen.extend(obj["n"] for _, obj in page.items)
        offset += 7
        if offset >= page.total:
            break
    assert seen == [n for n in range(10, 90) if n != 70]


def test_another_process_generates_the_same_bytes():
    # No hash randomisation or process state leaks in: a pull on another day sees the same data.
    script = (
        "import hashlib, msgspec\n"
        "from ocpi.simulator.data import SimData\n"
        "from ocpi.simulator.generate import Dataset\n"
        "data = SimData(Dataset(seed=9, locations=40, sessions=20, cdrs=20, tariffs=3))\n"
        "modules = ('locations', 'sessions', 'cdrs', 'tariffs')\n"
        "pages = [[o for _, o in data[m].page(offset=0, limit=100).items] for m in modules]\n"
        "print(hashlib.sha256(msgspec.json.encode(pages)).hexdigest())\n"
    )
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)  # noqa: S603 (our own script)
    data = SimData(Dataset(seed=9, locations=40, sessions=20, cdrs=20, tariffs=3))
    pages = [encoded_objects(data, module) for module in ("locations", "sessions", "cdrs", "tariffs")]
    assert result.stdout.strip() == hashlib.sha256(msgspec.json.encode(pages)).hexdigest()


def encoded_objects(data: SimData, module: str) -> list[dict]:
    return [obj for _, obj in data[module].page(offset=0, limit=100).items]
