"""What differs between the four pulled lists, in one table: how to page them, how to read an
object, which service writes a page, and what a full pull does with objects no longer listed.
Everything else (runs, locks, watermarks, failures) is the same for all and lives in services."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from ocpi.cdrs import client as cdrs_client
from ocpi.cdrs import services as cdrs_services
from ocpi.core.client import OcpiClient, OcpiPage
from ocpi.locations import client as locations_client
from ocpi.locations import services as locations_services
from ocpi.sessions import client as sessions_client
from ocpi.sessions import services as sessions_services
from ocpi.tariffs import client as tariffs_client
from ocpi.tariffs import services as tariffs_services
from partners.models import Partner

Pages = Callable[..., Iterator[OcpiPage]]


@dataclass(frozen=True)
class Unlisted:
    """A full pull's handling of objects stored but no longer listed."""

    candidates: Callable[..., list[str]]  # (partner_id, country_code, party_id, seen) -> ids
    settle: Callable[[OcpiClient, str, Partner, str], str]  # -> "removed", "listed" or "kept"


@dataclass(frozen=True)
class Puller:
    module: str
    pages: Pages  # (client, url, *, date_from, limit)
    decode: Callable[[dict[str, Any]], Any]  # raw object -> wire struct; InvalidParameters if not
    write: Callable[[Partner, Sequence[Any]], Counter[str]]
    unlisted: Unlisted | None = None


def party(partner: Partner) -> dict[str, Any]:
    """2.1.1 objects carry no country_code/party_id: they are the partner's own."""
    return {"partner_id": partner.pk, "country_code": partner.country_code, "party_id": partner.party_id}


def object_id(raw: dict[str, Any]) -> str:
    """The OCPI id of a listed object, for reports; "?" when it has none."""
    value = raw.get("id")
    return str(value)[:39] if value is not None else "?"


def _settle_location(client: OcpiClient, url: str, partner: Partner, location_id: str) -> str:
    # A Location missed during a crawl (the list shifted under our offset) is not gone: the CPO
    # must answer 404 at its own URL before we mark it removed.
    listed = locations_client.location_listed(client, url, location_id)
    if listed is None:
        marked = locations_services.location_mark_removed(**party(partner), location_id=location_id)
        return "removed" if marked else "kept"
    location = locations_client.location_from_wire(listed)
    locations_services.locations_upsert_page(**party(partner), locations=[location])
    return "listed"


def _settle_tariff(client: OcpiClient, url: str, partner: Partner, tariff_id: str) -> str:
    # 2.1.1 has no GET of one tariff: the complete list is the CPO's word.
    tariffs_services.tariff_delete(**party(partner), tariff_id=tariff_id)
    return "removed"


PULLERS: dict[str, Puller] = {
    "locations": Puller(
        "locations",
        pages=locations_client.locations_pages,
        decode=locations_client.location_from_wire,
        write=lambda partner, objects: locations_services.locations_upsert_page(**party(partner), locations=objects),
        unlisted=Unlisted(locations_services.locations_not_seen, _settle_location),
    ),
    "sessions": Puller(
        "sessions",
        pages=sessions_client.sessions_pages,
        decode=sessions_client.session_from_wire,
        write=lambda partner, objects: sessions_services.sessions_upsert_page(**party(partner), sessions=objects),
    ),
    "cdrs": Puller(
        "cdrs",
        pages=cdrs_client.cdrs_pages,
        decode=cdrs_client.cdr_from_wire,
        write=lambda partner, objects: cdrs_services.cdrs_receive_page(**party(partner), cdrs=objects),
    ),
    "tariffs": Puller(
        "tariffs",
        pages=tariffs_client.tariffs_pages,
        decode=tariffs_client.tariff_from_wire,
        write=lambda partner, objects: tariffs_services.tariffs_upsert_page(**party(partner), tariffs=objects),
        unlisted=Unlisted(tariffs_services.tariffs_not_seen, _settle_tariff),
    ),
}
