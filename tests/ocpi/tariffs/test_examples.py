"""The spec's Tariff examples and other projects' Tariffs round-trip through PUT and GET, and
what we serve passes ChargeMap's Tariff schema."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.ocpi.tariffs.support import CHARGEMAP, SHELL, TARIFF_SCHEMA, example, url
from tests.support.schemas import schema_errors

pytestmark = pytest.mark.django_db(transaction=True)

SPEC_TARIFFS = [
    "tariffs_tariff_example_simple_2eur_per_hour.json",
    "tariffs_tariff_example_alt_text.json",
    "tariffs_tariff_example_alt_url.json",
    "tariffs_tariff_example_complex.json",
    "tariffs_tariff_example_free_of_charge.json",
]


def _chargemap_tariffs() -> list[Any]:
    """Tariffs carried by ChargeMap's valid CDR payloads: ChargeMap has no Tariffs interface
    payloads, and these are the Tariff objects it sends."""
    manifest = json.loads((CHARGEMAP / "manifest.json").read_text(encoding="utf-8"))
    found = []
    for entry in manifest:
        if entry["expect"] != "valid" or not entry["kind"].startswith("CDR"):
            continue
        document = json.loads((CHARGEMAP / entry["file"]).read_text(encoding="utf-8"))
        cdrs = document["data"] if entry.get("envelope") else document
        for cdr in cdrs if isinstance(cdrs, list) else [cdrs]:
            for tariff in cdr.get("tariffs") or []:
                found.append(pytest.param(tariff, id=f"{entry['file'].rsplit('/', 1)[-1]}:{tariff['id']}"))
    return found


def _round_trip(cpo, tariff: dict[str, Any]) -> dict[str, Any]:
    put = cpo.call("PUT", url(tariff["id"]), json=tariff)
    assert put.status_code == 201, put.text
    got = cpo.call("GET", url(tariff["id"]))
    assert got.status_code == 200
    data: dict[str, Any] = got.json()["data"]
    assert schema_errors(TARIFF_SCHEMA, data) == []
    return data


@pytest.mark.parametrize("name", SPEC_TARIFFS)
def test_it_round_trips_the_spec_tariff_examples(cpo, name):
    tariff = example(name)

    assert _round_trip(cpo, tariff) == tariff


def test_it_round_trips_the_spec_put_example_once_given_its_missing_last_updated(cpo):
    # Defect (examples README): the spec's PUT example lacks the required last_updated.
    tariff = {**example("tariffs_put_tariff_example.json"), "last_updated": "2015-06-29T20:39:09Z"}

    assert _round_trip(cpo, tariff) == tariff


def test_it_refuses_the_spec_put_example_as_published_for_its_missing_last_updated(cpo):
    response = cpo.call("PUT", url("12"), json=example("tariffs_put_tariff_example.json"))

    assert response.status_code == 400
    assert response.json()["status_code"] == 2001
    assert "last_updated" in response.json()["status_message"]


def test_it_applies_the_spec_patch_example_to_the_put_example(cpo):
    # The spec labels this body "PUT To URL" although it is the PATCH example; it carries no
    # last_updated, so the time received becomes the tariff's last_updated.
    put = {**example("tariffs_put_tariff_example.json"), "last_updated": "2015-06-29T20:39:09Z"}
    cpo.call("PUT", url("12"), json=put)
    patch = example("tariffs_patch_tariff_example.json")

    response = cpo.call("PATCH", url("12"), json=patch)

    assert response.status_code == 200
    data = cpo.call("GET", url("12")).json()["data"]
    assert data["elements"] == patch["elements"]
    assert data["last_updated"] > put["last_updated"]
    assert schema_errors(TARIFF_SCHEMA, data) == []


@pytest.mark.parametrize("tariff", _chargemap_tariffs())
def test_it_round_trips_the_tariffs_of_chargemaps_cdrs(cpo, tariff):
    stored = _round_trip(cpo, tariff)

    # ChargeMap writes absent optional fields as null; we serve them absent (same meaning).
    assert stored == {field: value for field, value in tariff.items() if value is not None}


def test_it_round_trips_the_shell_recharge_tariff(cpo):
    tariff = json.loads((SHELL / "GenericTariffsSpec" / "tariffJson.json").read_text(encoding="utf-8"))

    assert _round_trip(cpo, tariff) == tariff
