"""The audit hook the rooms' consoles share: a staff action is announced here, the console
records it (the console sits above every room, so the rooms cannot import it; they send).

``staff_acted`` is sent with ``actor`` (a user), ``action`` (a short verb such as
``"tokens.unblock"``), ``obj`` (a model instance), ``before`` and ``after`` (JSON-safe dicts, or
``None`` for creation/deletion) and ``via`` (``"admin"``, ``"ocpi"``, ``"system"``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.dispatch import Signal
from django.http import HttpRequest

staff_acted = Signal()

# Fields never copied into the trail: secrets stay where they are stored (DESIGN.md §4).
SECRET_FIELDS = frozenset(
    {"password", "their_token_encrypted", "access_token_hash", "registration_token_hash", "pending_access_token_hash"}
)


def snapshot(obj: models.Model | None, *, many: bool = False) -> dict[str, Any] | None:
    """A model instance's concrete fields as JSON-safe values, secrets left out (``None`` for
    none); with ``many``, its many-to-many fields too as sorted primary keys (a query each)."""
    if obj is None:
        return None
    values = {
        field.attname: getattr(obj, field.attname)
        for field in obj._meta.concrete_fields
        if field.name not in SECRET_FIELDS
    }
    if many and obj.pk is not None:
        for field in obj._meta.many_to_many:
            values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    result: dict[str, Any] = json.loads(json.dumps(values, cls=DjangoJSONEncoder))
    return result


def audit(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    via: str = "admin",
) -> None:
    """Announce one staff action (or one credentials change) to whoever keeps the trail."""
    staff_acted.send(sender=type(obj), actor=actor, action=action, obj=obj, before=before, after=after, via=via)


class Audited:
    """Mix into a ModelAdmin (before ``admin.ModelAdmin``): saves, deletions and every action on
    selected rows are announced with the rows as they were before and after."""

    # Hooked where the admin reads the object and where it logs the saved one, so that rooms
    # whose save_model calls their own services (without super()) are covered too.
    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is not None:
            request.audit_before = snapshot(obj, many=True)  # type: ignore[attr-defined]
        return obj

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        audit(actor=request.user, action=f"{_name(obj)}.add", obj=obj, before=None, after=_fresh(obj))
        return super().log_addition(request, obj, message)  # type: ignore[misc]

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        before = getattr(request, "audit_before", None)
        audit(actor=request.user, action=f"{_name(obj)}.change", obj=obj, before=before, after=_fresh(obj))
        return super().log_change(request, obj, message)  # type: ignore[misc]

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = snapshot(obj)
        super().delete_model(request, obj)  # type: ignore[misc]
        audit(actor=request.user, action=f"{_name(obj)}.delete", obj=obj, before=before, after=None)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions: dict[str, Any] = super().get_actions(request)  # type: ignore[misc]
        return {name: (_audited(func, name), name, text) for name, (func, _, text) in actions.items()}


def _fresh(obj: models.Model) -> dict[str, Any] | None:
    return snapshot(type(obj)._default_manager.filter(pk=obj.pk).first(), many=True)


def _name(obj: models.Model) -> str:
    return f"{obj._meta.app_label}.{obj._meta.model_name}"


def _audited(func: Callable[..., Any], name: str) -> Callable[..., Any]:
    def run(modeladmin: Any, request: HttpRequest, queryset: Any) -> Any:
        rows = list(queryset)
        before = {row.pk: snapshot(row) for row in rows}
        response = func(modeladmin, request, queryset)
        _announce(request, name, rows, before, queryset.model._default_manager.filter(pk__in=before))
        return response

    run.__name__ = getattr(func, "__name__", name)
    for attribute in ("short_description", "allowed_permissions"):
        if hasattr(func, attribute):
            setattr(run, attribute, getattr(func, attribute))
    return run


def _announce(request: HttpRequest, name: str, rows: list[Any], before: dict[Any, Any], now: Iterable[Any]) -> None:
    after = {row.pk: row for row in now}
    for row in rows:
        audit(
            actor=request.user,
            action=f"{_name(row)}.{name}",
            obj=after.get(row.pk, row),
            before=before[row.pk],
            after=snapshot(after.get(row.pk)),
        )
