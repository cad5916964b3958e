"""The audit trail: staff actions and credentials changes recorded with before and after,
readable in the admin, changed by no one."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import DatabaseError, transaction

from console.models import AuditEntry
from console.roles import ADMINISTRATOR, PARTNER_MANAGER, SUPPORT
from ocpi.tokens.models import Token
from partners import services as partner_services
from partners.models import Partner
from tests.ocpi.tokens.makers import token as make_token

TOKENS = "/admin/ocpi_tokens/token/"


def test_it_records_an_action_with_the_rows_before_and_after(staff):
    token = make_token()
    support = staff("sup", SUPPORT)
    support.post(TOKENS, {"action": "block", "_selected_action": [token.pk]})
    entry = AuditEntry.objects.get(action="ocpi_tokens.token.block")
    assert (entry.actor_name, entry.object_type, entry.object_id) == ("sup", "ocpi_tokens.token", str(token.pk))
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["valid"], entry.after["valid"]) == (True, False)
    assert not Token.objects.get(pk=token.pk).valid


def test_it_records_a_change_made_in_a_form(staff):
    token = make_token(visual_number="OLD-1")
    support = staff("sup", SUPPORT)
    form = {
        "customer": token.customer_id, "uid": token.uid, "type": token.type, "visual_number": "NEW-2",
        "issuer": token.issuer, "whitelist": token.whitelist, "language": "",
    }  # fmt: skip
    response = support.post(f"{TOKENS}{token.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(action="ocpi_tokens.token.change")
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["visual_number"], entry.after["visual_number"]) == ("OLD-1", "NEW-2")


def test_credentials_changes_are_recorded_without_the_secrets(db):
    invitation = partner_services.partner_invite(name="New CPO")
    entry = AuditEntry.objects.get(action="credentials.invite")
    assert entry.object_id == str(invitation.partner.pk)
    assert entry.after is not None
    assert entry.after["status"] == Partner.Status.PENDING
    assert invitation.token not in str(entry.after)
    assert len(entry.after["token_a_or_b"]) == 8


def test_an_invitation_from_the_admin_names_who_made_it(staff):
    manager = staff("man", PARTNER_MANAGER)
    manager.post("/admin/partners/partner/invite/", {"name": "Invited CPO"})
    entry = AuditEntry.objects.get(action="partners.partner.invite")
    assert (entry.actor_name, entry.object_repr) == ("man", str(Partner.objects.get(name="Invited CPO")))


def test_no_one_may_add_change_or_delete_an_entry_in_the_admin(staff, django_user_model):
    make_token()
    root = django_user_model.objects.create_superuser("root", password="x")
    admin = staff("adm", ADMINISTRATOR)
    admin.force_login(root)
    entry = AuditEntry.objects.create(action="x.y", object_type="a.b", object_id="1", object_repr="thing")
    assert admin.get(f"/admin/console/auditentry/{entry.pk}/change/").status_code == 200  # readable
    assert admin.get("/admin/console/auditentry/add/").status_code == 403
    assert admin.post(f"/admin/console/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    admin.post(f"/admin/console/auditentry/{entry.pk}/change/", {"action": "changed"})
    assert AuditEntry.objects.get(pk=entry.pk).action == "x.y"


def test_the_database_refuses_to_change_an_entry(db):
    entry = AuditEntry.objects.create(action="x.y", object_type="a.b", object_id="1", object_repr="thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).update(action="rewritten")
    assert AuditEntry.objects.get(pk=entry.pk).action == "x.y"


@pytest.mark.postgres
def test_postgresql_refuses_to_delete_an_entry(db):
    entry = AuditEntry.objects.create(action="x.y", object_type="a.b", object_id="1", object_repr="thing")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_giving_a_user_a_role_is_recorded(staff, django_user_model):
    root = django_user_model.objects.create_superuser("root", password="x")
    clerk = django_user_model.objects.create_user("clerk", password="x", is_staff=True)
    client = staff("adm", ADMINISTRATOR)
    client.force_login(root)
    support = Group.objects.get(name=SUPPORT)
    form = {
        "username": "clerk", "is_active": "on", "is_staff": "on", "groups": [support.pk],
        "last_login_0": "", "last_login_1": "", "date_joined_0": "2026-01-01", "date_joined_1": "00:00:00",
    }  # fmt: skip
    response = client.post(f"/admin/auth/user/{clerk.pk}/change/", form)
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="auth.user.change", object_id=str(clerk.pk))
    assert entry.actor_name == "root"
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["groups"], entry.after["groups"]) == ([], [support.pk])
    assert "password" not in entry.after


def test_a_cpo_registering_with_us_over_ocpi_is_recorded_as_theirs(cpo_sim):
    entry = AuditEntry.objects.get(action="credentials.register", object_id=str(cpo_sim.partner.pk))
    assert entry.via == AuditEntry.Via.OCPI
    assert entry.before is not None
    assert entry.after is not None
    assert (entry.before["status"], entry.after["status"]) == ("PENDING", "REGISTERED")
    assert entry.before["token_c_or_b"] == ""
    assert len(entry.after["token_c_or_b"]) == 8
    assert len(entry.after["their_token"]) == 8
    assert cpo_sim.sim.emsp_token not in str(entry.after)
