"""The locations map: Leaflet from our static files, the tile URL from settings, a marker per
location with its EVSE statuses and a link to its admin page; only for who may view locations."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders
from django.test import Client

from console.roles import BILLING
from tests.console import makers

MAP = "/admin/console/map/"


def data(page: str, name: str) -> object:
    match = re.search(rf'<script id="{name}" type="application/json">(.*?)</script>', page, re.S)
    assert match, name
    return json.loads(match.group(1))


def test_it_serves_every_location_with_its_evse_statuses(admin_client: Client, settings):
    settings.CONSOLE_MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    owner = makers.partner("Map CPO")
    made = makers.locations(owner, 3)
    page = admin_client.get(MAP).content.decode()
    locations = data(page, "map-locations")
    assert isinstance(locations, list)
    assert {row["id"] for row in locations} == {location.ocpi_id for location in made}
    first = next(row for row in locations if row["pk"] == made[0].pk)
    assert len(first["evses"]) == 2
    assert first["partner"] == "Map CPO"
    map_settings = data(page, "map-settings")
    assert isinstance(map_settings, dict)
    assert map_settings["tile_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    link = map_settings["location_url"].replace("{pk}", str(made[0].pk))
    assert admin_client.get(link).status_code == 200


def test_leaflet_comes_from_our_static_files(admin_client: Client, db):
    page = admin_client.get(MAP).content.decode()
    scripts = re.findall(r'<(?:script src|link rel="stylesheet" href)="([^"]+)"', page)
    assert all(src.startswith("/static/") for src in scripts), scripts
    assert "/static/console/leaflet/leaflet.js" in scripts
    for name in ("console/leaflet/leaflet.js", "console/leaflet/leaflet.css", "console/leaflet/LICENSE"):
        found = finders.find(name)
        assert found
        assert Path(str(found)).stat().st_size > 1000


def test_the_map_costs_two_queries_for_its_locations_however_many(admin_client: Client, django_assert_num_queries):
    owner = makers.partner()
    makers.locations(owner, 2)
    admin_client.get(MAP)
    makers.locations(makers.partner(), 30)
    # session + user, then locations and their EVSEs
    with django_assert_num_queries(4):
        assert admin_client.get(MAP).status_code == 200


def test_a_role_without_locations_cannot_open_it(staff):
    assert staff("bill", BILLING).get(MAP).status_code == 200  # Billing may view locations
    nobody = staff("nobody")
    assert nobody.get(MAP).status_code == 403
