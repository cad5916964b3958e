"""The staff console for CDRs and CDR conflicts: read-only, as the CPO owns them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ocpi.cdrs import services
from ocpi.cdrs.models import Cdr, CdrConflict
from ocpi.core.audit import Audited
from ocpi.core.console import LargeList, json_block, periods_table
from ocpi.core.console import ReadOnly as ReadOnlyMixin


class ReadOnly(ReadOnlyMixin, admin.ModelAdmin):
    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten_fieldsets(self.fieldsets or ())


@admin.register(Cdr)
class CdrAdmin(LargeList, ReadOnly):
    list_display = (
        "ocpi_id", "partner", "start_date_time", "stop_date_time", "total_energy", "duration", "total_cost",
        "currency", "auth_id", "customer", "flagged",
    )  # fmt: skip
    list_filter = ("partner", "start_date_time", "currency", "token_known")
    search_fields = ("ocpi_id", "auth_id", "customer__email", "customer__name", "location_id")
    list_select_related = ("partner", "customer")
    date_hierarchy = "start_date_time"
    fieldsets = (
        (None, {"fields": ("partner", "country_code", "party_id", "ocpi_id", "last_updated", "received_at")}),
        ("Driver", {"fields": ("auth_id", "auth_method", "token_known", "customer", "token")}),
        (
            "Charging",
            {
                "fields": (
                    "start_date_time",
                    "stop_date_time",
                    "total_energy",
                    "total_time",
                    "total_parking_time",
                    "total_cost",
                    "currency",
                )
            },
        ),
        ("Where", {"fields": ("location_id", "evse_uid", "connector_id")}),
        ("Charging periods", {"fields": ("charging_periods",)}),
        ("Conflicting posts", {"fields": ("conflict_links",)}),
        ("As received", {"fields": ("raw_json",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Cdr]:
        # A subquery per listed CDR, not a join grouped over the whole table: a page of 100
        # stays an index walk however many CDRs there are.
        unreviewed = (
            CdrConflict.objects.filter(cdr=OuterRef("pk"), reviewed_at__isnull=True)
            .order_by()
            .values("cdr")
            .annotate(n=Count("pk"))
            .values("n")
        )
        count = Coalesce(Subquery(unreviewed, output_field=IntegerField()), Value(0))
        return super().get_queryset(request).annotate(conflict_count=count)

    @admin.display(description="duration (h)", ordering="total_time")
    def duration(self, cdr: Cdr) -> str:
        return f"{cdr.total_time:.2f}"

    @admin.display(description="conflicts to review", ordering="conflict_count")
    def flagged(self, cdr: Cdr) -> int:
        return int(getattr(cdr, "conflict_count", 0))

    @admin.display(description="charging periods")
    def charging_periods(self, cdr: Cdr) -> SafeString:
        return periods_table(cdr.data.get("charging_periods") or [])

    @admin.display(description="conflicts")
    def conflict_links(self, cdr: Cdr) -> SafeString:
        conflicts = list(cdr.conflicts.all().only("pk", "received_at", "times_received"))
        if not conflicts:
            return format_html("{}", "—")
        return format_html_join(
            "",
            '<p><a href="{}">received {} ({}×)</a></p>',
            (
                (reverse("admin:ocpi_cdrs_cdrconflict_change", args=[c.pk]), c.received_at, c.times_received)
                for c in conflicts
            ),
        )

    @admin.display(description="raw JSON")
    def raw_json(self, cdr: Cdr) -> SafeString:
        return json_block(cdr.data)


class ReviewedFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("open", "To review"), ("done", "Reviewed")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[CdrConflict]) -> QuerySet[CdrConflict]:
        if self.value() in ("open", "done"):
            return queryset.filter(reviewed_at__isnull=self.value() == "open")
        return queryset


@admin.register(CdrConflict)
class CdrConflictAdmin(Audited, ReadOnly):
    list_display = ("cdr", "partner", "received_at", "last_received_at", "times_received", "reviewed_at")
    list_filter = (ReviewedFilter, "cdr__partner", "received_at")
    search_fields = ("cdr__ocpi_id", "cdr__auth_id")
    list_select_related = ("cdr__partner",)
    actions = ("mark_reviewed",)
    fieldsets = (
        (None, {"fields": ("cdr", "received_at", "last_received_at", "times_received")}),
        ("Review", {"fields": ("reviewed_at", "reviewed_by", "review_note")}),
        ("Bodies", {"fields": ("stored_json", "received_json")}),
    )

    @admin.action(description="Mark selected conflicts as reviewed (the stored CDRs stay as they are)")
    def mark_reviewed(self, request: HttpRequest, queryset: QuerySet[CdrConflict]) -> None:
        marked = services.cdr_conflicts_review(conflicts=queryset, user_id=request.user.pk)
        self.message_user(request, f"{marked} conflict(s) marked as reviewed.", messages.SUCCESS)

    @admin.display(description="partner")
    def partner(self, conflict: CdrConflict) -> str:
        return str(conflict.cdr.partner)

    @admin.display(description="stored CDR (kept)")
    def stored_json(self, conflict: CdrConflict) -> SafeString:
        return json_block(conflict.cdr.data)

    @admin.display(description="conflicting CDR (not applied)")
    def received_json(self, conflict: CdrConflict) -> SafeString:
        return json_block(conflict.data)
