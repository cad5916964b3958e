"""Upkeep of commands: TIMEOUT for those past their deadline, and linking a START_SESSION to the
session the CPO pushes for it. (The Support group that may send and unlock is one of the roles
console/roles.py defines.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ocpi.commands.models import PENDING_STATES, Command, CommandResultType, CommandState, CommandType
from ocpi.sessions.selectors import session_started_by_command

# How far a session's start may lie before the command (CPO clocks drift; 2.1.1 DateTimes are
# whole seconds) and after its deadline, and still be the one the command started.
LINK_EARLIER = timedelta(minutes=5)
LINK_LATER = timedelta(minutes=15)
# START_SESSION commands still looked at by the link sweep.
LINK_HORIZON = timedelta(hours=24)
_LINKABLE = (CommandState.REQUESTED, CommandState.ACCEPTED, CommandState.TIMEOUT, CommandState.FAILED)


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
    try:
        with transaction.atomic():
            linked = Command.objects.filter(pk=command.pk, session__isnull=True).update(
                session_id=session_pk, linked_at=timezone.now()
            )
    except IntegrityError:  # another command claimed it meanwhile; the next sweep looks again
        linked = 0
    command.refresh_from_db()
    return bool(linked)


def commands_link_sessions(*, now: datetime | None = None) -> int:
    """Try to link every recent START_SESSION still without its session; returns how many."""
    now = now or timezone.now()
    waiting = Command.objects.filter(
        type=CommandType.START_SESSION, session__isnull=True, requested_at__gte=now - LINK_HORIZON
    ).order_by("requested_at", "pk")
    return sum(command_link_session(command=command) for command in waiting)
