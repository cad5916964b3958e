"""Session and CDR bodies for the receiver tests: the spec's examples (defects fixed), the
ChargeMap payloads, and what we expect to serve back."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

from ocpi.core.types import format_datetime, parse_datetime
from tests.support.schemas import SHARED

EXAMPLES = SHARED / "ocpi" / "examples" / "2.1.1"
CHARGEMAP = SHARED / "ocpi" / "external-fixtures" / "ChargeMap-ocpi-protocol"
SESSION_SCHEMA = "V2_1_1/eMSP/Server/Sessions/sessionGetResponse.schema.json"
CDR_SCHEMA = "V2_1_1/eMSP/Server/CDRs/cdrGetResponse.schema.json"
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}")


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def fixed_location(location: dict[str, Any]) -> dict[str, Any]:
    """The spec examples' Location defects (examples README): country "BE" is alpha-2 (alpha-3
    "BEL"), and latitude/longitude are swapped (Gent is at 51.05 N, 3.73 E)."""
    location = copy.deepcopy(location)
    if location.get("country") == "BE":
        location["country"] = "BEL"
    coordinates = location["coordinates"]
    if coordinates == {"latitude": "3.729944", "longitude": "51.047599"}:
        location["coordinates"] = {"latitude": "51.047599", "longitude": "3.729944"}
    return location


def spec_example(name: str) -> dict[str, Any]:
    """A spec example with its documented defects fixed (see fixed_location; in the CDR example
    the tariff price "2.00" is a string, which 2.1.1 made a JSON number)."""
    body: dict[str, Any] = load(EXAMPLES / name)
    if "location" in body:
        body["location"] = fixed_location(body["location"])
    for tariff in body.get("tariffs") or []:
        for element in tariff["elements"]:
            for component in element["price_components"]:
                if isinstance(component["price"], str):
                    component["price"] = float(component["price"])
    return body


def chargemap(kind: str, *, expect: str) -> list[Path]:
    """ChargeMap payload files of one object kind (``Session``, ``SessionPatch``, ``CDR``)."""
    manifest = load(CHARGEMAP / "manifest.json")
    return [CHARGEMAP / entry["file"] for entry in manifest if entry["kind"] == kind and entry["expect"] == expect]


def session(**changes: Any) -> dict[str, Any]:
    """A valid, finished Session (the spec example, fixed) with ``changes`` applied."""
    body = spec_example("sessions_session_example_finished.json")
    body.update(changes)
    return body


def served(body: Any) -> Any:
    """What a GET should answer for a pushed ``body``: nulls left out, DateTimes normalised."""
    if isinstance(body, dict):
        return {key: served(value) for key, value in body.items() if value is not None}
    if isinstance(body, list):
        return [served(item) for item in body]
    if isinstance(body, str) and _DATETIME.match(body):
        return format_datetime(parse_datetime(body))
    return body
