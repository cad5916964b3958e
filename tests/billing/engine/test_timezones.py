"""The time zone restrictions are read in: the location's, else its country's, else UTC, each
fallback with a warning."""

from __future__ import annotations

from decimal import Decimal

from billing.engine import price_cdr
from tests.billing.engine.makers import cdr, element, tariff

NIGHT = tariff(
    element(("TIME", 1.00, 1), start_time="22:00", end_time="06:00"),
    element(("TIME", 3.00, 1)),
)


def test_it_reads_restrictions_in_the_locations_time_zone_when_given():
    # 21:30 UTC is 22:30 in Amsterdam (night) but 16:30 in New York (day)
    session = cdr([("2026-01-14T21:30:00Z", {"ENERGY": 5, "TIME": 1})], "2026-01-14T22:30:00Z", zone="America/New_York")
    assert price_cdr(session, NIGHT).total == Decimal("3.00")


def test_it_derives_the_zone_from_the_country_and_says_so():
    session = cdr([("2026-01-14T21:30:00Z", {"ENERGY": 5, "TIME": 1})], "2026-01-14T22:30:00Z", zone=None)
    price = price_cdr(session, NIGHT)
    assert (price.time_zone, price.total) == ("Europe/Amsterdam", Decimal("1.00"))
    assert price.warnings == ["location.time_zone absent: Europe/Amsterdam derived from location.country 'NLD'"]


def test_it_warns_when_a_country_spans_several_zones():
    session = cdr(
        [("2026-01-14T21:30:00Z", {"ENERGY": 5, "TIME": 1})], "2026-01-14T22:30:00Z", zone=None, country="USA"
    )
    assert "USA spans several time zones: America/New_York assumed" in price_cdr(session, NIGHT).warnings


def test_it_falls_back_to_utc_with_a_warning_for_an_unknown_country():
    session = cdr(
        [("2026-01-14T21:30:00Z", {"ENERGY": 5, "TIME": 1})], "2026-01-14T22:30:00Z", zone=None, country="XYZ"
    )
    price = price_cdr(session, NIGHT)
    assert (price.time_zone, price.total) == ("UTC", Decimal("2.00"))  # 21:30-22:00 at 3, then 1
    assert price.warnings == ["no time zone for location.country 'XYZ': restrictions read in UTC"]


def test_it_reads_an_alpha2_country_as_its_alpha3():
    session = cdr([("2026-01-14T21:30:00Z", {"TIME": 1})], "2026-01-14T22:30:00Z", zone=None, country="BE")
    assert price_cdr(session, NIGHT).time_zone == "Europe/Brussels"


def test_it_derives_the_zone_from_the_country_when_the_given_one_is_unknown():
    session = cdr([("2026-01-14T21:30:00Z", {"TIME": 1})], "2026-01-14T22:30:00Z", zone="Mars/Olympus", country="DEU")
    price = price_cdr(session, NIGHT)
    assert price.time_zone == "Europe/Berlin"
    assert price.warnings == ["location.time_zone 'Mars/Olympus' is not an IANA zone; derived from the country"]
