"""The URL CPOs POST a command's result to (reference §4.6.2): ``{commands}/{type}/{token}``."""

from __future__ import annotations

from rest_framework.request import Request

from ocpi.commands import services
from ocpi.core.authentication import caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.objects import partner_id_of
from ocpi.core.views import OcpiView


class CommandResultView(OcpiView):
    def post(self, request: Request, version: str, command_type: str, response_token: str) -> OcpiResponse:
        services.command_result_receive(
            partner_id=partner_id_of(caller_of(request)),
            command_type=command_type,
            response_token=response_token,
            data=request.data,
        )
        return OcpiResponse()
