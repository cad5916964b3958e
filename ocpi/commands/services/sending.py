"""Sending a command: refuse what cannot work before anything is stored, store it REQUESTED with
its unguessable response URL, POST it outside any transaction, record the CPO's answer."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import msgspec
from django.conf import settings
from django.utils import timezone

from ocpi.commands import schemas
from ocpi.commands.models import Command, CommandType
from ocpi.commands.services.outcomes import record_failure, record_response
from ocpi.core.client import OcpiClientError
from ocpi.core.errors import InvalidParameters
from ocpi.core.views import module_url
from ocpi.core.wire import convert
from ocpi.sessions.selectors import session_ref
from ocpi.tokens.selectors import serialize_tokens, tokens_for_list
from partners.models import Partner
from partners.services import partner_client

VERSION = "2.1.1"

# Builds the wire object from the response URL and the command's id (RESERVE_NOW's default id).
Build = Callable[[str, int], msgspec.Struct]


class CommandRefused(ValueError):
    """A command we refuse to send (nothing stored, nothing sent); the message says why,
    starting with the field at fault (``token: …``)."""


def command_start_session(
    *,
    partner: Partner,
    token_uid: str,
    location_id: str,
    evse_uid: str = "",
    requested_by: Any = None,
    via: str = "admin",
) -> Command:
    """START_SESSION for one of our tokens at a partner's location (the EVSE is optional: the
    Charge Point then chooses)."""
    token, token_pk = _usable_token(token_uid)
    return _send(
        partner,
        CommandType.START_SESSION,
        lambda url, pk: schemas.StartSession(
            response_url=url, token=token, location_id=location_id, evse_uid=evse_uid or None
        ),
        links={"token_id": token_pk, "location_id": location_id, "evse_uid": evse_uid},
        requested_by=requested_by,
        via=via,
    )


def command_stop_session(*, session_pk: int, requested_by: Any = None, via: str = "admin") -> Command:
    """STOP_SESSION for a stored session, sent to the partner that pushed it."""
    session = session_ref(session_pk=session_pk)
    if session is None:
        raise CommandRefused(f"session: no session {session_pk}")
    partner = Partner.objects.get(pk=session.partner_id)
    return _send(
        partner,
        CommandType.STOP_SESSION,
        lambda url, pk: schemas.StopSession(response_url=url, session_id=session.ocpi_id),
        links={"session_id": session.pk, "location_id": session.location_id, "evse_uid": session.evse_uid},
        requested_by=requested_by,
        via=via,
    )


def command_reserve_now(
    *,
    partner: Partner,
    token_uid: str,
    location_id: str,
    expiry: datetime,
    evse_uid: str = "",
    reservation_id: int | None = None,
    requested_by: Any = None,
    via: str = "admin",
) -> Command:
    """RESERVE_NOW until ``expiry``. Without a ``reservation_id`` the command's own id is used
    (unique in our system); the same location and id replaces a reservation (reference §4.6.1)."""
    if expiry <= timezone.now():
        raise CommandRefused("expiry: must be in the future")
    token, token_pk = _usable_token(token_uid)
    return _send(
        partner,
        CommandType.RESERVE_NOW,
        lambda url, pk: schemas.ReserveNow(
            response_url=url,
            token=token,
            expiry_date=expiry,
            reservation_id=reservation_id if reservation_id is not None else pk,
            location_id=location_id,
            evse_uid=evse_uid or None,
        ),
        links={"token_id": token_pk, "location_id": location_id, "evse_uid": evse_uid},
        requested_by=requested_by,
        via=via,
    )


def command_unlock_connector(
    *,
    partner: Partner,
    location_id: str,
    evse_uid: str,
    connector_id: str,
    requested_by: Any = None,
    via: str = "admin",
) -> Command:
    """UNLOCK_CONNECTOR: for help-desk staff only (reference §4.6.1); the admin checks the
    ``ocpi_commands.unlock_connector`` permission before calling this."""
    return _send(
        partner,
        CommandType.UNLOCK_CONNECTOR,
        lambda url, pk: schemas.UnlockConnector(
            response_url=url, location_id=location_id, evse_uid=evse_uid, connector_id=connector_id
        ),
        links={"location_id": location_id, "evse_uid": evse_uid, "connector_id": connector_id},
        requested_by=requested_by,
        via=via,
    )


def _usable_token(uid: str) -> tuple[schemas.Token, int]:
    """Our token as the CPO gets it (the Tokens room's served form), and its primary key."""
    rows = list(tokens_for_list().filter(uid=uid))
    if not rows:
        raise CommandRefused(f"token: no token with uid {uid!r}")
    [served] = serialize_tokens(rows)
    if not served["valid"]:
        # 2.2.1 makes the eMSP answerable for the tokens it commands with; a CPO would refuse it.
        raise CommandRefused(f"token: {uid!r} is not valid (blocked, expired, or its customer is blocked)")
    try:
        return schemas.token_of(served), int(rows[0]["pk"])
    except InvalidParameters as exc:
        raise CommandRefused(f"token: {exc.message}") from None


def _send(
    partner: Partner,
    kind: str,
    build: Build,
    *,
    links: dict[str, Any],
    requested_by: Any,
    via: str,
) -> Command:
    url = _commands_url(partner)
    _check(build)
    command = _create(partner, kind, url, links=links, requested_by=requested_by, via=via)
    response_url = f"{module_url(VERSION, 'commands')}/{kind}/{command.response_token}"
    request = schemas.encode(build(response_url, command.pk))
    Command.objects.filter(pk=command.pk).update(request=request, reservation_id=request.get("reservation_id"))
    try:
        reply = partner_client(partner).post(f"{url}/{kind}", request)
    except OcpiClientError as exc:
        record_failure(command, exc)
    else:
        record_response(command, reply.data)
    command.refresh_from_db()
    return command


def _check(build: Build) -> None:
    """Our own input against the wire object's rules (lengths…): a struct's constructor does
    not check them, decoding does. Refused naming the field, before anything is stored."""
    body = build(f"{module_url(VERSION, 'commands')}/CHECK/{'x' * 32}", 1)
    try:
        convert(schemas.encode(body), type(body))
    except InvalidParameters as exc:
        raise CommandRefused(exc.message) from None


def _commands_url(partner: Partner) -> str:
    if partner.status != Partner.Status.REGISTERED:
        raise CommandRefused(f"partner: {partner} is {partner.status}, not registered")
    if partner.version != VERSION:
        raise CommandRefused(f"partner: we speak OCPI {partner.version or '?'} with {partner}; commands need {VERSION}")
    url = partner.endpoint("commands")
    if not url:
        raise CommandRefused(
            f"partner: {partner} offers no commands endpoint (their modules: "
            f"{', '.join(sorted(partner.endpoints)) or 'none'})"
        )
    return url.rstrip("/")


def _create(partner: Partner, kind: str, url: str, *, links: dict[str, Any], requested_by: Any, via: str) -> Command:
    now = timezone.now()
    return Command.objects.create(
        partner=partner,
        type=kind,
        request={},
        response_token=secrets.token_urlsafe(24),  # 192 bits: the response URL cannot be guessed
        url=f"{url}/{kind}",
        requested_by=requested_by if getattr(requested_by, "pk", None) else None,
        requested_via=via,
        requested_at=now,
        deadline=now + timedelta(seconds=settings.OCPI_COMMAND_TIMEOUT_SECONDS),
        **links,
    )
