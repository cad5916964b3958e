"""The schema loader used to check what we serve must itself judge ChargeMap's fixtures right."""

from __future__ import annotations

import json

import pytest

from tests.support.schemas import SHARED, schema_errors

FIXTURES = SHARED / "ocpi" / "external-fixtures" / "ChargeMap-ocpi-protocol"
MANIFEST = [
    entry
    for entry in json.loads((FIXTURES / "manifest.json").read_text(encoding="utf-8"))
    if entry["schema"] and entry["json_ok"]
]


@pytest.mark.parametrize("entry", MANIFEST, ids=[entry["file"].rsplit("/", 3)[-3:][-1] for entry in MANIFEST])
def test_it_judges_each_chargemap_fixture_as_its_manifest_expects(entry):
    instance = json.loads((FIXTURES / entry["file"]).read_text(encoding="utf-8"))
    if entry["envelope"] == "data-only":
        # The payload carries only ``data``: complete its envelope.
        instance = {**instance, "status_code": 1000, "timestamp": "2020-01-01T00:00:00Z"}
    errors = schema_errors(entry["schema"].removeprefix("resources/jsonSchemas/"), instance)
    assert (not errors) == (entry["expect"] == "valid"), errors


def test_it_covers_every_parseable_fixture_that_has_a_schema():
    assert len(MANIFEST) == 125
