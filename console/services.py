"""Writes of the console: the audit trail and the roles."""

from __future__ import annotations

from typing import Any

from django.db import models

from console.models import AuditEntry


def audit_record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    via: str = AuditEntry.Via.ADMIN,
) -> AuditEntry:
    """Append one entry to the trail; an anonymous or missing actor is stored as none."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_name=user.get_username() if user is not None else "",
        via=via,
        action=action[:100],
        object_type=f"{obj._meta.app_label}.{obj._meta.model_name}",
        object_id=str(obj.pk)[:64],
        object_repr=str(obj)[:200],
        before=before,
        after=after,
    )
