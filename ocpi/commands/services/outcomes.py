"""What comes back for a command: the CPO's synchronous answer (or the failure to get one), and
the result it POSTs to our response URL later. Every change is one conditional UPDATE on a
still-pending command, so the answer, the result, a repeat and the TIMEOUT sweep can arrive in
any order and leave one consistent outcome."""

from __future__ import annotations

import logging
from typing import Any

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
from ocpi.commands.services.upkeep import command_link_session
from ocpi.core.client import OcpiClientError, OcpiHttpError, OcpiStatusError
from ocpi.core.errors import InvalidParameters, ObjectNotFound
from ocpi.core.status import OcpiStatus

logger = logging.getLogger("ocpi.commands.services")

_RESPONSE_STATES = {
    CommandResponseType.ACCEPTED: CommandState.ACCEPTED,
    CommandResponseType.REJECTED: CommandState.REJECTED,
    CommandResponseType.NOT_SUPPORTED: CommandState.NOT_SUPPORTED,
    CommandResponseType.UNKNOWN_SESSION: CommandState.UNKNOWN_SESSION,
    CommandResponseType.TIMEOUT: CommandState.TIMEOUT,
}


def record_response(command: Command, data: Any) -> None:
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


def record_failure(command: Command, exc: OcpiClientError) -> None:
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


def command_result_receive(*, partner_id: int, command_type: str, response_token: str, data: Any) -> Command:
    """The CPO's result POSTed to our ``response_url``. Only the partner the command went to can
    reach it (404 for anyone else, as for an unknown URL). A result for a pending command ends
    it; one for an ended command is kept as ``late_result`` and changes nothing else; repeats
    change nothing. Unknown values count as FAILED and are logged (DESIGN.md §4)."""
    command = Command.objects.filter(partner_id=partner_id, type=command_type, response_token=response_token).first()
    if command is None:
        raise ObjectNotFound("No command at this URL")
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


def _result_value(command: Command, value: str) -> tuple[str, str]:
    """The result to store, and the raw value when it was not one we know (then FAILED)."""
    if value in CommandResultType.values:
        return value, ""
    logger.warning(
        "Command %s: unknown result %r from partner %s; counted as FAILED", command.pk, value, command.partner_id
    )
    return CommandResultType.FAILED, value
