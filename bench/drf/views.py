"""The Session PUT endpoint, validated by nested DRF serializers instead of msgspec."""

from __future__ import annotations

import msgspec
from rest_framework.request import Request

from bench.drf.serializers import SessionSerializer
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import InvalidParameters
from ocpi.core.objects import check_id, owner_id
from ocpi.core.views import OcpiView
from ocpi.sessions import schemas, services


class DrfSessionView(OcpiView):
    def put(self, request: Request, version: str, country_code: str, party_id: str, session_id: str) -> OcpiResponse:
        partner_id = owner_id(request, country_code, party_id)
        serializer = SessionSerializer(data=request.data)
        if not serializer.is_valid():
            raise InvalidParameters(f"Invalid Session: {serializer.errors}")
        # The same write as the real endpoint; the validated data only changes representation here.
        session = msgspec.convert(request.data, schemas.Session)
        check_id(url_id=session_id, body_id=session.id)
        outcome = services.session_put(
            partner_id=partner_id, country_code=country_code, party_id=party_id, session=session
        )
        return OcpiResponse(http_status=201 if outcome is services.Outcome.CREATED else 200)
