"""The OCPI 2.1.1 tariff engine: plain Python and Decimal, no Django (it prices JSON objects).

``price_cdr(cdr, tariff)`` prices a CDR JSON object with a Tariff JSON object; the pieces
(``parse_tariff``, ``usage_from_cdr``, ``location_time_zone``, ``price_usage``) are there for
callers that hold other inputs.
"""

from __future__ import annotations

from typing import Any

from billing.engine.pricing import Line, Price, price_usage
from billing.engine.tariff import Tariff, TariffError, parse_tariff
from billing.engine.timezones import location_time_zone
from billing.engine.usage import Period, Usage, usage_from_cdr

__all__ = [
    "Line",
    "Period",
    "Price",
    "Tariff",
    "TariffError",
    "Usage",
    "location_time_zone",
    "parse_tariff",
    "price_cdr",
    "price_usage",
    "usage_from_cdr",
]


def price_cdr(cdr: dict[str, Any], tariff: dict[str, Any]) -> Price:
    """What ``cdr`` costs under ``tariff``, its restrictions read in the CDR location's zone.
    Raises TariffError (naming the field) when either cannot be priced."""
    parsed = parse_tariff(tariff)
    zone, warnings = location_time_zone(cdr.get("location") or {})
    price = price_usage(parsed, usage_from_cdr(cdr), zone)
    price.warnings[:0] = warnings
    return price
