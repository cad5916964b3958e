"""Stored partners, published tariffs and received CDRs for billing tests, written through the
rooms' own services (as a push would)."""

from __future__ import annotations

import copy
from typing import Any

from ocpi.cdrs import schemas as cdr_schemas
from ocpi.cdrs.services import cdr_receive
from ocpi.core.wire import convert
from ocpi.tariffs import schemas as tariff_schemas
from ocpi.tariffs.services import tariff_put
from partners.models import Partner


def partner(name: str = "CPO", country_code: str = "NL", party_id: str = "CPO") -> Partner:
    return Partner.objects.create(
        name=name, status=Partner.Status.REGISTERED, country_code=country_code, party_id=party_id
    )


def _party(owner: Partner) -> dict[str, Any]:
    return {"partner_id": owner.pk, "country_code": owner.country_code, "party_id": owner.party_id}


def publish(owner: Partner, tariff: dict[str, Any]) -> None:
    tariff_put(**_party(owner), tariff=convert(tariff, tariff_schemas.Tariff))


def receive(owner: Partner, cdr: dict[str, Any]) -> int:
    cdr_id, _ = cdr_receive(**_party(owner), cdr=convert(cdr, cdr_schemas.CDR))
    return cdr_id


def two_euro_tariff(price: float = 2.0, *, last_updated: str = "2026-01-01T00:00:00Z", **changes: Any) -> dict:
    """TIME at ``price`` per hour in 5-minute steps, as tariff "12"."""
    return {
        "id": "12",
        "currency": "EUR",
        "elements": [{"price_components": [{"type": "TIME", "price": price, "step_size": 300}]}],
        "last_updated": last_updated,
        **changes,
    }


def cdr(
    *,
    total_cost: float = 4.0,
    tariff_id: str | None = "12",
    tariffs: list[dict] | None = None,
    currency: str = "EUR",
    cdr_id: str = "CDR-1",
) -> dict[str, Any]:
    """A CDR of 1.973 h charging from 2026-02-02 21:39:09Z in Amsterdam: 2 h in 5-minute steps."""
    connector: dict[str, Any] = {
        "id": "1",
        "standard": "IEC_62196_T2",
        "format": "SOCKET",
        "power_type": "AC_3_PHASE",
        "voltage": 230,
        "amperage": 32,
        "last_updated": "2026-01-01T00:00:00Z",
    }
    if tariff_id is not None:
        connector["tariff_id"] = tariff_id
    return {
        "id": cdr_id,
        "start_date_time": "2026-02-02T21:39:09Z",
        "stop_date_time": "2026-02-02T23:37:32Z",
        "auth_id": "NL-EMS-C00000001-X",
        "auth_method": "WHITELIST",
        "location": {
            "id": "LOC1",
            "type": "ON_STREET",
            "address": "Stationsplein 1",
            "city": "Amsterdam",
            "postal_code": "1012 AB",
            "country": "NLD",
            "coordinates": {"latitude": "52.378900", "longitude": "4.900000"},
            "time_zone": "Europe/Amsterdam",
            "evses": [
                {
                    "uid": "EVSE1",
                    "status": "AVAILABLE",
                    "connectors": [connector],
                    "last_updated": "2026-01-01T00:00:00Z",
                }
            ],
            "last_updated": "2026-01-01T00:00:00Z",
        },
        "currency": currency,
        "tariffs": copy.deepcopy(tariffs) if tariffs is not None else None,
        "charging_periods": [
            {"start_date_time": "2026-02-02T21:39:09Z", "dimensions": [{"type": "TIME", "volume": 1.973}]}
        ],
        "total_cost": total_cost,
        "total_energy": 15.342,
        "total_time": 1.973,
        "last_updated": "2026-02-02T23:40:00Z",
    }
