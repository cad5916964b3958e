"""The staff console for sessions: read-only, as the CPO owns them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest
from django.utils.safestring import SafeString

from ocpi.core.console import LargeList, ReadOnly, json_block, periods_table
from ocpi.sessions.models import Session


@admin.register(Session)
class SessionAdmin(LargeList, ReadOnly, admin.ModelAdmin):
    list_display = (
        "ocpi_id", "partner", "status", "start_datetime", "kwh", "duration", "total_cost", "currency",
        "auth_id", "customer", "location_id", "last_updated",
    )  # fmt: skip
    list_filter = ("partner", "status", "start_datetime", "token_known")
    search_fields = ("ocpi_id", "auth_id", "customer__email", "customer__name", "location_id", "evse_uid")
    list_select_related = ("partner", "customer")
    date_hierarchy = "start_datetime"
    fieldsets = (
        (None, {"fields": ("partner", "country_code", "party_id", "ocpi_id", "status", "last_updated")}),
        ("Driver", {"fields": ("auth_id", "auth_method", "token_known", "customer", "token")}),
        (
            "Charging",
            {"fields": ("start_datetime", "end_datetime", "duration", "kwh", "total_cost", "currency")},
        ),
        ("Where", {"fields": ("location_id", "evse_uid", "connector_id")}),
        ("Charging periods", {"fields": ("charging_periods",)}),
        ("As received", {"fields": ("raw_json", "created")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten_fieldsets(self.fieldsets or ())

    @admin.display(description="duration")
    def duration(self, session: Session) -> str:
        if session.end_datetime is None:
            return "—"
        return _duration(int((session.end_datetime - session.start_datetime).total_seconds()))

    @admin.display(description="charging periods")
    def charging_periods(self, session: Session) -> SafeString:
        return periods_table(session.data.get("charging_periods") or [])

    @admin.display(description="raw JSON")
    def raw_json(self, session: Session) -> SafeString:
        return json_block(session.data)


def _duration(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
