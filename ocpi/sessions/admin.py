"""The staff console for sessions: read-only, as the CPO owns them."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ocpi.sessions.models import Session


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = (
        "ocpi_id", "partner", "status", "start_datetime", "kwh", "duration", "total_cost", "currency",
        "auth_id", "token_known", "location_id", "last_updated",
    )  # fmt: skip
    list_filter = ("partner", "status", "start_datetime", "token_known")
    search_fields = ("ocpi_id", "auth_id", "location_id", "evse_uid")
    list_select_related = ("partner",)
    date_hierarchy = "start_datetime"
    fieldsets = (
        (None, {"fields": ("partner", "country_code", "party_id", "ocpi_id", "status", "last_updated")}),
        ("Driver", {"fields": ("auth_id", "auth_method", "token_known")}),
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

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

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
        return format_html("<pre>{}</pre>", json.dumps(session.data, indent=2, ensure_ascii=False))


def periods_table(periods: list[dict[str, Any]]) -> SafeString:
    """ChargingPeriods as an HTML table: one row per period, its dimensions as ``TYPE volume``."""
    if not periods:
        return format_html("{}", "—")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        (
            (period.get("start_date_time", ""), ", ".join(f"{d['type']} {d['volume']}" for d in period["dimensions"]))
            for period in periods
        ),
    )
    return format_html("<table><tr><th>start</th><th>dimensions</th></tr>{}</table>", rows)


def _duration(seconds: int) -> str:
    hours, rest = divmod(max(seconds, 0), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}"
