"""Results, repeats, the CPO's late answer and the TIMEOUT sweep racing each other leave one
consistent outcome (each is one conditional UPDATE; PostgreSQL runs them truly in parallel)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from ocpi.commands import services
from ocpi.commands.models import Command
from partners.models import Partner

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def pending(partner: Partner, number: int) -> Command:
    now = timezone.now()
    return Command.objects.create(
        partner=partner, type="UNLOCK_CONNECTOR", state="ACCEPTED", request={}, response_token=f"race-{number}",
        url="http://127.0.0.1/commands/UNLOCK_CONNECTOR", requested_at=now - timedelta(minutes=5),
        deadline=now - timedelta(seconds=1),
    )  # fmt: skip


def race(*actions: Callable[[], object]) -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(len(actions))

    def run(action: Callable[[], object]) -> None:
        try:
            start.wait()
            action()
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(action,)) for action in actions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


def test_parallel_results_and_the_sweep_end_each_command_exactly_once():
    partner = Partner.objects.create(name="Racer", country_code="NL", party_id="RAC", status="REGISTERED")
    commands = [pending(partner, number) for number in range(20)]

    def results(value: str) -> Callable[[], None]:
        def send() -> None:
            for command in commands:
                services.command_result_receive(
                    partner_id=partner.pk, command_type=command.type, response_token=command.response_token, data=value
                )

        return send

    race(results("ACCEPTED"), results("REJECTED"), services.commands_time_out, services.commands_time_out)
    for command in commands:
        command.refresh_from_db()
        if command.state == "FINISHED":
            assert command.result in ("ACCEPTED", "REJECTED")
            assert command.result_at is not None
            assert command.late_result == ""
            assert command.timed_out_at is None
        else:
            assert (command.state, command.result, command.result_at) == ("TIMEOUT", "TIMEOUT", None)
            assert command.late_result in ("ACCEPTED", "REJECTED")


def test_two_sweeps_never_link_one_session_to_two_commands():
    from ocpi.sessions.models import Session
    from tests.ocpi.tokens.makers import token as make_token

    partner = Partner.objects.create(name="Racer", country_code="NL", party_id="RAC", status="REGISTERED")
    token = make_token()
    now = timezone.now()
    starts = [
        Command.objects.create(
            partner=partner, type="START_SESSION", state="ACCEPTED", request={"token": {"auth_id": token.auth_id}},
            response_token=f"start-{number}", url="http://127.0.0.1/commands/START_SESSION", token=token,
            location_id="LOC1", requested_at=now, deadline=now + timedelta(minutes=2),
        )
        for number in range(2)
    ]  # fmt: skip
    session = Session.objects.create(
        partner=partner, country_code="NL", party_id="RAC", ocpi_id="S1", status="ACTIVE", auth_id=token.auth_id,
        auth_method="AUTH_REQUEST", start_datetime=now, kwh=0, currency="EUR", location_id="LOC1",
        last_updated=now, data={},
    )  # fmt: skip
    for _ in range(5):
        race(services.commands_link_sessions, services.commands_link_sessions)
    linked = [command.session_id for command in Command.objects.filter(pk__in=[start.pk for start in starts])]
    assert sorted(linked, key=str) == sorted([session.pk, None], key=str)
