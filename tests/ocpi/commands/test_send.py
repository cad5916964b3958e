"""Every command path against the CPO simulator over real HTTP: what we send, the CPO's answer,
the result callback in both forms, refusals, 2003, failures before anything is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from ocpi.commands import services
from ocpi.commands.models import Command
from tests.ocpi.commands.conftest import TOKEN_SCHEMA, settled
from tests.support.schemas import schema_errors


def test_it_starts_a_session_accepted_with_a_result_object(cpo_sim, token, ocpi_server):
    location_id = "LOC0000002"
    evse_uid, _ = cpo_sim.evse(location_id)
    command = services.command_start_session(
        partner=cpo_sim.partner, token_uid=token.uid, location_id=location_id, evse_uid=evse_uid
    )
    assert (command.state, command.response) in {("ACCEPTED", "ACCEPTED"), ("FINISHED", "ACCEPTED")}
    command = settled(cpo_sim, command)
    assert (command.state, command.result, command.late_result) == ("FINISHED", "ACCEPTED", "")
    assert command.succeeded
    assert command.answered_at is not None
    assert command.result_at is not None
    [(kind, sent)] = cpo_sim.sim.commands.received
    assert kind == "START_SESSION"
    assert sent == command.request
    assert sent["location_id"] == location_id
    assert sent["evse_uid"] == evse_uid
    assert sent["token"]["uid"] == token.uid
    assert sent["token"]["auth_id"] == token.auth_id
    assert schema_errors(TOKEN_SCHEMA, sent["token"]) == []
    assert sent["response_url"] == f"{ocpi_server}/ocpi/emsp/2.1.1/commands/START_SESSION/{command.response_token}"
    assert [callback.body for callback in cpo_sim.sim.commands.callbacks] == [{"result": "ACCEPTED"}]


def test_it_reads_a_bare_string_result(cpo_sim, token):
    cpo_sim.sim.commands.form = "string"
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    command = settled(cpo_sim, command)
    assert (command.state, command.result) == ("FINISHED", "ACCEPTED")
    assert [callback.body for callback in cpo_sim.sim.commands.callbacks] == ["ACCEPTED"]
    assert "evse_uid" not in command.request  # optional and not chosen: the Charge Point picks


@pytest.mark.parametrize("answer", ["REJECTED", "NOT_SUPPORTED"])
def test_a_refusal_at_once_ends_the_command(cpo_sim, token, answer):
    cpo_sim.sim.commands.response = answer
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert (command.state, command.response, command.result) == (answer, answer, "")
    assert command.is_final
    assert not command.succeeded


def test_a_failed_result_by_callback_is_the_final_result(cpo_sim, token):
    cpo_sim.sim.commands.result = "REJECTED"
    command = settled(
        cpo_sim, services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000003")
    )
    assert (command.state, command.response, command.result) == ("FINISHED", "ACCEPTED", "REJECTED")
    assert not command.succeeded


def test_an_unknown_location_is_2003_and_said_so(cpo_sim, token):
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC9999999")
    assert command.state == "UNKNOWN_LOCATION"
    assert command.message.startswith("2003:")
    assert "LOC9999999" in command.message


def test_it_stops_a_running_session_and_an_ended_one_is_unknown_session(cpo_sim, token):
    from ocpi.sessions.models import Session

    started = cpo_sim.sim.live.start_session(auth_id=token.auth_id, location_id="LOC0000001")
    ours = Session.objects.get(partner=cpo_sim.partner, ocpi_id=started["id"])
    command = settled(cpo_sim, services.command_stop_session(session_pk=ours.pk))
    assert (command.state, command.result, command.session_id) == ("FINISHED", "ACCEPTED", ours.pk)
    assert command.request["session_id"] == started["id"]
    assert Session.objects.get(pk=ours.pk).status == "COMPLETED"  # pushed by the simulator

    again = services.command_stop_session(session_pk=ours.pk)
    assert (again.state, again.response) == ("UNKNOWN_SESSION", "UNKNOWN_SESSION")


def test_it_reserves_with_its_own_reservation_id_by_default(cpo_sim, token):
    expiry = timezone.now() + timedelta(hours=1)
    command = settled(
        cpo_sim,
        services.command_reserve_now(
            partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000002", expiry=expiry
        ),
    )
    assert (command.state, command.result) == ("FINISHED", "ACCEPTED")
    assert command.reservation_id == command.pk
    assert command.request["reservation_id"] == command.pk
    assert command.request["expiry_date"].endswith("Z")
    assert schema_errors(TOKEN_SCHEMA, command.request["token"]) == []

    chosen = services.command_reserve_now(
        partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000002", expiry=expiry, reservation_id=7
    )
    assert (chosen.reservation_id, chosen.request["reservation_id"]) == (7, 7)


def test_it_unlocks_a_connector(cpo_sim):
    evse_uid, connector_id = cpo_sim.evse("LOC0000003")
    command = settled(
        cpo_sim,
        services.command_unlock_connector(
            partner=cpo_sim.partner, location_id="LOC0000003", evse_uid=evse_uid, connector_id=connector_id
        ),
    )
    assert (command.state, command.result) == ("FINISHED", "ACCEPTED")
    assert {key: command.request[key] for key in ("location_id", "evse_uid", "connector_id")} == {
        "location_id": "LOC0000003",
        "evse_uid": evse_uid,
        "connector_id": connector_id,
    }


def test_every_command_gets_its_own_unguessable_response_url(cpo_sim, token):
    cpo_sim.sim.commands.response = "REJECTED"
    commands = [
        services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
        for _ in range(3)
    ]
    urls = {command.request["response_url"] for command in commands}
    assert len(urls) == 3
    assert all(len(command.response_token) >= 32 for command in commands)


def test_a_command_that_cannot_be_delivered_fails_with_the_reason(cpo_sim, token, settings):
    settings.OCPI_CLIENT_MAX_RETRIES = 0
    cpo_sim.partner.endpoints = {**cpo_sim.partner.endpoints, "commands": "http://127.0.0.1:9/ocpi/cpo/2.1.1/commands"}
    cpo_sim.partner.save()
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert command.state == "FAILED"
    assert "could not connect" in command.message
    assert command.answered_at is None


def test_nothing_is_sent_to_a_partner_without_a_commands_endpoint(cpo_sim, token):
    cpo_sim.partner.endpoints = {key: url for key, url in cpo_sim.partner.endpoints.items() if key != "commands"}
    cpo_sim.partner.save()
    with pytest.raises(services.CommandRefused, match=r"partner: .* offers no commands endpoint"):
        services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert not Command.objects.exists()
    assert cpo_sim.sim.commands.received == []


def test_an_unknown_or_blocked_token_is_refused_before_sending(cpo_sim, token):
    from ocpi.tokens.services import token_block

    with pytest.raises(services.CommandRefused, match="token: no token"):
        services.command_start_session(partner=cpo_sim.partner, token_uid="NOPE", location_id="LOC0000001")
    token_block(token=token)
    with pytest.raises(services.CommandRefused, match=r"token: .* is not valid"):
        services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert cpo_sim.sim.commands.received == []


def test_a_reservation_must_expire_in_the_future(cpo_sim, token):
    with pytest.raises(services.CommandRefused, match="expiry"):
        services.command_reserve_now(
            partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001", expiry=timezone.now()
        )


def test_input_the_wire_object_refuses_is_named_before_anything_is_stored(cpo_sim, token):
    with pytest.raises(services.CommandRefused, match="location_id: Expected `str` of length <= 39"):
        services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="L" * 40)
    with pytest.raises(services.CommandRefused, match="connector_id"):
        services.command_unlock_connector(partner=cpo_sim.partner, location_id="L", evse_uid="E", connector_id="")
    assert not Command.objects.exists()
    assert cpo_sim.sim.commands.received == []


def test_a_timeout_answered_at_once_ends_the_command_as_timeout(cpo_sim, token):
    cpo_sim.sim.commands.response = "TIMEOUT"  # 2.1.1 lets the CPO say the Charge Point did not answer
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert (command.state, command.response, command.timed_out_at is not None) == ("TIMEOUT", "TIMEOUT", True)
