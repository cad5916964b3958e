"""Invalid tariffs are refused with HTTP 400 / OCPI 2001 naming the field, never a 5xx, and
nothing stored changes (DESIGN.md §4)."""

from __future__ import annotations

from typing import Any

import pytest

from ocpi.tariffs.models import Tariff, TariffRevision
from tests.ocpi.tariffs.support import tariff, url

pytestmark = pytest.mark.django_db(transaction=True)


def _element(**restrictions: Any) -> list[dict[str, Any]]:
    return [{"price_components": [{"type": "TIME", "price": 1.0, "step_size": 60}], "restrictions": restrictions}]


def _component(**fields: Any) -> list[dict[str, Any]]:
    return [{"price_components": [{"type": "TIME", "price": 1.0, "step_size": 60, **fields}]}]


INVALID_PUTS = {
    "missing id": (tariff(id=...), "id"),
    "missing currency": (tariff(currency=...), "currency"),
    "missing elements": (tariff(elements=...), "elements"),
    "missing last_updated": (tariff(last_updated=...), "last_updated"),
    "empty elements": (tariff(elements=[]), "elements"),
    "empty price_components": (tariff(elements=[{"price_components": []}]), "elements[0].price_components"),
    "id too long": (tariff(id="x" * 37), "id"),
    "currency too long": (tariff(currency="EURO"), "currency"),
    "currency too short": (tariff(currency="EU"), "currency"),
    "url too long": (tariff(tariff_alt_url="https://x.example/" + "x" * 250), "tariff_alt_url"),
    "alt text language too long": (tariff(tariff_alt_text=[{"language": "eng", "text": "x"}]), "tariff_alt_text[0]"),
    "currency a number": (tariff(currency=978), "currency"),
    "elements an object": (tariff(elements={"price_components": []}), "elements"),
    "last_updated not a DateTime": (tariff(last_updated="yesterday"), "last_updated"),
    "unknown dimension type": (tariff(elements=_component(type="KWH")), "elements[0].price_components[0].type"),
    "price a string": (tariff(elements=_component(price="2.00")), "elements[0].price_components[0].price"),
    "negative price": (tariff(elements=_component(price=-1)), "elements[0].price_components[0].price"),
    "step_size a float": (tariff(elements=_component(step_size=1.5)), "elements[0].price_components[0].step_size"),
    "missing step_size": (
        tariff(elements=[{"price_components": [{"type": "TIME", "price": 1.0}]}]),
        "elements[0].price_components[0]",
    ),
    "unknown day": (tariff(elements=_element(day_of_week=["MONDAY", "FUNDAY"])), "restrictions.day_of_week[1]"),
    "time 24:00": (tariff(elements=_element(start_time="24:00")), "restrictions.start_time"),
    "time without colon": (tariff(elements=_element(end_time="0900")), "restrictions.end_time"),
    "date not ISO": (tariff(elements=_element(start_date="01-07-2015")), "restrictions.start_date"),
    "date not in the calendar": (tariff(elements=_element(end_date="2015-02-30")), "restrictions"),
    "negative duration": (tariff(elements=_element(min_duration=-1)), "restrictions.min_duration"),
    "duration a float": (tariff(elements=_element(max_duration=1.5)), "restrictions.max_duration"),
    "unknown energy source": (
        tariff(energy_mix={"is_green_energy": True, "energy_sources": [{"source": "COWS", "percentage": 1}]}),
        "energy_mix.energy_sources[0].source",
    ),
    "body id differs from URL id": (tariff(id="13"), "id"),
    "a list, not an object": ([tariff()], ""),
}


@pytest.mark.parametrize(("body", "field"), list(INVALID_PUTS.values()), ids=list(INVALID_PUTS))
def test_it_refuses_an_invalid_put_with_2001_naming_the_field_and_changes_nothing(cpo, body, field):
    cpo.call("PUT", url(), json=tariff(currency="USD", last_updated="2015-01-01T00:00:00Z"))

    response = cpo.call("PUT", url(), json=body)

    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 2001
    assert field in response.json()["status_message"]
    assert cpo.call("GET", url()).json()["data"] == tariff(currency="USD", last_updated="2015-01-01T00:00:00Z")
    assert TariffRevision.objects.count() == 1


INVALID_PATCHES = {
    "null elements": ({"elements": None}, "elements"),
    "empty elements": ({"elements": []}, "elements"),
    "null last_updated": ({"last_updated": None}, "last_updated"),
    "null id": ({"id": None}, "id"),
    "nothing to change": ({}, "no field"),
    "only the id": ({"id": "12"}, "no field"),
    "unknown dimension type": ({"elements": _component(type="KWH")}, "elements[0].price_components[0].type"),
    "currency too long": ({"currency": "EURO"}, "currency"),
    "body id differs from URL id": ({"id": "13"}, "id"),
}


@pytest.mark.parametrize(("body", "field"), list(INVALID_PATCHES.values()), ids=list(INVALID_PATCHES))
def test_it_refuses_an_invalid_patch_with_2001_naming_the_field_and_changes_nothing(cpo, body, field):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call("PATCH", url(), json=body)

    assert response.status_code == 400, response.text
    assert response.json()["status_code"] == 2001
    assert field in response.json()["status_message"]
    assert cpo.call("GET", url()).json()["data"] == tariff()


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
@pytest.mark.parametrize("raw", [b"", b"{", b"not json", b"\xff\xfe", b"null", b"42", b'"tariff"'], ids=repr)
def test_it_refuses_an_empty_or_non_json_body_with_2001(cpo, method, raw):
    cpo.call("PUT", url(), json=tariff())

    response = cpo.call(method, url(), data=raw, headers={"Content-Type": "application/json"})

    assert 400 <= response.status_code < 500, response.text
    assert response.json()["status_code"] == 2001
    assert cpo.call("GET", url()).json()["data"] == tariff()


def test_it_refuses_deep_nesting_without_a_5xx(cpo):
    deep = '{"energy_mix": ' + '{"a": ' * 100_000 + "1" + "}" * 100_000 + "}"

    response = cpo.call("PUT", url(), data=deep, headers={"Content-Type": "application/json"})

    assert 400 <= response.status_code < 500
    assert response.json()["status_code"] == 2001
    assert not Tariff.objects.exists()
