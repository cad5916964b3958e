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
from ocpi.simulator.data import SimData
from ocpi.simulator.generate import EPOCH, Dataset, iso
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
