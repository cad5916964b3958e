"""The staff console for Locations: read-only, since the CPO owns this data (STYLE.md habit 13).

The list shows EVSE status counts from one annotated query; the detail page shows the EVSEs
with their connectors inline and the Location as we serve it (the assembled OCPI JSON).
"""

from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from ocpi.core.console import ReadOnly
from ocpi.locations.models import Connector, Evse, Location
from ocpi.locations.selectors import location_document, locations_with_evses

_REMOVED = "REMOVED"


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class EvseInline(ReadOnlyInline):
    model = Evse
    fields = ("uid", "evse_id", "status", "listed", "connector_list", "last_updated")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Evse]:
        return super().get_queryset(request).prefetch_related("connectors")

    @admin.display(description="connectors")
    def connector_list(self, evse: Evse) -> str:
        return format_html_join(
            "",
            "<div>{}: {} {} {} {} V {} A{}</div>",
            (
                (
                    c.connector_id,
                    c.standard,
                    c.format,
                    c.power_type,
                    c.voltage,
                    c.amperage,
                    f", tariff {c.tariff_id}" if c.tariff_id else "",
                )
                for c in evse.connectors.all()
            ),
        )


@admin.register(Location)
class LocationAdmin(ReadOnlyAdmin):
    list_display = ("ocpi_id", "name", "partner", "party", "city", "country", "evse_statuses", "last_updated")
    list_filter = ("partner", "country", "type", "last_updated")
    list_select_related = ("partner",)
    search_fields = ("ocpi_id", "name", "address", "city", "postal_code")
    date_hierarchy = "last_updated"
    inlines = (EvseInline,)
    fields = (
        "partner", "country_code", "party_id", "ocpi_id", "type", "name", "address", "postal_code", "city",
        "country", "latitude", "longitude", "last_updated", "created", "updated", "as_served",
    )  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Location]:
        live = ~Q(evses__status=_REMOVED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                evse_count=Count("evses", filter=live),
                available_count=Count("evses", filter=Q(evses__status="AVAILABLE")),
                charging_count=Count("evses", filter=Q(evses__status="CHARGING")),
                removed_count=Count("evses", filter=Q(evses__status=_REMOVED)),
            )
        )

    @admin.display(description="party", ordering="country_code")
    def party(self, location: Location) -> str:
        return f"{location.country_code}/{location.party_id}"

    @admin.display(description="EVSEs")
    def evse_statuses(self, location: Location) -> str:
        counts: dict[str, int] = {
            "EVSEs": location.evse_count,  # type: ignore[attr-defined]  # annotated above
            "available": location.available_count,  # type: ignore[attr-defined]
            "charging": location.charging_count,  # type: ignore[attr-defined]
            "removed": location.removed_count,  # type: ignore[attr-defined]
        }
        return " · ".join(f"{count} {label}" for label, count in counts.items() if count or label == "EVSEs")

    @admin.display(description="as we serve it (OCPI JSON)")
    def as_served(self, location: Location) -> str:
        assembled = locations_with_evses().get(pk=location.pk)
        text = json.dumps(location_document(assembled), indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


@admin.register(Evse)
class EvseAdmin(ReadOnlyAdmin):
    """Every EVSE with its status across Locations (REMOVED ones included)."""

    list_display = ("uid", "evse_id", "status", "location", "partner", "listed", "last_updated")
    list_filter = ("status", "location__partner", "listed", "last_updated")
    list_select_related = ("location", "location__partner")
    search_fields = ("uid", "evse_id", "location__ocpi_id", "location__name", "location__city")
    fields = ("location", "uid", "evse_id", "status", "listed", "position", "last_updated", "data")
    readonly_fields = fields

    @admin.display(description="partner", ordering="location__partner__name")
    def partner(self, evse: Evse) -> str:
        return str(evse.location.partner)


@admin.register(Connector)
class ConnectorAdmin(ReadOnlyAdmin):
    list_display = ("connector_id", "evse", "standard", "format", "power_type", "voltage", "amperage", "tariff_id")
    list_filter = ("standard", "power_type", "format")
    list_select_related = ("evse",)
    search_fields = ("evse__uid", "evse__evse_id", "tariff_id")
    fields = (
        "evse", "connector_id", "standard", "format", "power_type", "voltage", "amperage", "tariff_id",
        "position", "last_updated", "data",
    )  # fmt: skip
    readonly_fields = fields
