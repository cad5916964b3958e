"""The time zone a tariff's restrictions are read in: the Location's (reference §5.5 leaves it
open in 2.1.1; 2.2.1 says the Location's local time).

``time_zone`` when the Location gives one, else one derived from its ``country`` (ISO 3166
alpha-3, or alpha-2 as some CPOs and the spec's own examples send), else UTC. Each fallback
comes with a warning the verification keeps beside the price.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UTC_ZONE = ZoneInfo("UTC")

# One zone per country: those we see CPOs from. A country spanning several zones maps to its
# capital's and is listed in MULTI_ZONE, so the price carries a warning.
COUNTRY_ZONES: dict[str, str] = {
    "AUT": "Europe/Vienna", "BEL": "Europe/Brussels", "BGR": "Europe/Sofia", "CHE": "Europe/Zurich",
    "CYP": "Asia/Nicosia", "CZE": "Europe/Prague", "DEU": "Europe/Berlin", "DNK": "Europe/Copenhagen",
    "ESP": "Europe/Madrid", "EST": "Europe/Tallinn", "FIN": "Europe/Helsinki", "FRA": "Europe/Paris",
    "GBR": "Europe/London", "GRC": "Europe/Athens", "HRV": "Europe/Zagreb", "HUN": "Europe/Budapest",
    "IRL": "Europe/Dublin", "ISL": "Atlantic/Reykjavik", "ITA": "Europe/Rome", "LIE": "Europe/Vaduz",
    "LTU": "Europe/Vilnius", "LUX": "Europe/Luxembourg", "LVA": "Europe/Riga", "MLT": "Europe/Malta",
    "NLD": "Europe/Amsterdam", "NOR": "Europe/Oslo", "POL": "Europe/Warsaw", "PRT": "Europe/Lisbon",
    "ROU": "Europe/Bucharest", "SVK": "Europe/Bratislava", "SVN": "Europe/Ljubljana",
    "SWE": "Europe/Stockholm", "TUR": "Europe/Istanbul", "UKR": "Europe/Kyiv", "SRB": "Europe/Belgrade",
    "JPN": "Asia/Tokyo", "KOR": "Asia/Seoul", "SGP": "Asia/Singapore", "NZL": "Pacific/Auckland",
    "USA": "America/New_York", "CAN": "America/Toronto", "AUS": "Australia/Sydney",
    "BRA": "America/Sao_Paulo", "MEX": "America/Mexico_City", "RUS": "Europe/Moscow",
}  # fmt: skip
MULTI_ZONE = frozenset({"USA", "CAN", "AUS", "BRA", "MEX", "RUS", "PRT", "ESP", "NZL"})
ALPHA2 = {
    "AT": "AUT", "BE": "BEL", "BG": "BGR", "CH": "CHE", "CY": "CYP", "CZ": "CZE", "DE": "DEU",
    "DK": "DNK", "ES": "ESP", "EE": "EST", "FI": "FIN", "FR": "FRA", "GB": "GBR", "GR": "GRC",
    "HR": "HRV", "HU": "HUN", "IE": "IRL", "IS": "ISL", "IT": "ITA", "LI": "LIE", "LT": "LTU",
    "LU": "LUX", "LV": "LVA", "MT": "MLT", "NL": "NLD", "NO": "NOR", "PL": "POL", "PT": "PRT",
    "RO": "ROU", "SK": "SVK", "SI": "SVN", "SE": "SWE", "TR": "TUR", "UA": "UKR", "RS": "SRB",
    "JP": "JPN", "KR": "KOR", "SG": "SGP", "NZ": "NZL", "US": "USA", "CA": "CAN", "AU": "AUS",
    "BR": "BRA", "MX": "MEX", "RU": "RUS",
}  # fmt: skip


def location_time_zone(location: dict[str, Any]) -> tuple[ZoneInfo, list[str]]:
    """The zone to read restrictions in for a Location JSON object, and warnings on how it was
    chosen (empty when the Location named a valid zone)."""
    warnings: list[str] = []
    name = location.get("time_zone")
    if name:
        try:
            return ZoneInfo(name), warnings
        except (ZoneInfoNotFoundError, ValueError):
            warnings.append(f"location.time_zone {name!r} is not an IANA zone; derived from the country")
    country = str(location.get("country") or "").upper()
    alpha3 = ALPHA2.get(country, country)
    zone = COUNTRY_ZONES.get(alpha3)
    if zone is None:
        warnings.append(f"no time zone for location.country {country!r}: restrictions read in UTC")
        return UTC_ZONE, warnings
    if not name:
        warnings.append(f"location.time_zone absent: {zone} derived from location.country {country!r}")
    if alpha3 in MULTI_ZONE:
        warnings.append(f"{alpha3} spans several time zones: {zone} assumed")
    return ZoneInfo(zone), warnings
