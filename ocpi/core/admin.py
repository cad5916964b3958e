from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from ocpi.core.models import JournalEntry


@admin.register(JournalEntry)
class JournalEntryAdmin(admin.ModelAdmin):
    """Read-only: the journal is evidence, nobody edits it."""

    list_display = (
        "created",
        "direction",
        "partner_label",
        "method",
        "url",
        "http_status",
        "ocpi_status",
        "duration_ms",
    )
    list_filter = ("direction", "method", "http_status", "ocpi_status", "created")
    search_fields = ("url", "request_id", "partner_label")
    date_hierarchy = "created"
    show_full_result_count = False  # counting a big journal on every page view is slow
    list_per_page = 100

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
