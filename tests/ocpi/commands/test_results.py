"""The result URL we serve (reference §4.6.2): only the partner the command went to, matched to
that one command, both forms read, unknown values counted as failures, repeats idempotent, a
result after TIMEOUT recorded as late without resurrecting the command."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from ocpi.commands import services
from ocpi.commands.models import Command
from tests.ocpi.commands.conftest import settled


@pytest.fixture
def waiting(cpo_sim, token) -> Command:
    """A START_SESSION the CPO accepted and will never call back for."""
    cpo_sim.sim.commands.form = "none"
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert command.state == "ACCEPTED"
    cpo_sim.quiet()
    return command


def result_url(command: Command) -> str:
    return str(command.request["response_url"])


def test_a_result_from_another_partner_is_404_and_changes_nothing(waiting, cpo_sim, other_cpo):
    response = other_cpo.call("POST", result_url(waiting), json={"result": "ACCEPTED"})
    assert (response.status_code, response.json()["status_code"]) == (404, 2000)
    waiting.refresh_from_db()
    assert (waiting.state, waiting.result) == ("ACCEPTED", "")


def test_a_result_for_another_command_type_or_token_is_404(waiting, cpo_sim):
    wrong_type = result_url(waiting).replace("/START_SESSION/", "/STOP_SESSION/")
    assert cpo_sim.post_result(wrong_type, {"result": "ACCEPTED"}).status_code == 404
    wrong_token = result_url(waiting)[:-4] + "AAAA"
    assert cpo_sim.post_result(wrong_token, {"result": "ACCEPTED"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.state == "ACCEPTED"


def test_a_result_without_a_token_is_401(waiting):
    import requests

    assert requests.post(result_url(waiting), json={"result": "ACCEPTED"}, timeout=10).status_code == 401


@pytest.mark.parametrize("body", [{"result": "ACCEPTED"}, "ACCEPTED"])
def test_both_result_forms_end_the_command_and_repeats_change_nothing(waiting, cpo_sim, body):
    first = cpo_sim.post_result(result_url(waiting), body)
    assert (first.status_code, first.json()["status_code"]) == (200, 1000)
    waiting.refresh_from_db()
    ended_at = waiting.result_at
    assert (waiting.state, waiting.result) == ("FINISHED", "ACCEPTED")

    again = cpo_sim.post_result(result_url(waiting), {"result": "REJECTED"})
    assert again.json()["status_code"] == 1000
    waiting.refresh_from_db()
    assert (waiting.state, waiting.result, waiting.result_at, waiting.late_result) == (
        "FINISHED", "ACCEPTED", ended_at, "",
    )  # fmt: skip


def test_a_2_2_1_result_value_is_read(waiting, cpo_sim):
    cpo_sim.post_result(result_url(waiting), {"result": "EVSE_OCCUPIED", "message": []})
    waiting.refresh_from_db()
    assert (waiting.state, waiting.result, waiting.succeeded) == ("FINISHED", "EVSE_OCCUPIED", False)


def test_an_unknown_result_counts_as_failed_and_is_logged(waiting, cpo_sim, caplog):
    caplog.set_level(logging.WARNING, logger="ocpi.commands.services")
    response = cpo_sim.post_result(result_url(waiting), {"result": "SUCCESSFUL"})  # the diagrams' value
    assert response.json()["status_code"] == 1000
    waiting.refresh_from_db()
    assert (waiting.state, waiting.result, waiting.result_raw) == ("FINISHED", "FAILED", "SUCCESSFUL")
    assert "unknown result 'SUCCESSFUL'" in caplog.text


@pytest.mark.parametrize("body", [{"outcome": "ACCEPTED"}, {"result": 7}, ["ACCEPTED"], ""])
def test_a_body_that_is_no_command_response_is_2001_naming_result(waiting, cpo_sim, body):
    response = cpo_sim.post_result(result_url(waiting), body)
    assert (response.status_code, response.json()["status_code"]) == (400, 2001)
    assert response.json()["status_message"].startswith("result")
    waiting.refresh_from_db()
    assert waiting.state == "ACCEPTED"


def test_a_result_after_timeout_is_kept_as_late_and_does_not_resurrect(cpo_sim, token):
    cpo_sim.sim.commands.callback_delay = 0.6
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert services.commands_time_out(now=command.deadline) == 1
    command.refresh_from_db()
    assert (command.state, command.result) == ("TIMEOUT", "TIMEOUT")

    cpo_sim.quiet()
    command.refresh_from_db()
    assert (command.state, command.result, command.late_result) == ("TIMEOUT", "TIMEOUT", "ACCEPTED")
    assert command.late_result_at is not None
    assert command.timed_out_at is not None
    assert command.late_result_at > command.requested_at
    late_at = command.late_result_at
    cpo_sim.post_result(result_url(command), "REJECTED")  # and again: nothing more changes
    command.refresh_from_db()
    assert (command.state, command.late_result, command.late_result_at) == ("TIMEOUT", "ACCEPTED", late_at)


def test_a_result_that_overtakes_the_cpos_answer_is_kept(cpo_sim, token):
    # The callback may reach us before the CPO's synchronous answer has been recorded.
    command = Command.objects.create(
        partner=cpo_sim.partner,
        type="UNLOCK_CONNECTOR",
        request={},
        response_token="overtaken-token",
        url="http://127.0.0.1/commands/UNLOCK_CONNECTOR",
        requested_at=timezone.now(),
        deadline=timezone.now() + timedelta(minutes=2),
    )
    services.command_result_receive(
        partner_id=cpo_sim.partner.pk,
        command_type="UNLOCK_CONNECTOR",
        response_token="overtaken-token",
        data="ACCEPTED",
    )
    services.record_response(command, {"result": "ACCEPTED"})
    command.refresh_from_db()
    assert (command.state, command.response, command.result) == ("FINISHED", "ACCEPTED", "ACCEPTED")
    assert command.answered_at is not None


def test_the_sweep_leaves_ended_and_not_yet_due_commands_alone(cpo_sim, token):
    command = settled(
        cpo_sim, services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000002")
    )
    cpo_sim.quiet()
    cpo_sim.sim.commands.form = "none"
    pending = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000003")
    assert services.commands_time_out() == 0
    assert services.commands_time_out(now=pending.deadline) == 1
    command.refresh_from_db()
    pending.refresh_from_db()
    assert (command.state, pending.state) == ("FINISHED", "TIMEOUT")
