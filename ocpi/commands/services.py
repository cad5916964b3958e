"""The only write path for commands: sending one (admin, CLI), the CPO's result callback, the
TIMEOUT sweep and linking a START_SESSION to the session the CPO pushes later.

Sending never holds a database transaction across the call to the CPO (its callback may arrive
before its answer does, and must find the command): the command is stored REQUESTED first, then
POSTed, then the answer recorded with a guarded update. Every state change is one conditional
UPDATE (``WHERE state IN pending``), so a callback, the answer, the sweep and a duplicate
callback racing each other leave one consistent outcome whatever their order.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from ocpi.commands import schemas
from ocpi.commands.models import (
    PENDING_STATES,
    Command,
    CommandResponseType,
    CommandResultType,
    CommandState,
    CommandType,
)
from ocpi.core.client import OcpiClientError, OcpiHttpError, OcpiStatusError
from ocpi.core.errors import InvalidParameters, OcpiError
from ocpi.core.status import OcpiStatus
from ocpi.core.views import module_url
from ocpi.sessions.selectors import session_ref, session_started_by_command
from ocpi.tokens.selectors import serialize_tokens, tokens_for_list
from partners.models import Partner
from partners.services import partner_client

logger = logging.getLogger(__name__)

VERSION = "2.1.1"
# How far a session's start may lie before the command (CPO clocks drift; 2.1.1 DateTimes are
# whole seconds) and after its deadline, and still be the one the command started.
LINK_EARLIER = timedelta(minutes=5)
LINK_LATER = timedelta(minutes=15)
# START_SESSION commands still looked at by the link sweep.
LINK_HORIZON = timedelta(hours=24)
_LINKABLE = (CommandState.REQUESTED, CommandState.ACCEPTED, CommandState.TIMEOUT, CommandState.FAILED)

_RESPONSE_STATES = {
    CommandResponseType.ACCEPTED: CommandState.ACCEPTED,
    CommandResponseType.REJECTED: CommandState.REJECTED,
    CommandResponseType.NOT_SUPPORTED: CommandState.NOT_SUPPORTED,
    CommandResponseType.UNKNOWN_SESSION: CommandState.UNKNOWN_SESSION,
    CommandResponseType.TIMEOUT: CommandState.TIMEOUT,
}


class CommandRefused(ValueError):
    """A command we refuse to send (nothing stored, nothing sent); the message says why."""


# --- sending ---------------------------------------------------------------------------------


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
        lambda url: schemas.StartSession(
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
        lambda url: schemas.StopSession(response_url=url, session_id=session.ocpi_id),
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
        lambda url: schemas.UnlockConnector(
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
    build: Any,
    *,
    links: dict[str, Any],
    requested_by: Any,
    via: str,
) -> Command:
    url = _commands_url(partner)
    command = _create(partner, kind, url, links=links, requested_by=requested_by, via=via)
    response_url = f"{module_url(VERSION, 'commands')}/{kind}/{command.response_token}"
    body = build(response_url, command.pk) if kind == CommandType.RESERVE_NOW else build(response_url)
    request = schemas.encode(body)
    reservation_id = request.get("reservation_id")
    Command.objects.filter(pk=command.pk).update(request=request, reservation_id=reservation_id)
    try:
        reply = partner_client(partner).post(f"{url}/{kind}", request)
    except OcpiClientError as exc:
        _record_failure(command, exc)
    else:
        _record_response(command, reply.data)
    command.refresh_from_db()
    return command


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


def _record_response(command: Command, data: Any) -> None:
    """The CPO's synchronous CommandResponse, in either form (reference §4.6.2 "Interop")."""
    try:
        value = schemas.read_result(data)
    except InvalidParameters as exc:
        _transition(command, CommandState.FAILED, message=f"the CPO's answer is not a CommandResponse: {exc.message}")
        return
    state = _RESPONSE_STATES.get(value)  # type: ignore[call-overload]
    if state is None:
        logger.warning(
            "Command %s: unknown CommandResponseType %r from %s; counted as failed",
            command.pk,
            value,
            command.partner_id,
        )
        _transition(command, CommandState.FAILED, response=value[:16], message=f"unknown CommandResponseType {value!r}")
        return
    changes: dict[str, Any] = {"response": value, "answered_at": timezone.now()}
    if state == CommandState.TIMEOUT:
        changes.update(timed_out_at=changes["answered_at"], message="the CPO answered TIMEOUT")
    if not _transition(command, state, pending=(CommandState.REQUESTED,), **changes):
        # The result callback overtook the answer: keep the result, note the answer.
        Command.objects.filter(pk=command.pk).update(response=value, answered_at=changes["answered_at"])


def _record_failure(command: Command, exc: OcpiClientError) -> None:
    status = getattr(exc, "ocpi_status", None) or getattr(exc, "status_code", None)
    if status == OcpiStatus.UNKNOWN_LOCATION:
        message = getattr(exc, "status_message", "") or "the CPO does not know this location"
        _transition(command, CommandState.UNKNOWN_LOCATION, message=f"2003: {message}", answered_at=timezone.now())
        return
    answered = isinstance(exc, OcpiHttpError | OcpiStatusError)
    _transition(
        command,
        CommandState.FAILED,
        message=str(exc),
        answered_at=timezone.now() if answered else None,
    )


def _transition(
    command: Command,
    state: str,
    *,
    pending: tuple[str, ...] = PENDING_STATES,
    **changes: Any,
) -> bool:
    """Move a still-pending command to ``state``; False when something else ended it first."""
    return bool(Command.objects.filter(pk=command.pk, state__in=pending).update(state=state, **changes))


# --- the result callback ---------------------------------------------------------------------


def command_result_receive(*, partner_id: int, command_type: str, response_token: str, data: Any) -> Command:
    """The CPO's result POSTed to our ``response_url``. Only the partner the command went to can
    reach it (404 for anyone else, as for an unknown URL). A result for a pending command ends
    it; one for an ended command is kept as ``late_result`` and changes nothing else; repeats
    change nothing. Unknown values count as FAILED and are logged (DESIGN.md §4)."""
    command = Command.objects.filter(partner_id=partner_id, type=command_type, response_token=response_token).first()
    if command is None:
        raise _NotFound("No command at this URL")
    value = schemas.read_result(data)
    result, raw = _result_value(command, value)
    now = timezone.now()
    if _transition(command, CommandState.FINISHED, result=result, result_raw=raw, result_at=now):
        command.refresh_from_db()
        if command.type == CommandType.START_SESSION and command.result == CommandResultType.ACCEPTED:
            command_link_session(command=command)
        return command
    command.refresh_from_db()
    if command.state == CommandState.FINISHED:
        if command.result != result:
            logger.warning("Command %s: a second result %r after %r ignored", command.pk, value, command.result)
        return command
    if not command.late_result:
        Command.objects.filter(pk=command.pk, late_result="").update(late_result=result, late_result_at=now)
        logger.info(
            "Command %s: result %r arrived after it ended (%s); recorded as late", command.pk, value, command.state
        )
        command.refresh_from_db()
    return command


class _NotFound(OcpiError):
    http_status = 404


def _result_value(command: Command, value: str) -> tuple[str, str]:
    """The result to store, and the raw value when it was not one we know (then FAILED)."""
    if value in CommandResultType.values:
        return value, ""
    logger.warning(
        "Command %s: unknown result %r from partner %s; counted as FAILED", command.pk, value, command.partner_id
    )
    return CommandResultType.FAILED, value


# --- TIMEOUT and session links ---------------------------------------------------------------


def commands_time_out(*, now: datetime | None = None) -> int:
    """Every pending command past its deadline becomes TIMEOUT; returns how many. Idempotent."""
    now = now or timezone.now()
    return Command.objects.filter(state__in=PENDING_STATES, deadline__lte=now).update(
        state=CommandState.TIMEOUT,
        result=CommandResultType.TIMEOUT,
        timed_out_at=now,
        message="no result before the deadline",
    )


def command_time_out(*, command: Command, now: datetime | None = None) -> bool:
    """This one command, when it is pending and past its deadline (the CLI's ``--wait``)."""
    now = now or timezone.now()
    return bool(
        Command.objects.filter(pk=command.pk, state__in=PENDING_STATES, deadline__lte=now).update(
            state=CommandState.TIMEOUT,
            result=CommandResultType.TIMEOUT,
            timed_out_at=now,
            message="no result before the deadline",
        )
    )


def command_link_session(*, command: Command) -> bool:
    """Link a START_SESSION to the session the CPO pushed for it, if it has arrived.

    2.1.1 names no session in the result, so the rule is: the same partner, the token's
    ``auth_id``, the command's location (and EVSE when it named one), a start between
    ``LINK_EARLIER`` before the command and ``LINK_LATER`` after its deadline, a session no other
    command claimed; the earliest such session. It applies whatever the command's state was
    when the session arrived (a TIMEOUT too), except after a refusal by the CPO.
    """
    if command.type != CommandType.START_SESSION or command.session_id is not None or not command.token_id:
        return False
    if not (command.state in _LINKABLE or command.succeeded):
        return False
    auth_id = command.request.get("token", {}).get("auth_id", "")
    claimed = Command.objects.filter(
        partner_id=command.partner_id, type=CommandType.START_SESSION, session__isnull=False
    ).values_list("session_id", flat=True)
    session_pk = session_started_by_command(
        partner_id=command.partner_id,
        auth_id=auth_id,
        location_id=command.location_id,
        evse_uid=command.evse_uid,
        started_from=command.requested_at - LINK_EARLIER,
        started_until=command.deadline + LINK_LATER,
        exclude_pks=claimed,
    )
    if session_pk is None:
        return False
    with transaction.atomic():
        linked = Command.objects.filter(pk=command.pk, session__isnull=True).update(
            session_id=session_pk, linked_at=timezone.now()
        )
    command.refresh_from_db()
    return bool(linked)


def commands_link_sessions(*, now: datetime | None = None) -> int:
    """Try to link every recent START_SESSION still without its session; returns how many."""
    now = now or timezone.now()
    waiting = Command.objects.filter(
        type=CommandType.START_SESSION, session__isnull=True, requested_at__gte=now - LINK_HORIZON
    ).order_by("requested_at", "pk")
    return sum(command_link_session(command=command) for command in waiting)


# --- permissions -----------------------------------------------------------------------------


def support_group_ensure(**kwargs: Any) -> None:
    """After migrate: the "Support" group may see commands, send them, and unlock connectors
    (reference §4.6.1: UNLOCK_CONNECTOR is for help-desk operators only)."""
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415 (after apps are ready)

    group, _ = Group.objects.get_or_create(name="Support")
    codenames = ("view_command", "send_command", "unlock_connector")
    group.permissions.add(*Permission.objects.filter(content_type__app_label="ocpi_commands", codename__in=codenames))
