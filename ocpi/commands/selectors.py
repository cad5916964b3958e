"""Reads of commands; the only thing another room may import from this one."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from ocpi.commands.models import Command


def command_get(*, command_id: int) -> Command | None:
    return Command.objects.select_related("partner").filter(pk=command_id).first()


def commands_for_session(*, session_pk: int) -> QuerySet[Command]:
    """The commands that started or stopped a session, oldest first."""
    return Command.objects.filter(session_id=session_pk).order_by("requested_at", "pk")


def command_summary(command: Command) -> dict[str, Any]:
    """A command as the CLI prints it (``--json``)."""
    moments = ("requested_at", "deadline", "answered_at", "result_at", "timed_out_at", "late_result_at")
    return {
        "id": command.pk,
        "type": command.type,
        "partner_id": command.partner_id,
        "state": command.state,
        "response": command.response,
        "result": command.result,
        "result_raw": command.result_raw,
        "late_result": command.late_result,
        "message": command.message,
        "succeeded": command.succeeded,
        "final": command.is_final,
        "location_id": command.location_id,
        "evse_uid": command.evse_uid,
        "connector_id": command.connector_id,
        "reservation_id": command.reservation_id,
        "session_id": command.session_id,
        "token_id": command.token_id,
        "request": command.request,
        **{name: _iso(getattr(command, name)) for name in moments},
    }


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None
