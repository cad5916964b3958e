"""Deterministic generated data: a Location, Session, CDR or Tariff computed from its index and
the seed alone, so a data set of a million EVSEs costs no memory and the same seed gives
byte-identical objects.

Objects are plain JSON-ready dicts (valid OCPI 2.1.1, reference §5; they pass ChargeMap's schemas
and our receivers' msgspec structs). ``last_updated`` grows with the index (``Timeline``), so a
date window is an index range and a page costs O(page).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

# Generated objects are dated from here on, older than anything live mode pushes.
EPOCH = int(datetime(2025, 1, 1, tzinfo=UTC).timestamp())

_CITIES = (
    ("Amsterdam", "10", 52.370216, 4.895168),
    ("Rotterdam", "30", 51.924420, 4.477733),
    ("Utrecht", "35", 52.090737, 5.121420),
    ("Den Haag", "25", 52.070498, 4.300700),
    ("Eindhoven", "56", 51.441642, 5.469722),
    ("Groningen", "97", 53.219383, 6.566502),
    ("Arnhem", "68", 51.985103, 5.898730),
    ("Maastricht", "62", 50.851368, 5.690973),
)
_STREETS = ("Stationsplein", "Marktstraat", "Kerkweg", "Havenkade", "Parklaan", "Dorpsstraat", "Molenweg")
_LOCATION_TYPES = ("ON_STREET", "PARKING_GARAGE", "UNDERGROUND_GARAGE", "PARKING_LOT", "OTHER")
_FACILITIES = ("HOTEL", "RESTAURANT", "CAFE", "MALL", "SUPERMARKET", "TRAIN_STATION", "WIFI")
# Mostly AVAILABLE, as a real network at night.
_STATUSES = ("AVAILABLE",) * 6 + ("CHARGING", "CHARGING", "BLOCKED", "OUTOFORDER", "UNKNOWN")
_CONNECTORS = (
    ("IEC_62196_T2", "SOCKET", "AC_3_PHASE", 400, 32),
    ("IEC_62196_T2", "CABLE", "AC_3_PHASE", 400, 16),
    ("IEC_62196_T2_COMBO", "CABLE", "DC", 500, 125),
    ("CHADEMO", "CABLE", "DC", 500, 125),
    ("DOMESTIC_F", "SOCKET", "AC_1_PHASE", 230, 16),
)
_KINDS = {"location": 1, "session": 2, "cdr": 3, "tariff": 4, "malformed": 5}


def rng(seed: int, kind: str, index: int) -> random.Random:
    """The random stream of one object: independent of every other object and of call order."""
    return random.Random(  # noqa: S311 - reproducible data, not crypto
        (seed * 1_000_003 + _KINDS[kind]) * 10_000_019 + index
    )


def iso(epoch: int) -> str:
    """An OCPI DateTime (``YYYY-MM-DDTHH:MM:SSZ``) from epoch seconds."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))  # 5x faster than datetime


@dataclass(frozen=True)
class Timeline:
    """``last_updated`` of the generated object ``i``: ``start + i * step`` seconds."""

    start: int
    step: int

    def at(self, index: int) -> int:
        return self.start + index * self.step

    def first_index_at_or_after(self, epoch: float) -> int:
        """The first index whose time is at or after ``epoch`` (may be negative or past the end)."""
        return math.ceil((epoch - self.start) / self.step)


@dataclass(frozen=True)
class Dataset:
    """The size and identity of one generated data set; every object is a function of this."""

    seed: int = 1
    locations: int = 25
    evses_per_location: float = 2.5
    sessions: int = 100
    cdrs: int = 100
    tariffs: int = 4
    country_code: str = "NL"
    party_id: str = "SIM"
    operator: str = "CPO Simulator"

    def __post_init__(self) -> None:
        if min(self.locations, self.sessions, self.cdrs) < 0:
            raise ValueError("locations, sessions and cdrs must not be negative")
        if self.tariffs < 1:
            raise ValueError("tariffs: at least one (every connector names a tariff)")
        if self.evses_per_location < 1:
            raise ValueError("evses_per_location: at least 1 (every location has an EVSE)")
        if (self.sessions or self.cdrs) and not self.locations:
            raise ValueError("sessions and CDRs need locations to happen at")

    @property
    def evses(self) -> int:
        return round(self.locations * self.evses_per_location)

    # Sessions and CDRs are one charge each: charge ``i`` ends at ``SESSIONS.at(i)`` and its
    # CDR follows five minutes later.
    LOCATIONS = Timeline(EPOCH, 1)
    SESSIONS = Timeline(EPOCH + 3600, 60)
    CDRS = Timeline(EPOCH + 3600 + 300, 60)
    TARIFFS = Timeline(EPOCH - 86_400, 60)

    # --- ids ----------------------------------------------------------------------------

    @staticmethod
    def location_id(index: int) -> str:
        return f"LOC{index:07d}"

    @staticmethod
    def session_id(index: int) -> str:
        return f"SES{index:08d}"

    @staticmethod
    def cdr_id(index: int) -> str:
        return f"CDR{index:08d}"

    @staticmethod
    def tariff_id(index: int) -> str:
        return f"TARIFF{index:03d}"

    def evse_range(self, location: int) -> range:
        """Global EVSE numbers of a location: spread so the total is exactly ``evses``."""
        total, count = self.evses, max(self.locations, 1)
        return range(location * total // count, (location + 1) * total // count)

    # --- objects ------------------------------------------------------------------------

    def location(self, index: int, *, last_updated: int | None = None) -> dict[str, Any]:
        # r.random() indexing instead of choice/randint: 5x cheaper, and a page of 1,000
        # locations is mostly these draws.
        rand = rng(self.seed, "location", index).random
        city, postcode, latitude, longitude = _CITIES[int(rand() * len(_CITIES))]
        stamp = iso(self.LOCATIONS.at(index) if last_updated is None else last_updated)
        street = f"{_STREETS[int(rand() * len(_STREETS))]} {1 + int(rand() * 250)}"
        letters = chr(65 + int(rand() * 26)) + chr(65 + int(rand() * 26))
        return {
            "id": self.location_id(index),
            "type": _LOCATION_TYPES[int(rand() * len(_LOCATION_TYPES))],
            "name": f"{city} {street}",
            "address": street,
            "city": city,
            "postal_code": f"{postcode}{10 + int(rand() * 90)} {letters}",
            "country": "NLD",
            "coordinates": {
                "latitude": f"{latitude + (rand() - 0.5) / 10:.6f}",
                "longitude": f"{longitude + (rand() - 0.5) / 10:.6f}",
            },
            "evses": [self._evse(number, rand, stamp) for number in self.evse_range(index)],
            "operator": {"name": self.operator},
            "facilities": [facility for facility in _FACILITIES if rand() < 0.15],
            "time_zone": "Europe/Amsterdam",
            "opening_times": {"twentyfourseven": True},
            "last_updated": stamp,
        }

    def _evse(self, number: int, rand: Callable[[], float], stamp: str) -> dict[str, Any]:
        connectors = [self._connector("1", rand, stamp)]
        if rand() < 0.7:
            connectors.append(self._connector("2", rand, stamp))
        return {
            "uid": f"EVSE{number:08d}",
            "evse_id": f"{self.country_code}*{self.party_id}*E{number:08d}",
            "status": _STATUSES[int(rand() * len(_STATUSES))],
            "capabilities": ["RFID_READER", "REMOTE_START_STOP_CAPABLE", "RESERVABLE", "UNLOCK_CAPABLE"],
            "connectors": connectors,
            "physical_reference": f"{number % 100:02d}",
            "last_updated": stamp,
        }

    def _connector(self, connector_id: str, rand: Callable[[], float], stamp: str) -> dict[str, Any]:
        standard, form, power_type, voltage, amperage = _CONNECTORS[int(rand() * len(_CONNECTORS))]
        return {
            "id": connector_id,
            "standard": standard,
            "format": form,
            "power_type": power_type,
            "voltage": voltage,
            "amperage": amperage,
            "tariff_id": self.tariff_id(int(rand() * self.tariffs)),
            "last_updated": stamp,
        }

    def tariff(self, index: int, *, revision: int = 0, last_updated: int | None = None) -> dict[str, Any]:
        """Tariff ``index``; a higher ``revision`` (a live tariff change) raises its prices."""
        r = rng(self.seed, "tariff", index)
        energy = round(r.uniform(0.19, 0.49) + revision * 0.01, 2)
        per_hour = round(r.uniform(0.0, 2.0), 2)
        elements: list[dict[str, Any]] = [
            {"price_components": [{"type": "ENERGY", "price": energy, "step_size": 1}]},
            {"price_components": [{"type": "TIME", "price": per_hour, "step_size": 60}]},
        ]
        if r.random() < 0.5:
            elements.append(
                {
                    "price_components": [{"type": "PARKING_TIME", "price": 2.0, "step_size": 900}],
                    "restrictions": {"start_time": "09:00", "end_time": "18:00", "min_duration": 14_400},
                }
            )
        return {
            "id": self.tariff_id(index),
            "currency": "EUR",
            "tariff_alt_text": [{"language": "en", "text": f"{energy:.2f} EUR/kWh, {per_hour:.2f} EUR/hour"}],
            "elements": elements,
            "last_updated": iso(self.TARIFFS.at(index) if last_updated is None else last_updated),
        }

    def session(self, index: int) -> dict[str, Any]:
        charge = self.charge(index)
        return {
            "id": self.session_id(index),
            "start_datetime": iso(charge.start),
            "end_datetime": iso(charge.stop),
            "kwh": charge.kwh,
            "auth_id": charge.auth_id,
            "auth_method": "WHITELIST",
            "location": charge.location,
            "currency": "EUR",
            "charging_periods": charge.periods(),
            "total_cost": charge.cost,
            "status": "COMPLETED",
            "last_updated": iso(self.SESSIONS.at(index)),
        }

    def cdr(self, index: int) -> dict[str, Any]:
        charge = self.charge(index)
        return {
            "id": self.cdr_id(index),
            "start_date_time": iso(charge.start),
            "stop_date_time": iso(charge.stop),
            "auth_id": charge.auth_id,
            "auth_method": "WHITELIST",
            "location": charge.location,
            "currency": "EUR",
            "tariffs": [charge.tariff],
            "charging_periods": charge.periods(),
            "total_cost": charge.cost,
            "total_energy": charge.kwh,
            "total_time": round((charge.stop - charge.start) / 3600, 4),
            "last_updated": iso(self.CDRS.at(index)),
        }

    def charge(self, index: int) -> Charge:
        """Charge ``index``: a finished session, the same for its Session and its CDR."""
        r = rng(self.seed, "session", index)
        location = self.location(r.randrange(self.locations))
        evse = dict(r.choice(location["evses"]))
        evse["connectors"] = evse["connectors"][:1]
        tariff = self.tariff(int(evse["connectors"][0]["tariff_id"].removeprefix("TARIFF")))
        stop = self.SESSIONS.at(index)
        minutes = r.randint(10, 240)
        kwh = round(r.uniform(0.5, 1.0) * minutes / 60 * 11, 3)
        return Charge(
            location={**location, "evses": [evse]},
            auth_id=f"NL-EMS-C{r.randrange(10**7):07d}-X",
            start=stop - minutes * 60,
            stop=stop,
            kwh=kwh,
            tariff=tariff,
            cost=price(tariff, kwh=kwh, seconds=minutes * 60),
        )


@dataclass(frozen=True)
class Charge:
    """One charge: where, who, when, how much; both its Session and its CDR are built from it."""

    location: dict[str, Any]  # the Location with only the EVSE and connector used
    auth_id: str
    start: int
    stop: int
    kwh: float
    tariff: dict[str, Any]
    cost: float

    def periods(self) -> list[dict[str, Any]]:
        return [
            {
                "start_date_time": iso(self.start),
                "dimensions": [
                    {"type": "ENERGY", "volume": self.kwh},
                    {"type": "TIME", "volume": round((self.stop - self.start) / 3600, 4)},
                ],
            }
        ]


def price(tariff: dict[str, Any], *, kwh: float, seconds: int) -> float:
    """What a charge costs under the ENERGY and TIME components of ``tariff`` (excluding VAT)."""
    total = 0.0
    for element in tariff["elements"]:
        if element.get("restrictions"):
            continue
        for component in element["price_components"]:
            if component["type"] == "ENERGY":
                total += component["price"] * kwh
            elif component["type"] == "TIME":
                total += component["price"] * seconds / 3600
    return round(total, 2)
