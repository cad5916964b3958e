"""The credentials handshake as the simulator runs it (reference §3): discovering the eMSP's
2.1.1 endpoints, and registering with, updating at and unregistering from an eMSP.

``HandshakeError`` is an ``OcpiError``: when the simulator is the server, the request handler
lets it through and the eMSP gets its OCPI status (3001, 3002, 3003); when the simulator is
the client, it reaches the caller of ``register_with`` and friends.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from ocpi.core.client import OcpiClientError
from ocpi.core.errors import InvalidParameters, OcpiError
from ocpi.core.status import OcpiStatus
from ocpi.core.wire import convert, to_builtins
from ocpi.simulator.context import VERSION, Context
from ocpi.simulator.store import Initiator, Registration
from partners.schemas import Credentials, Version, VersionDetails
from partners.tokens import new_token

logger = logging.getLogger("ocpi.simulator")


class HandshakeError(OcpiError):
    """A handshake step failed. ``transient`` says whether trying again later may help."""

    status = OcpiStatus.UNABLE_TO_USE_CLIENT_API

    def __init__(self, message: str, *, status: OcpiStatus | None = None, transient: bool = False) -> None:
        super().__init__(message, status=status)
        self.transient = transient


@dataclass(frozen=True)
class PartyApi:
    """The eMSP's 2.1.1 interface as discovered."""

    versions_url: str
    version_url: str
    endpoints: MappingProxyType[str, str]

    @property
    def credentials_url(self) -> str:
        return self.endpoints["credentials"]


def discover(ctx: Context, versions_url: str, token: str) -> PartyApi:
    """GET the eMSP's versions and its 2.1.1 details with ``token``."""
    versions = _fetch(ctx, versions_url, token, list[Version], what="versions")
    chosen = next((version for version in versions if version.version == VERSION), None)
    if chosen is None:
        offered = ", ".join(version.version for version in versions) or "none"
        raise HandshakeError(
            f"no common OCPI version: the eMSP offers {offered}, the simulator speaks {VERSION}",
            status=OcpiStatus.UNSUPPORTED_VERSION,
        )
    details = _fetch(ctx, chosen.url, token, VersionDetails, what=f"{VERSION} version details")
    endpoints = {endpoint.identifier: endpoint.url for endpoint in details.endpoints}
    if "credentials" not in endpoints:
        raise HandshakeError(
            "the eMSP's version details list no credentials endpoint", status=OcpiStatus.NO_MATCHING_ENDPOINTS
        )
    return PartyApi(versions_url=versions_url, version_url=chosen.url, endpoints=MappingProxyType(endpoints))


def _fetch(ctx: Context, url: str, token: str, kind: Any, *, what: str) -> Any:
    try:
        reply = ctx.client(token).get(url)
        return convert(reply.data, kind)
    except OcpiClientError as exc:
        raise HandshakeError(f"GET {what} of the eMSP failed: {exc}", transient=exc.transient) from None
    except InvalidParameters as exc:
        raise HandshakeError(f"the eMSP's {what} are malformed: {exc.message}") from None


def registration_from(theirs: Credentials, api: PartyApi, *, initiated_by: Initiator) -> Registration:
    return Registration(
        token=theirs.token,
        versions_url=theirs.url,
        version_url=api.version_url,
        endpoints=api.endpoints,
        country_code=theirs.country_code,
        party_id=theirs.party_id,
        business_details=MappingProxyType(to_builtins(theirs.business_details)),
        initiated_by=initiated_by,
    )


# --- the simulator as the client ---------------------------------------------------------


def register_with(ctx: Context, versions_url: str, token_a: str) -> Registration:
    """Handshake A with the simulator as the initiator (reference §3.3)."""
    with ctx.store.handshake():
        current = ctx.store.registration
        if current is not None:
            raise HandshakeError(
                f"already registered with {current.country_code}/{current.party_id}: unregister first",
                status=OcpiStatus.CLIENT_ERROR,
            )
        api = discover(ctx, versions_url, token_a)
        registration = _exchange(ctx, api, token=token_a, method="POST", initiated_by="simulator")
    logger.info("Registered with eMSP %s/%s", registration.country_code, registration.party_id)
    return registration


def update_registration(ctx: Context) -> Registration:
    """PUT fresh credentials to the eMSP (reference §3.5): the simulator's old token keeps
    working until the eMSP has accepted the new one."""
    with ctx.store.handshake():
        current = _registered(ctx)
        api = discover(ctx, current.versions_url, current.token)
        registration = _exchange(ctx, api, token=current.token, method="PUT", initiated_by=current.initiated_by)
    logger.info("Updated the registration with eMSP %s/%s", registration.country_code, registration.party_id)
    return registration


def unregister(ctx: Context) -> None:
    """DELETE at the eMSP's credentials endpoint (reference §3.6), then forget the eMSP."""
    with ctx.store.handshake():
        current = _registered(ctx)
        try:
            ctx.client(current.token).delete(current.endpoints["credentials"])
        except OcpiClientError as exc:
            raise HandshakeError(f"DELETE credentials at the eMSP failed: {exc}", transient=exc.transient) from None
        ctx.store.forget()
    logger.info("Unregistered from eMSP %s/%s", current.country_code, current.party_id)


def _registered(ctx: Context) -> Registration:
    current = ctx.store.registration
    if current is None:
        raise HandshakeError("not registered with an eMSP", status=OcpiStatus.CLIENT_ERROR)
    if "credentials" not in current.endpoints:
        raise HandshakeError("the eMSP's credentials endpoint is unknown", status=OcpiStatus.NO_MATCHING_ENDPOINTS)
    return current


def _exchange(ctx: Context, api: PartyApi, *, token: str, method: str, initiated_by: Initiator) -> Registration:
    """POST or PUT the simulator's Credentials with a new token of its own, valid for the
    eMSP's callbacks before the request leaves (reference §1.9), and store what comes back."""
    ours = new_token()
    ctx.store.add_pending(ours)
    try:
        reply = ctx.client(token).request(method, api.credentials_url, body=to_builtins(ctx.credentials(ours)))
        theirs = convert(reply.data, Credentials)
    except OcpiClientError as exc:
        ctx.store.drop(ours)
        raise HandshakeError(f"{method} credentials at the eMSP failed: {exc}", transient=exc.transient) from None
    except InvalidParameters as exc:
        ctx.store.drop(ours)
        raise HandshakeError(f"the eMSP answered {method} credentials with malformed data: {exc.message}") from None
    except BaseException:
        ctx.store.drop(ours)
        raise
    registration = registration_from(theirs, api, initiated_by=initiated_by)
    ctx.store.set_registration(registration, issued_token=ours)
    return registration
