"""The staff console for CDR prices: flagged CDRs with the CPO's breakdown beside ours, and a
re-price action (prices are computed, never edited by hand)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from billing import services
from billing.models import CdrPricing, CdrRetail
from ocpi.core.audit import Audited
from ocpi.core.console import ReadOnly, json_block


@admin.register(CdrPricing)
class CdrPricingAdmin(Audited, ReadOnly, admin.ModelAdmin):
    list_display = (
        "cdr_link", "partner", "start", "currency", "cpo_total", "expected_total", "difference", "flagged",
        "reason", "computed_at",
    )  # fmt: skip
    list_filter = ("flagged", "cdr__partner", "tariff_source", "currency", "computed_at")
    search_fields = ("cdr__ocpi_id", "cdr__auth_id", "tariff_id")
    list_select_related = ("cdr__partner",)
    date_hierarchy = "computed_at"
    actions = ("reprice",)
    fieldsets = (
        (None, {"fields": ("cdr_link", "flagged", "reason", "computed_at", "times_computed")}),
        ("Totals (excl. VAT)", {"fields": ("currency", "cpo_total", "expected_total", "difference", "tolerance")}),
        ("Tariff", {"fields": ("tariff_id", "tariff_source", "tariff_revision", "warning_list")}),
        ("Side by side", {"fields": ("side_by_side", "our_lines")}),
        ("Driver's price", {"fields": ("retail",)}),
        ("Our breakdown as stored", {"fields": ("breakdown_json",), "classes": ("collapse",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return flatten_fieldsets(self.fieldsets or ())

    @admin.action(description="Re-price selected CDRs with the tariff valid at their start")
    def reprice(self, request: HttpRequest, queryset: QuerySet[CdrPricing]) -> None:
        count = services.cdrs_reprice(cdr_ids=list(queryset.values_list("cdr_id", flat=True)))
        self.message_user(request, f"{count} CDR(s) priced again.", messages.SUCCESS)

    @admin.display(description="CDR", ordering="cdr__start_date_time")
    def cdr_link(self, pricing: CdrPricing) -> SafeString:
        url = reverse("admin:ocpi_cdrs_cdr_change", args=[pricing.cdr_id])
        return format_html('<a href="{}">{}</a>', url, pricing.cdr)

    @admin.display(description="partner", ordering="cdr__partner__name")
    def partner(self, pricing: CdrPricing) -> str:
        return str(pricing.cdr.partner)

    @admin.display(description="start", ordering="cdr__start_date_time")
    def start(self, pricing: CdrPricing) -> Any:
        return pricing.cdr.start_date_time

    @admin.display(description="warnings")
    def warning_list(self, pricing: CdrPricing) -> SafeString:
        if not pricing.warnings:
            return format_html("{}", "—")
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{}</li>", ((w,) for w in pricing.warnings)))

    @admin.display(description="CPO's charging periods and ours")
    def side_by_side(self, pricing: CdrPricing) -> SafeString:
        cdr = pricing.cdr.data
        periods = cdr.get("charging_periods") or []
        ours = {p["index"]: p for p in pricing.breakdown.get("periods", [])}
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    period.get("start_date_time", ""),
                    ", ".join(f"{d['type']} {d['volume']}" for d in period.get("dimensions", [])),
                    ", ".join(f"{k} {v}" for k, v in ours.get(i, {}).get("amounts", {}).items()) or "—",
                    ours.get(i, {}).get("total", "—"),
                )
                for i, period in enumerate(periods)
            ),
        )
        return format_html(
            "<table><tr><th>period start</th><th>CPO: dimensions</th><th>ours: amounts</th><th>ours: period total</th>"
            "</tr>{}<tr><th>session</th><td>{}</td><td>{}</td><td>{}</td></tr></table>",
            rows,
            f"energy {cdr.get('total_energy')} kWh, time {cdr.get('total_time')} h, "
            f"parking {cdr.get('total_parking_time', '—')} h; total_cost {cdr.get('total_cost')} {cdr.get('currency')}",
            ", ".join(f"{k} {v['amount']}" for k, v in pricing.breakdown.get("dimensions", {}).items()) or "—",
            pricing.breakdown.get("total", "—"),
        )

    @admin.display(description="our lines")
    def our_lines(self, pricing: CdrPricing) -> SafeString:
        lines = pricing.breakdown.get("lines") or []
        if not lines:
            return format_html("{}", "—")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (_line_cells(line) for line in lines),
        )
        return format_html(
            "<table><tr><th>period</th><th>from</th><th>dimension</th><th>element</th><th>volume</th>"
            "<th>price</th><th>amount</th></tr>{}</table>",
            rows,
        )

    @admin.display(description="what we charge the driver")
    def retail(self, pricing: CdrPricing) -> SafeString:
        row = CdrRetail.objects.filter(cdr_id=pricing.cdr_id).select_related("customer").first()
        if row is None or row.total is None:
            return format_html("{}", row.problem if row is not None else "—")
        return format_html(
            "{}: {} base + {} markup = {} net + {} VAT ({} %) = <b>{} {}</b>",
            row.customer, row.base, row.markup, row.net, row.vat, row.vat_rate, row.total, row.currency,
        )  # fmt: skip

    @admin.display(description="breakdown")
    def breakdown_json(self, pricing: CdrPricing) -> SafeString:
        return json_block(pricing.breakdown)


@admin.register(CdrRetail)
class CdrRetailAdmin(ReadOnly, admin.ModelAdmin):
    """What drivers are charged per CDR; computed with the CDR's pricing (re-price it there)."""

    list_display = (
        "cdr", "customer", "pricing_plan", "currency", "base", "markup", "net", "vat_rate", "vat", "total",
        "problem", "computed_at",
    )  # fmt: skip
    list_filter = ("base_source", "currency", "pricing_plan", "computed_at")
    search_fields = ("cdr__ocpi_id", "customer__email", "customer__contract_id")
    list_select_related = ("cdr", "customer", "pricing_plan")
    date_hierarchy = "computed_at"


def _line_cells(line: dict[str, Any]) -> tuple[Any, ...]:
    amount = f"{line['amount']} ({line['note']})" if line.get("note") else line["amount"]
    return (line["period"], line["start"], line["dimension"], line["element"], line["volume"], line["price"], amount)


# The exports' admin lives with the exports; imported here so admin autodiscovery finds it.
from billing.exports import admin as _exports_admin  # noqa: E402, F401 (registers BillingExport)
