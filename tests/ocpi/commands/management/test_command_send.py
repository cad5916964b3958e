"""``command_send`` against the CPO simulator: a human line or JSON, ``--wait`` for the result
(or the TIMEOUT), and a non-zero exit with a clear message on every failure."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from ocpi.commands.models import Command
from ocpi.sessions.models import Session


def send(*args: str) -> str:
    out = StringIO()
    call_command("command_send", *args, stdout=out)
    return out.getvalue()


def test_it_starts_and_waits_for_the_result_as_json(cpo_sim, token):
    evse_uid, _ = cpo_sim.evse("LOC0000002")
    printed = send(
        "START_SESSION", "--partner", str(cpo_sim.partner.pk), "--token", token.uid, "--location", "LOC0000002",
        "--evse", evse_uid, "--wait", "--json",
    )  # fmt: skip
    summary = json.loads(printed)
    assert (summary["state"], summary["response"], summary["result"]) == ("FINISHED", "ACCEPTED", "ACCEPTED")
    assert summary["succeeded"] is True
    assert summary["request"]["token"]["uid"] == token.uid
    assert Command.objects.get().requested_via == "cli"
    cpo_sim.quiet()


def test_it_prints_a_human_line_without_waiting(cpo_sim, token):
    printed = send(
        "START_SESSION", "--partner", str(cpo_sim.partner.pk), "--token", token.uid, "--location", "LOC0000001"
    )
    command = Command.objects.get()
    assert printed.startswith(f"START_SESSION #{command.pk} to {cpo_sim.partner}: ")
    cpo_sim.quiet()


def test_a_refusal_exits_non_zero_with_the_state(cpo_sim, token):
    cpo_sim.sim.commands.response = "NOT_SUPPORTED"
    with pytest.raises(CommandError, match="not supported by the CPO"):
        send("START_SESSION", "--partner", str(cpo_sim.partner.pk), "--token", token.uid, "--location", "LOC0000001")


def test_a_failed_result_exits_non_zero_after_waiting(cpo_sim, token):
    cpo_sim.sim.commands.result = "REJECTED"
    with pytest.raises(CommandError, match="result REJECTED"):
        send(
            "RESERVE_NOW", "--partner", str(cpo_sim.partner.pk), "--token", token.uid, "--location", "LOC0000001",
            "--expiry", "2099-01-01T00:00:00Z", "--wait",
        )  # fmt: skip


def test_wait_ends_in_timeout_when_no_result_comes(cpo_sim, token, settings):
    settings.OCPI_COMMAND_TIMEOUT_SECONDS = 1
    cpo_sim.sim.commands.form = "none"
    evse_uid, connector_id = cpo_sim.evse("LOC0000003")
    with pytest.raises(CommandError, match="timed out"):
        send(
            "UNLOCK_CONNECTOR", "--partner", str(cpo_sim.partner.pk), "--location", "LOC0000003", "--evse", evse_uid,
            "--connector", connector_id, "--wait",
        )  # fmt: skip
    assert Command.objects.get().state == "TIMEOUT"


def test_it_stops_a_session_by_our_id(cpo_sim, token):
    started = cpo_sim.sim.live.start_session(auth_id=token.auth_id, location_id="LOC0000001")
    session = Session.objects.get(partner=cpo_sim.partner, ocpi_id=started["id"])
    summary = json.loads(send("STOP_SESSION", "--session", str(session.pk), "--wait", "--json"))
    assert (summary["state"], summary["result"], summary["session_id"]) == ("FINISHED", "ACCEPTED", session.pk)
    cpo_sim.quiet()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("START_SESSION", "--partner", "1"), "START_SESSION needs --token, --location"),
        (("UNLOCK_CONNECTOR", "--location", "L"), "needs --partner, --evse, --connector"),
        (("STOP_SESSION",), "needs --session"),
        (("STOP_SESSION", "--session", "999"), "STOP_SESSION not sent: session: no session 999"),
        (("START_SESSION", "--partner", "999", "--token", "T", "--location", "L"), "partner: no partner 999"),
    ],
)
def test_bad_arguments_exit_non_zero_saying_what_is_missing(db, args, message):
    with pytest.raises(CommandError, match=message):
        send(*args)


def test_a_bad_expiry_is_named(cpo_sim, token):
    with pytest.raises(CommandError, match="expiry: 'tomorrow' is not an OCPI DateTime"):
        send(
            "RESERVE_NOW", "--partner", str(cpo_sim.partner.pk), "--token", token.uid, "--location", "L",
            "--expiry", "tomorrow",
        )  # fmt: skip
