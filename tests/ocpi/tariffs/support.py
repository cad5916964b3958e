"""Tariff bodies and fixtures' paths shared by the tariffs tests."""

from __future__ import annotations

import copy
import json
from typing import Any

from tests.support.schemas import SHARED

EXAMPLES = SHARED / "ocpi" / "examples" / "2.1.1"
CHARGEMAP = SHARED / "ocpi" / "external-fixtures" / "ChargeMap-ocpi-protocol"
SHELL = SHARED / "ocpi" / "external-fixtures" / "ShellRechargeSolutionsEU-ocpi-endpoints"
# ChargeMap has no eMSP Server schema for Tariffs (there is no Tariffs folder under
# V2_1_1/eMSP/Server/); its Common Tariff object schema is what a Tariff GET's data must pass.
TARIFF_SCHEMA = "V2_1_1/Common/tariff.schema.json"

TARIFF: dict[str, Any] = {
    "id": "12",
    "currency": "EUR",
    "tariff_alt_text": [{"language": "en", "text": "2 euro p/hour"}],
    "tariff_alt_url": "https://company.com/tariffs/12",
    "elements": [
        {
            "price_components": [{"type": "TIME", "price": 2.0, "step_size": 300}],
            "restrictions": {"start_time": "09:00", "end_time": "18:00", "day_of_week": ["MONDAY", "FRIDAY"]},
        },
        {"price_components": [{"type": "FLAT", "price": 0.5, "step_size": 1}]},
    ],
    "energy_mix": {"is_green_energy": True, "energy_sources": [{"source": "SOLAR", "percentage": 100}]},
    "last_updated": "2015-06-29T20:39:09Z",
}


def tariff(**changes: Any) -> dict[str, Any]:
    """A full, valid Tariff body, with ``changes`` applied (a value of ``...`` removes a field)."""
    body = copy.deepcopy(TARIFF)
    for field, value in changes.items():
        if value is ...:
            body.pop(field, None)
        else:
            body[field] = value
    return body


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def url(tariff_id: str = "12", party: str = "NL/CPO") -> str:
    return f"tariffs/{party}/{tariff_id}"
