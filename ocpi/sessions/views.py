"""The Sessions endpoint CPOs push to (reference §4.2.1): GET, PUT, PATCH of one session."""

from __future__ import annotations

from rest_framework.request import Request

from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import InvalidParameters, ObjectNotFound
from ocpi.core.objects import check_id, owner_id, read_body
from ocpi.core.views import OcpiView
from ocpi.sessions import schemas, selectors, services


class SessionView(OcpiView):
    rate_limit_scope = "push"

    def get(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        data = selectors.session_get(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session_id=session_id
        )
        if data is None:
            raise ObjectNotFound(f"No session {country_code}/{party_id}/{session_id}")
        return OcpiResponse(data)

    def put(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        session = read_body(request, schemas.Session)
        check_id(url_id=session_id, body_id=session.id)
        outcome = services.session_put(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session=session
        )
        return OcpiResponse(http_status=201 if outcome is services.Outcome.CREATED else 200)

    def patch(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        patch = read_body(request, schemas.SessionPatch)
        if patch == schemas.SessionPatch():
            raise InvalidParameters("the PATCH body names no field to change")
        check_id(url_id=session_id, body_id=patch.id if isinstance(patch.id, str) else None)
        services.session_patch(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session_id=session_id, patch=patch
        )
        return OcpiResponse()
