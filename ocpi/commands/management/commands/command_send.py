"""Send a remote command to a CPO: ``command_send START_SESSION|STOP_SESSION|RESERVE_NOW|
UNLOCK_CONNECTOR --partner ID … [--wait] [--json]``. Exits non-zero unless the command
succeeded (with ``--wait``: its result is ACCEPTED; without: the CPO accepted it)."""

from __future__ import annotations

import json
import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from ocpi.commands import models, selectors, services
from ocpi.commands.models import CommandState, CommandType
from ocpi.core.types import parse_datetime
from partners.models import Partner

POLL_SECONDS = 0.25
# Needed per command, besides --partner (STOP_SESSION needs only --session).
REQUIRED = {
    CommandType.START_SESSION: ("token", "location"),
    CommandType.STOP_SESSION: ("session",),
    CommandType.RESERVE_NOW: ("token", "location", "expiry"),
    CommandType.UNLOCK_CONNECTOR: ("location", "evse", "connector"),
}


class Command(BaseCommand):
    help = "Send START_SESSION, STOP_SESSION, RESERVE_NOW or UNLOCK_CONNECTOR to a CPO."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("type", choices=list(CommandType.values))
        parser.add_argument("--partner", type=int, help="the CPO's partner id (not needed for STOP_SESSION)")
        parser.add_argument("--token", help="our token's uid (START_SESSION, RESERVE_NOW)")
        parser.add_argument("--location", help="the CPO's location id")
        parser.add_argument("--evse", default="", help="the EVSE uid (optional but for UNLOCK_CONNECTOR)")
        parser.add_argument("--connector", help="the connector id (UNLOCK_CONNECTOR)")
        parser.add_argument("--session", type=int, help="our id of the session to stop (STOP_SESSION)")
        parser.add_argument("--expiry", help="RESERVE_NOW: until when, an OCPI DateTime (2030-01-01T18:00:00Z)")
        parser.add_argument("--reservation-id", type=int, help="RESERVE_NOW: default a new one")
        parser.add_argument("--wait", action="store_true", help="wait for the result (or the TIMEOUT)")
        parser.add_argument("--json", action="store_true", help="print JSON instead of text")

    def handle(self, *args: Any, **options: Any) -> None:
        kind = options["type"]
        missing = [f"--{name}" for name in REQUIRED[kind] if options.get(name) in (None, "")]
        if kind != CommandType.STOP_SESSION and options["partner"] is None:
            missing.insert(0, "--partner")
        if missing:
            raise CommandError(f"{kind} needs {', '.join(missing)}")
        try:
            command = _send(kind, options)
        except services.CommandRefused as exc:
            raise CommandError(f"{kind} not sent: {exc}") from None
        if options["wait"]:
            command = _wait(command)
        self._report(command, as_json=options["json"])
        if not (command.succeeded or (not options["wait"] and command.state == CommandState.ACCEPTED)):
            raise CommandError(f"{kind} #{command.pk}: {_outcome(command)}")

    def _report(self, command: models.Command, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(selectors.command_summary(command), sort_keys=True))
            return
        self.stdout.write(f"{command.type} #{command.pk} to {command.partner}: {_outcome(command)}")
        if command.session_id:
            self.stdout.write(f"  session: {command.session_id}")


def _send(kind: str, options: dict[str, Any]) -> models.Command:
    if kind == CommandType.STOP_SESSION:
        return services.command_stop_session(session_pk=options["session"], via="cli")
    partner = Partner.objects.filter(pk=options["partner"]).first()
    if partner is None:
        raise services.CommandRefused(f"partner: no partner {options['partner']}")
    if kind == CommandType.START_SESSION:
        return services.command_start_session(
            partner=partner, token_uid=options["token"], location_id=options["location"], evse_uid=options["evse"],
            via="cli",
        )  # fmt: skip
    if kind == CommandType.RESERVE_NOW:
        return services.command_reserve_now(
            partner=partner, token_uid=options["token"], location_id=options["location"], evse_uid=options["evse"],
            expiry=_expiry(options["expiry"]), reservation_id=options["reservation_id"], via="cli",
        )  # fmt: skip
    return services.command_unlock_connector(
        partner=partner, location_id=options["location"], evse_uid=options["evse"],
        connector_id=options["connector"], via="cli",
    )  # fmt: skip


def _expiry(value: str) -> datetime:
    try:
        return parse_datetime(value)
    except ValueError:
        raise services.CommandRefused(f"expiry: {value!r} is not an OCPI DateTime like 2030-01-01T18:00:00Z") from None


def _wait(command: models.Command) -> models.Command:
    """Poll until the command ends; at its deadline it is timed out here (no need for beat)."""
    while not command.is_final:
        if timezone.now() >= command.deadline:
            services.command_time_out(command=command)
        else:
            time.sleep(POLL_SECONDS)
        command.refresh_from_db()
    services.command_link_session(command=command)
    return command


def _outcome(command: models.Command) -> str:
    text = command.get_state_display()
    if command.result:
        text += f", result {command.result}"
    if command.late_result:
        text += f" (late result {command.late_result})"
    return f"{text}: {command.message}" if command.message else text
