"""The simulator's credentials endpoint (reference §3.2, §3.4 with the roles swapped): the eMSP
registers with POST (token A), reads with GET, updates with PUT and unregisters with DELETE."""

from __future__ import annotations

import logging

from ocpi.core.errors import MethodNotAllowed, Unauthorized
from ocpi.core.wire import convert
from ocpi.simulator.handshake import discover, registration_from
from ocpi.simulator.routing import Handler, Module, Reply, Request, Route
from ocpi.simulator.store import TokenRole
from partners.schemas import Credentials
from partners.tokens import new_token

logger = logging.getLogger("ocpi.simulator")

TOKEN_A_OR_PARTNER = frozenset({TokenRole.TOKEN_A, TokenRole.PARTNER})


def get_credentials(request: Request) -> Reply:
    """The simulator's credentials with the token the caller presented (DESIGN.md §4)."""
    return Reply(request.ctx.credentials(request.token))


def post_credentials(request: Request) -> Reply:
    """Register the eMSP: call it back with its token, then issue it a token of its own."""
    if request.role is TokenRole.PARTNER:
        raise MethodNotAllowed("Already registered: PUT updates the credentials, DELETE unregisters")
    theirs = convert(request.data, Credentials)
    ctx = request.ctx
    with ctx.store.handshake():
        if ctx.store.role_of(request.token) is not TokenRole.TOKEN_A:
            raise Unauthorized("Token A is no longer valid", headers={"WWW-Authenticate": "Token"})
        api = discover(ctx, theirs.url, theirs.token)
        issued = new_token()
        ctx.store.set_registration(registration_from(theirs, api, initiated_by="emsp"), issued_token=issued)
    logger.info("eMSP %s/%s registered", theirs.country_code, theirs.party_id)
    return Reply(ctx.credentials(issued))


def put_credentials(request: Request) -> Reply:
    """Re-fetch the eMSP's versions and details with its new token and issue a new token; the
    old one works until the new one is issued, and nothing changes when the re-fetch fails."""
    _require_registered(request)
    theirs = convert(request.data, Credentials)
    ctx = request.ctx
    with ctx.store.handshake():
        current = ctx.store.registration
        if current is None or ctx.store.role_of(request.token) is not TokenRole.PARTNER:
            raise Unauthorized("The token was replaced or revoked meanwhile", headers={"WWW-Authenticate": "Token"})
        api = discover(ctx, theirs.url, theirs.token)
        issued = new_token()
        registration = registration_from(theirs, api, initiated_by=current.initiated_by)
        ctx.store.set_registration(registration, issued_token=issued)
    logger.info("eMSP %s/%s updated its credentials", theirs.country_code, theirs.party_id)
    return Reply(ctx.credentials(issued))


def delete_credentials(request: Request) -> Reply:
    _require_registered(request)
    with request.ctx.store.handshake():
        if request.ctx.store.role_of(request.token) is not TokenRole.PARTNER:
            raise Unauthorized("The token was replaced or revoked meanwhile", headers={"WWW-Authenticate": "Token"})
        request.ctx.store.forget()
    logger.info("The eMSP unregistered")
    return Reply()


def _require_registered(request: Request) -> None:
    # Only token A reaches here unregistered: PUT and DELETE before registration are 405 (§1.4).
    if request.role is not TokenRole.PARTNER:
        raise MethodNotAllowed("Not registered: POST the credentials first")


MODULE = Module(
    identifier="credentials",
    routes=(
        Route(
            "",
            {
                "GET": Handler(get_credentials),
                "POST": Handler(post_credentials, roles=TOKEN_A_OR_PARTNER),
                "PUT": Handler(put_credentials, roles=TOKEN_A_OR_PARTNER),
                "DELETE": Handler(delete_credentials, roles=TOKEN_A_OR_PARTNER),
            },
        ),
    ),
)
