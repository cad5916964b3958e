"""CDR JSON objects for engine tests, written in the location's local time."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.schemas import SHARED

EXAMPLES = SHARED / "ocpi" / "examples"


def example(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((EXAMPLES / name).read_text())
    return data


def utc(local: str, zone: str = "Europe/Amsterdam", fold: int = 0) -> str:
    """A local wall-clock time (``YYYY-MM-DD HH:MM[:SS]``) as an OCPI UTC DateTime."""
    moment = datetime.fromisoformat(local).replace(tzinfo=ZoneInfo(zone), fold=fold)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def cdr(
    periods: list[tuple[str, dict[str, float]]],
    stop: str,
    *,
    zone: str | None = "Europe/Amsterdam",
    country: str = "NLD",
) -> dict[str, Any]:
    """A CDR whose periods start at the given UTC DateTimes with the given dimension volumes."""
    location: dict[str, Any] = {"id": "LOC1", "country": country}
    if zone is not None:
        location["time_zone"] = zone
    return {
        "id": "CDR1",
        "start_date_time": periods[0][0],
        "stop_date_time": stop,
        "location": location,
        "currency": "EUR",
        "charging_periods": [
            {"start_date_time": start, "dimensions": [{"type": k, "volume": v} for k, v in dims.items()]}
            for start, dims in periods
        ],
    }


def tariff(*elements: dict[str, Any], currency: str = "EUR") -> dict[str, Any]:
    return {"id": "T1", "currency": currency, "elements": list(elements), "last_updated": "2015-01-01T00:00:00Z"}


def element(*components: tuple[str, float, int], **restrictions: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "price_components": [{"type": kind, "price": price, "step_size": step} for kind, price, step in components]
    }
    if restrictions:
        data["restrictions"] = restrictions
    return data
