"""What the console does when the rooms below it announce something."""

from __future__ import annotations

from typing import Any

from console import services
from console.models import AuditEntry


def staff_acted(
    *, actor: Any, action: str, obj: Any, before: Any, after: Any, via: str = "admin", **kwargs: Any
) -> None:
    services.audit_record(actor=actor, action=action, obj=obj, before=before, after=after, via=via)


def credentials_changed(
    *, partner: Any, action: str, before: Any, after: Any, via: str = AuditEntry.Via.SYSTEM, **kwargs: Any
) -> None:
    # The services do not know which staff user asked: a staff page announces its own action
    # beside this one (with the user); here the change itself is kept, whoever caused it.
    services.audit_record(actor=None, action=f"credentials.{action}", obj=partner, before=before, after=after, via=via)


def roles_refresh(*, sender: Any, **kwargs: Any) -> None:
    from django.apps import apps  # noqa: PLC0415 (apps are ready)
    from django.contrib.auth.models import Group, Permission  # noqa: PLC0415
    from django.contrib.contenttypes.models import ContentType  # noqa: PLC0415

    from console.roles import roles_apply  # noqa: PLC0415

    # post_migrate comes once per app; only the last app's comes after every permission exists.
    if sender is not list(apps.get_app_configs())[-1]:
        return
    roles_apply(group_model=Group, permission_model=Permission, content_type_model=ContentType)
