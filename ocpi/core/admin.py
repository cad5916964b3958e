from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from ocpi.core.console import ReadOnly
from ocpi.core.models import JournalEntry


class OutcomeFilter(admin.SimpleListFilter):
    """Fixed buckets instead of DISTINCT over every status in a big journal."""

    title = "outcome"
    parameter_name = "outcome"
    _RANGES = {"ok": (200, 299), "client": (400, 499), "server": (500, 599)}

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, str]]:
        return [("ok", "2xx success"), ("client", "4xx refused"), ("server", "5xx failed"), ("none", "no answer")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[JournalEntry]) -> QuerySet[JournalEntry]:
        if self.value() == "none":
            return queryset.filter(http_status__isnull=True)
        if self.value() in self._RANGES:
            return queryset.filter(http_status__range=self._RANGES[str(self.value())])
        return queryset


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnly, admin.ModelAdmin):
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
    list_filter = ("direction", OutcomeFilter, "method", "created")
    search_fields = ("url", "request_id", "partner_label")
    date_hierarchy = "created"
    show_full_result_count = False  # counting a big journal on every page view is slow
    list_per_page = 100

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest) -> bool:
        # The partner admin links here with ?partner_id=…
        return lookup == "partner_id" or super().lookup_allowed(lookup, value, request)
