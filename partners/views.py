"""The credentials endpoint we serve (reference §3.2): GET, POST, PUT, DELETE."""

from __future__ import annotations

from rest_framework.request import Request

from ocpi.core.authentication import OcpiCaller, TokenScope, caller_of
from ocpi.core.envelope import OcpiResponse
from ocpi.core.errors import MethodNotAllowed
from ocpi.core.objects import partner_id_of
from ocpi.core.views import OcpiView
from ocpi.core.wire import convert
from partners import services
from partners.schemas import Credentials


class CredentialsView(OcpiView):
    # A token A may POST (register); PUT and DELETE with it answer 405 "not registered"
    # as the spec asks; GET with it is 401 (DESIGN.md §4).
    registration_token_methods = ("POST", "PUT", "DELETE")

    def get(self, request: Request, version: str) -> OcpiResponse:
        caller = caller_of(request)
        return OcpiResponse(services.our_credentials(token=caller.token))

    def post(self, request: Request, version: str) -> OcpiResponse:
        caller = caller_of(request)
        if caller.scope is TokenScope.FULL:
            raise MethodNotAllowed(services.ALREADY_REGISTERED)
        theirs = _credentials(request)
        data = services.credentials_accept(
            partner_id=partner_id_of(caller), presented=caller.token, theirs=theirs, version=version
        )
        return OcpiResponse(data)

    def put(self, request: Request, version: str) -> OcpiResponse:
        caller = _registered(request)
        theirs = _credentials(request)
        data = services.credentials_update(
            partner_id=partner_id_of(caller), presented=caller.token, theirs=theirs, version=version
        )
        return OcpiResponse(data)

    def delete(self, request: Request, version: str) -> OcpiResponse:
        caller = _registered(request)
        services.credentials_delete(partner_id=partner_id_of(caller))
        return OcpiResponse()


def _registered(request: Request) -> OcpiCaller:
    caller = caller_of(request)
    if caller.scope is not TokenScope.FULL:
        raise MethodNotAllowed(services.NOT_REGISTERED)
    return caller


def _credentials(request: Request) -> Credentials:
    return convert(request.data, Credentials)
