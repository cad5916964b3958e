"""The staff console for tariffs: read-only, as the CPO owns them."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from ocpi.core.console import ReadOnly, json_block
from ocpi.tariffs.models import Tariff, TariffRevision


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Yes"), ("no", "No")]

    def queryset(self, request: HttpRequest, queryset: Any) -> Any:
        if self.value() in ("yes", "no"):
            return queryset.filter(deleted_at__isnull=self.value() == "no")
        return queryset


class TariffRevisionInline(ReadOnly, admin.TabularInline):
    model = TariffRevision
    fields = ("valid_from", "elements", "created")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = False

    @admin.display(description="elements")
    def elements(self, revision: TariffRevision) -> SafeString:
        return elements_table(revision.data.get("elements") or [])


@admin.register(Tariff)
class TariffAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("ocpi_id", "partner", "currency", "element_count", "last_updated", "deleted")
    list_filter = ("partner", "currency", DeletedFilter, "last_updated")
    search_fields = ("ocpi_id",)
    list_select_related = ("partner",)
    date_hierarchy = "last_updated"
    inlines = (TariffRevisionInline,)
    fieldsets = (
        (None, {"fields": ("partner", "country_code", "party_id", "ocpi_id", "currency", "last_updated")}),
        ("Deletion", {"fields": ("deleted_at",)}),
        ("Elements", {"fields": ("elements",)}),
        ("As received", {"fields": ("raw_json", "created")}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten_fieldsets(self.fieldsets or ())

    @admin.display(description="deleted", boolean=True, ordering="deleted_at")
    def deleted(self, tariff: Tariff) -> bool:
        return tariff.deleted_at is not None

    @admin.display(description="elements")
    def elements(self, tariff: Tariff) -> SafeString:
        return elements_table(tariff.data.get("elements") or [])

    @admin.display(description="raw JSON")
    def raw_json(self, tariff: Tariff) -> SafeString:
        return json_block(tariff.data)


def elements_table(elements: list[dict[str, Any]]) -> SafeString:
    """TariffElements as an HTML table: price components as ``TYPE price/step``, restrictions as
    ``key=value``."""
    if not elements:
        return format_html("{}", "—")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        (
            (
                ", ".join(f"{c['type']} {c['price']} per {c['step_size']}" for c in element["price_components"]),
                _restrictions(element.get("restrictions") or {}),
            )
            for element in elements
        ),
    )
    return format_html("<table><tr><th>price components</th><th>restrictions</th></tr>{}</table>", rows)


def _restrictions(restrictions: dict[str, Any]) -> str:
    if not restrictions:
        return "— (default)"
    return ", ".join(
        f"{key}={','.join(value) if isinstance(value, list) else value}" for key, value in restrictions.items()
    )
