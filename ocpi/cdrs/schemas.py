"""OCPI 2.1.1 CDRs module wire objects (reference §5.4).

``CDR.location`` is the Locations module's ``Location``, ``CDR.tariffs`` the Tariffs module's
``Tariff``; ``ChargingPeriod`` and ``AuthMethod`` are shared with the Sessions module.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from ocpi.core.wire_types import Currency, String36, String255, WireObject
from ocpi.locations.schemas import Location
from ocpi.sessions.schemas import AuthMethod, ChargingPeriod, as_json, utc
from ocpi.tariffs.schemas import Tariff

__all__ = ["CDR", "as_json"]

# CDR.id is a CiString(36) (reference §1.8): kept as sent, compared case-insensitively.
CiString36 = Annotated[str, Meta(min_length=1, max_length=36)]


class CDR(WireObject, kw_only=True):
    id: CiString36
    start_date_time: datetime
    stop_date_time: datetime
    auth_id: String36
    auth_method: AuthMethod
    location: Location
    meter_id: String255 | None = None
    currency: Currency
    tariffs: list[Tariff] | None = None
    charging_periods: Annotated[list[ChargingPeriod], Meta(min_length=1)]
    total_cost: float
    total_energy: float  # kWh (DESIGN.md §4)
    total_time: float  # hours
    total_parking_time: float | None = None  # hours
    remark: String255 | None = None
    last_updated: datetime

    def __post_init__(self) -> None:
        self.start_date_time = utc(self.start_date_time)
        self.stop_date_time = utc(self.stop_date_time)
        self.last_updated = utc(self.last_updated)
