"""The Locations endpoints we serve to CPOs (reference §4.1.1): GET, PUT and PATCH at Location,
EVSE and connector level. Any other method is 405 with the envelope (DRF, OcpiView).

URL keywords (``country_code``, ``party_id``, ``location_id``, ``evse_uid``, ``connector_id``)
arrive as ``ids``; the first two are checked against the caller and become its own party.
"""

from __future__ import annotations

from typing import Any, TypeVar

from rest_framework.request import Request

from ocpi.core.authentication import caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import ObjectNotFound
from ocpi.core.objects import check_id, owner_id, read_body
from ocpi.core.views import OcpiView
from ocpi.locations import schemas, selectors, services

T = TypeVar("T")


class LocationView(OcpiView):
    rate_limit_scope = "push"

    def get(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        return _found(selectors.location_get(**keys), "Location {location_id!r}".format(**keys))

    def put(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        location = read_body(request, schemas.Location)
        check_id(url_id=keys.pop("location_id"), body_id=location.id)
        return _stored(services.location_put(**keys, location=location))

    def patch(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        patch = read_body(request, schemas.LocationPatch)
        check_id(url_id=keys["location_id"], body_id=_given(patch.id))
        services.location_patch(**keys, patch=patch)
        return OcpiResponse()


class EvseView(OcpiView):
    rate_limit_scope = "push"

    def get(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        return _found(selectors.evse_get(**keys), "EVSE {evse_uid!r} in Location {location_id!r}".format(**keys))

    def put(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        evse = read_body(request, schemas.EVSE)
        check_id(url_id=keys.pop("evse_uid"), body_id=evse.uid, field="uid")
        return _stored(services.evse_put(**keys, evse=evse))

    def patch(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        patch = read_body(request, schemas.EvsePatch)
        check_id(url_id=keys["evse_uid"], body_id=_given(patch.uid), field="uid")
        services.evse_patch(**keys, patch=patch)
        return OcpiResponse()


class ConnectorView(OcpiView):
    rate_limit_scope = "push"

    def get(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        return _found(selectors.connector_get(**keys), "connector {connector_id!r} in EVSE {evse_uid!r}".format(**keys))

    def put(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        connector = read_body(request, schemas.Connector)
        check_id(url_id=keys.pop("connector_id"), body_id=connector.id)
        return _stored(services.connector_put(**keys, connector=connector))

    def patch(self, request: Request, version: str, **ids: Any) -> OcpiResponse:
        keys = _keys(request, ids)
        patch = read_body(request, schemas.ConnectorPatch)
        check_id(url_id=keys["connector_id"], body_id=_given(patch.id))
        services.connector_patch(**keys, patch=patch)
        return OcpiResponse()


def _keys(request: Request, ids: dict[str, Any]) -> dict[str, Any]:
    """The keyword arguments of services and selectors: the caller's own party (404 for another
    party's country_code/party_id, nothing revealed or changed) and the object ids of the URL."""
    partner_id = owner_id(request, ids.pop("country_code"), ids.pop("party_id"))
    caller = caller_of(request)
    return {"partner_id": partner_id, "country_code": caller.country_code, "party_id": caller.party_id, **ids}


def _given(value: object) -> str | None:
    return value if isinstance(value, str) else None  # UNSET: the PATCH did not repeat the id


def _found(document: dict[str, Any] | None, what: str) -> OcpiResponse:
    if document is None:
        raise ObjectNotFound(f"Unknown {what}")
    return OcpiResponse(document)


def _stored(created: bool) -> OcpiResponse:
    # Reference §1.4: 201 when the PUT created the object, 200 when it replaced one (or was stale).
    return OcpiResponse(http_status=201 if created else 200)
