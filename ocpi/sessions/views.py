"""The Sessions endpoint CPOs push to (reference §4.2.1): GET, PUT, PATCH of one session."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request

from ocpi.core.authentication import OcpiCaller, caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import InvalidParameters, ObjectNotFound, Unauthorized
from ocpi.core.objects import check_id, check_party
from ocpi.core.views import OcpiView
from ocpi.core.wire import convert
from ocpi.sessions import schemas, selectors, services


class SessionView(OcpiView):
    def get(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = _owner(request, country_code, party_id)
        data = selectors.session_get(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session_id=session_id
        )
        if data is None:
            raise ObjectNotFound(f"No session {country_code}/{party_id}/{session_id}")
        return OcpiResponse(data)

    def put(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = _owner(request, country_code, party_id)
        session = convert(_body(request), schemas.Session)
        check_id(url_id=session_id, body_id=session.id)
        outcome = services.session_put(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session=session
        )
        return OcpiResponse(http_status=201 if outcome is services.Outcome.CREATED else 200)

    def patch(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = _owner(request, country_code, party_id)
        patch = convert(_body(request), schemas.SessionPatch)
        if patch == schemas.SessionPatch():
            raise InvalidParameters("the PATCH body names no field to change")
        check_id(url_id=session_id, body_id=patch.id if isinstance(patch.id, str) else None)
        services.session_patch(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session_id=session_id, patch=patch
        )
        return OcpiResponse()


def _body(request: Request) -> Any:
    """The decoded JSON body; an empty one is refused (DRF hands an empty body over as ``{}``)."""
    data = request.data
    if not getattr(request._request, "ocpi_raw_body", b""):
        raise InvalidParameters("the body is empty")
    return data


def _owner(request: Request, country_code: str, party_id: str) -> int:
    """The calling partner's id, once it is known to act under its own country_code/party_id."""
    caller: OcpiCaller = caller_of(request)
    check_party(caller, country_code, party_id)
    if caller.partner_id is None:
        raise Unauthorized("This token belongs to no partner")
    return caller.partner_id
