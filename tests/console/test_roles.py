"""The four roles: created by migration, kept after a flush, each with its exclusive rights."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group, Permission, User

from console.roles import ADMINISTRATOR, BILLING, EXPORT, PARTNER_MANAGER, ROLES, SUPPORT
from partners.models import Partner
from tests.ocpi.tokens.makers import token as make_token

EXCLUSIVE = {
    "ocpi_commands.unlock_connector": SUPPORT,
    "ocpi_tokens.unblock_token": SUPPORT,
    EXPORT: BILLING,
    "partners.manage_registration": PARTNER_MANAGER,
}


def member(*roles: str) -> User:
    user = User.objects.create_user("-".join(roles) or "nobody", is_staff=True)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return User.objects.get(pk=user.pk)  # fresh: no permission cache


def test_it_creates_the_four_groups(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {SUPPORT, BILLING, PARTNER_MANAGER, ADMINISTRATOR}


def known_permissions() -> set[str]:
    return {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}


def test_every_listed_permission_exists(db):
    listed = {label for labels in ROLES.values() for label in labels if label != "__all__"}
    # The export permission comes with billing's export model; until then the role lacks it.
    assert listed - known_permissions() <= {EXPORT}


@pytest.mark.parametrize(("permission", "owner"), EXCLUSIVE.items())
def test_exclusive_rights_belong_to_one_role_and_the_administrator(db, permission, owner):
    if permission not in known_permissions():
        pytest.skip(f"{permission} is not defined yet (billing exports)")
    holders = {role for role in (SUPPORT, BILLING, PARTNER_MANAGER, ADMINISTRATOR) if member(role).has_perm(permission)}
    assert holders == {owner, ADMINISTRATOR}


def test_the_administrator_has_every_permission(db):
    administrator = member(ADMINISTRATOR)
    every = {f"{app}.{code}" for app, code in Permission.objects.values_list("content_type__app_label", "codename")}
    assert administrator.get_all_permissions() == every


def test_support_cannot_see_the_journal_or_billing(db):
    support = member(SUPPORT)
    assert not support.has_perm("ocpi_core.view_journalentry")
    assert not support.has_perm("billing.view_cdrpricing")
    assert not support.has_perm("partners.change_partner")


def test_the_unblock_action_is_offered_to_support_only(staff):
    make_token()
    billing = staff("bill", BILLING)
    support = staff("sup", SUPPORT)
    billing_page = billing.get("/admin/ocpi_tokens/token/").content.decode()
    support_page = support.get("/admin/ocpi_tokens/token/").content.decode()
    assert 'value="unblock"' in support_page
    assert 'value="unblock"' not in billing_page


def test_registration_pages_need_the_partner_manager_role(staff):
    support = staff("sup", SUPPORT)
    manager = staff("man", PARTNER_MANAGER)
    assert support.get("/admin/partners/partner/invite/").status_code == 403
    assert manager.get("/admin/partners/partner/invite/").status_code == 200
    response = support.post("/admin/partners/partner/invite/", {"name": "Sneaky CPO"})
    assert response.status_code == 403
    assert not Partner.objects.filter(name="Sneaky CPO").exists()


@pytest.mark.django_db(transaction=True)
def test_the_groups_survive_the_flush_between_transactional_tests():
    # A transactional test empties every table and then emits post_migrate: the roles return.
    support = Group.objects.get(name=SUPPORT)
    assert support.permissions.filter(codename="unblock_token").exists()
