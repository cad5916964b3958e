"""The four staff roles and what each may do: the one place the groups are defined.

A role lists ``app_label.codename`` permissions; ``ALL`` gives every permission there is
(Administrator). Exclusive rights (reference §4.6.1: UNLOCK_CONNECTOR for help-desk operators;
token unblock; billing exports; partner credentials and registration) sit in one role each,
besides Administrator.
"""

from __future__ import annotations

from typing import Any

ALL = "__all__"

SUPPORT = "Support"
BILLING = "Billing"
PARTNER_MANAGER = "Partner manager"
ADMINISTRATOR = "Administrator"

# Permissions that no model declares in its Meta: (app_label, model, codename, name).
CUSTOM_PERMISSIONS = (
    ("ocpi_tokens", "token", "unblock_token", "Can unblock tokens"),
    ("partners", "partner", "manage_registration", "Can invite, register, update credentials and unregister"),
)
# Billing exports declare their own permission (billing room); it joins the role when it exists.
EXPORT = "billing.export_billing"

_LOOK = (
    "partners.view_partner",
    "ocpi_locations.view_location",
    "ocpi_locations.view_evse",
    "ocpi_locations.view_connector",
    "ocpi_sessions.view_session",
    "ocpi_cdrs.view_cdr",
    "ocpi_tariffs.view_tariff",
    "customers.view_customer",
    "customers.view_pricingplan",
    "ocpi_tokens.view_token",
)

ROLES: dict[str, tuple[str, ...]] = {
    SUPPORT: (
        *_LOOK,
        "customers.add_customer",
        "customers.change_customer",
        "ocpi_tokens.add_token",
        "ocpi_tokens.change_token",
        "ocpi_tokens.unblock_token",
        "ocpi_tokens.view_tokenpush",
        "ocpi_tokens.view_authorizationdecision",
        "ocpi_commands.view_command",
        "ocpi_commands.send_command",
        "ocpi_commands.unlock_connector",
    ),
    BILLING: (
        *_LOOK,
        "ocpi_cdrs.view_cdrconflict",
        "ocpi_cdrs.change_cdrconflict",
        "ocpi_tariffs.view_tariffrevision",
        "customers.add_pricingplan",
        "customers.change_pricingplan",
        "billing.view_cdrpricing",
        "billing.view_cdrretail",
        EXPORT,
    ),
    PARTNER_MANAGER: (
        *_LOOK,
        "partners.change_partner",
        "partners.manage_registration",
        "ocpi_core.view_journalentry",
        "sync.view_syncrun",
        "sync.view_partnersync",
        "sync.change_syncrun",
        "ocpi_tokens.view_tokenpush",
        "ocpi_tokens.change_tokenpush",
    ),
    ADMINISTRATOR: (ALL,),
}


def roles_apply(*, group_model: Any, permission_model: Any, content_type_model: Any) -> None:
    """Create the custom permissions and the four groups, and set each group's permissions to
    exactly its list. Idempotent. Takes the models so a data migration can pass its historical
    ones; a permission whose app is not installed (yet) is skipped."""
    for app_label, model, codename, name in CUSTOM_PERMISSIONS:
        content_type = content_type_model.objects.filter(app_label=app_label, model=model).first()
        if content_type is not None:
            permission_model.objects.get_or_create(
                content_type=content_type, codename=codename, defaults={"name": name}
            )
    everything = permission_model.objects.all()
    for name, wanted in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        if wanted == (ALL,):
            group.permissions.set(everything)
            continue
        labels = {label.partition(".")[0] for label in wanted}
        candidates = everything.filter(content_type__app_label__in=labels).select_related("content_type")
        group.permissions.set(
            [perm for perm in candidates if f"{perm.content_type.app_label}.{perm.codename}" in wanted]
        )
