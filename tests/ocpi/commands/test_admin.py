"""The commands console: a read-only history, and pages that send commands; unlocking only
for users with the Support permission (reference §4.6.1: help-desk operators only)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from ocpi.commands.models import Command
from ocpi.sessions.models import Session
from tests.ocpi.commands.conftest import settled

CHANGELIST = "/admin/ocpi_commands/command/"


def staff(username: str, *, groups: tuple[str, ...] = (), perms: tuple[str, ...] = ()) -> Client:
    user = User.objects.create_user(username, password="x", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=groups))
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="ocpi_commands", codename__in=perms))
    client = Client()
    client.force_login(user)
    return client


def test_the_support_group_may_see_send_and_unlock(db):
    permissions = Group.objects.get(name="Support").permissions.filter(content_type__app_label="ocpi_commands")
    assert set(permissions.values_list("codename", flat=True)) == {"view_command", "send_command", "unlock_connector"}


def test_unlock_needs_the_support_permission(cpo_sim):
    evse_uid, connector_id = cpo_sim.evse("LOC0000001")
    form = {
        "partner": cpo_sim.partner.pk,
        "location_id": "LOC0000001",
        "evse_uid": evse_uid,
        "connector_id": connector_id,
    }
    sender = staff("sender", perms=("view_command", "send_command"))
    assert sender.get(f"{CHANGELIST}unlock/").status_code == 403
    assert sender.post(f"{CHANGELIST}unlock/", form).status_code == 403
    assert "send-unlock" not in sender.get(CHANGELIST).content.decode()
    assert not Command.objects.exists()

    support = staff("support", groups=("Support",))
    assert "send-unlock" in support.get(CHANGELIST).content.decode()
    response = support.post(f"{CHANGELIST}unlock/", form)
    command = Command.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{CHANGELIST}{command.pk}/change/"
    assert command.requested_by is not None
    assert (command.type, command.requested_by.username, command.requested_via) == (
        "UNLOCK_CONNECTOR", "support", "admin",
    )  # fmt: skip
    assert settled(cpo_sim, command).state == "FINISHED"


def test_a_user_without_send_permission_cannot_start(cpo_sim, token):
    viewer = staff("viewer", perms=("view_command",))
    assert viewer.get(f"{CHANGELIST}start/").status_code == 403
    page = viewer.get(CHANGELIST).content.decode()
    assert "send-start" not in page


def test_staff_start_a_session_for_a_token_at_an_evse(cpo_sim, token, admin_client):
    evse_uid, _ = cpo_sim.evse("LOC0000002")
    form = {"partner": cpo_sim.partner.pk, "token_uid": token.uid, "location_id": "LOC0000002", "evse_uid": evse_uid}
    response = admin_client.post(f"{CHANGELIST}start/", form, follow=True)
    command = Command.objects.get()
    assert (command.type, command.token_id, command.evse_uid) == ("START_SESSION", token.pk, evse_uid)
    assert "START_SESSION #" in response.content.decode()
    command = settled(cpo_sim, command)
    assert command.succeeded
    detail = admin_client.get(f"{CHANGELIST}{command.pk}/change/").content.decode()
    assert "FINISHED" in detail
    assert command.response_token in detail  # the request as sent


def test_a_refused_start_shows_the_reason_on_the_field(cpo_sim, admin_client):
    form = {"partner": cpo_sim.partner.pk, "token_uid": "NOPE", "location_id": "LOC0000001"}
    response = admin_client.post(f"{CHANGELIST}start/", form)
    assert response.status_code == 200
    assert "no token with uid" in response.content.decode()
    assert not Command.objects.exists()


def test_staff_reserve(cpo_sim, token, admin_client):
    expiry = (timezone.now() + timedelta(hours=2)).strftime("%Y-%m-%d %H:%M:%S")
    form = {"partner": cpo_sim.partner.pk, "token_uid": token.uid, "location_id": "LOC0000001", "expiry": expiry}
    assert admin_client.post(f"{CHANGELIST}reserve/", form).status_code == 302
    command = settled(cpo_sim, Command.objects.get())
    assert (command.type, command.state, command.reservation_id) == ("RESERVE_NOW", "FINISHED", command.pk)


def test_a_session_page_links_to_stopping_it_and_the_stop_page_stops_it(cpo_sim, token, admin_client):
    started = cpo_sim.sim.live.start_session(auth_id=token.auth_id, location_id="LOC0000001")
    session = Session.objects.get(partner=cpo_sim.partner, ocpi_id=started["id"])
    page = admin_client.get(f"/admin/ocpi_sessions/session/{session.pk}/change/").content.decode()
    stop_url = f"{CHANGELIST}stop/?session={session.pk}"
    assert f'href="{stop_url}"' in page
    assert f'value="{session.pk}"' in admin_client.get(stop_url).content.decode()

    assert admin_client.post(f"{CHANGELIST}stop/", {"session": session.pk}).status_code == 302
    command = settled(cpo_sim, Command.objects.get())
    assert (command.type, command.state, command.session_id) == ("STOP_SESSION", "FINISHED", session.pk)
    session.refresh_from_db()
    assert session.status == "COMPLETED"
    assert (
        "Stop remotely" not in admin_client.get(f"/admin/ocpi_sessions/session/{session.pk}/change/").content.decode()
    )


@pytest.mark.parametrize("query", ["state__exact=REJECTED", "type__exact=START_SESSION", "result__exact=TIMEOUT"])
def test_the_history_filters(cpo_sim, token, admin_client, query):
    from ocpi.commands import services

    cpo_sim.sim.commands.response = "REJECTED"
    services.command_start_session(partner=cpo_sim.partner, token_uid=token.uid, location_id="LOC0000001")
    page = admin_client.get(f"{CHANGELIST}?{query}")
    assert page.status_code == 200
    shown = page.context["cl"].result_count
    assert shown == (0 if query.startswith("result") else 1)


def test_the_history_is_read_only(cpo_sim, admin_client):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403
