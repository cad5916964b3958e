"""The audit trail in the admin: readable by those allowed to view it, changed by no one."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django.utils.safestring import SafeString

from console.models import AuditEntry
from ocpi.core.audit import Audited
from ocpi.core.console import ReadOnly, json_block

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created", "actor_name", "via", "action", "object_type", "object_repr")
    list_filter = ("via", "object_type", "created")
    search_fields = ("action", "actor_name", "object_repr", "object_id")
    date_hierarchy = "created"
    fields = ("created", "actor_name", "via", "action", "object_type", "object_id", "object_repr", "before_", "after_")
    readonly_fields = fields
    # ReadOnly already answers False to add, change and delete, superusers included; the delete
    # action must go too, or it would be offered (and refused) on the list.
    actions = None

    @admin.display(description="before")
    def before_(self, entry: AuditEntry) -> SafeString:
        return json_block(entry.before)

    @admin.display(description="after")
    def after_(self, entry: AuditEntry) -> SafeString:
        return json_block(entry.after)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        return {}


# Who may do what is itself a staff action worth a trail: users and groups (the roles) are
# edited through the same admin pages, with the audit hook mixed in.
@admin.register(User)
class AuditedUserAdmin(Audited, UserAdmin):
    pass


@admin.register(Group)
class AuditedGroupAdmin(Audited, GroupAdmin):
    pass
