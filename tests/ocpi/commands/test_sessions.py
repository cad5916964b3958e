"""A START_SESSION is linked to the session the CPO pushes for it, even after a TIMEOUT; the
rule (same partner, auth_id, location, EVSE when named, start near the command) picks the
right one and never claims one session twice."""

from __future__ import annotations

from ocpi.commands import services
from ocpi.commands.tasks import commands_sweep
from ocpi.sessions.models import Session
from tests.ocpi.commands.conftest import settled
from tests.ocpi.tokens.makers import token as make_token


def test_an_accepted_start_is_linked_to_the_session_the_cpo_pushes(cpo_sim, token):
    evse_uid, _ = cpo_sim.evse("LOC0000002")
    command = settled(
        cpo_sim,
        services.command_start_session(
            partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000002", evse_uid=evse_uid
        ),
    )
    cpo_sim.quiet()
    assert Session.objects.filter(partner=cpo_sim.partner, auth_id=token.auth_id).exists()
    services.commands_link_sessions()
    command.refresh_from_db()
    session = Session.objects.get(partner=cpo_sim.partner, auth_id=token.auth_id)
    assert command.session_id == session.pk
    assert (session.location_id, session.evse_uid) == ("LOC0000002", evse_uid)
    assert command.linked_at is not None


def test_a_session_that_arrives_after_a_timeout_is_still_linked(cpo_sim, token):
    cpo_sim.sim.commands.form = "none"  # no result ever: the session comes, the callback does not
    cpo_sim.sim.commands.callback_delay = 0.5
    command = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    assert services.commands_time_out(now=command.deadline) == 1
    command.refresh_from_db()
    assert command.state == "TIMEOUT"
    assert command.session_id is None

    cpo_sim.quiet()
    assert Session.objects.filter(partner=cpo_sim.partner, auth_id=token.auth_id).exists()
    assert commands_sweep() == (0, 1)  # the periodic task links it
    command.refresh_from_db()
    assert command.state == "TIMEOUT"
    assert command.session == Session.objects.get(partner=cpo_sim.partner, auth_id=token.auth_id)
    assert commands_sweep() == (0, 0)  # idempotent


def test_other_drivers_sessions_and_refused_commands_are_not_linked(cpo_sim, token):
    stranger = make_token()
    cpo_sim.sim.live.start_session(auth_id=stranger.auth_id, location_id="LOC0000001")
    cpo_sim.sim.commands.response = "REJECTED"
    refused = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    cpo_sim.sim.live.start_session(auth_id=token.auth_id, location_id="LOC0000001")  # the driver badged instead
    cpo_sim.sim.commands.response = "ACCEPTED"
    cpo_sim.sim.commands.form = "none"
    cpo_sim.sim.commands.callback_delay = 5.0  # the Charge Point is slow: nothing started yet
    elsewhere = services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000003")
    cpo_sim.sim.commands.cancel()
    cpo_sim.quiet()
    assert services.commands_link_sessions() == 0
    refused.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (refused.session_id, elsewhere.session_id) == (None, None)


def test_two_starts_claim_two_different_sessions(cpo_sim, token):
    commands = []
    for _ in range(2):
        commands.append(
            settled(
                cpo_sim,
                services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000002"),
            )
        )
        cpo_sim.quiet()
    assert Session.objects.filter(partner=cpo_sim.partner, auth_id=token.auth_id).count() == 2
    services.commands_link_sessions()
    for command in commands:
        command.refresh_from_db()
    linked = [command.session_id for command in commands]
    assert None not in linked
    assert len(set(linked)) == 2
