"""Exports in the staff console: the history with downloads, a "new export" page (kind, month,
format, partner or customer) that streams the file as it is written, and printable invoices.
Only for staff holding the export permission (the Billing role)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString

from billing.exports import selectors, services
from billing.models import BilledPeriod, BillingExport, BillingKind
from customers.models import Customer
from partners.models import Partner

# billing.export is what console/roles.py gives the Billing role today; export_billing is this
# model's own permission. Either lets a user export.
EXPORT_PERMISSIONS = ("billing.export_billing", "billing.export")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def can_export(request: HttpRequest) -> bool:
    user = request.user
    return user.is_active and user.is_staff and any(user.has_perm(name) for name in EXPORT_PERMISSIONS)


def parse_month(value: str) -> date:
    year, _, number = value.strip().partition("-")
    if len(year) != 4 or not year.isdigit() or not number.isdigit() or not 1 <= int(number) <= 12:
        raise forms.ValidationError(f"period: expected YYYY-MM, got {value!r}")
    return date(int(year), int(number), 1)


def _customer(value: str) -> Customer | None:
    value = value.strip()
    if not value:
        return None
    found = Customer.objects.filter(contract_id=value).first()
    if found is None and value.isdigit():
        found = Customer.objects.filter(pk=int(value)).first()
    if found is None:
        raise forms.ValidationError(f"customer: no customer with contract id or id {value!r}")
    return found


class ExportForm(forms.Form):
    kind = forms.ChoiceField(choices=BillingKind.choices)
    period = forms.CharField(max_length=7, help_text="YYYY-MM: CDRs whose session stopped in that month (UTC)")
    format = forms.ChoiceField(choices=BillingExport.Format.choices)
    partner = forms.ModelChoiceField(Partner.objects.order_by("name"), required=False, help_text="only this CPO")
    customer = forms.CharField(required=False, help_text="only this customer: contract id or id")

    def clean_period(self) -> date:
        return parse_month(self.cleaned_data["period"])

    def clean_customer(self) -> Customer | None:
        return _customer(self.cleaned_data["customer"])


@admin.register(BillingExport)
class BillingExportAdmin(admin.ModelAdmin):
    list_display = (
        "created_at", "kind", "month", "format", "partner", "customer", "row_count", "checksum", "who", "download",
    )  # fmt: skip
    list_filter = ("kind", "format", "period", "created_at")
    list_select_related = ("partner", "customer", "created_by")
    date_hierarchy = "created_at"

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_export(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return can_export(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_export(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # what finance was given is kept

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("<int:pk>/download/", self.admin_site.admin_view(self.download_view), name="billing_export_download"),
            path("invoice/", self.admin_site.admin_view(self.invoice_view), name="billing_invoice"),
        ]
        return own + super().get_urls()

    @admin.display(description="month", ordering="period")
    def month(self, export: BillingExport) -> str:
        return f"{export.period:%Y-%m}"

    @admin.display(description="by", ordering="created_by")
    def who(self, export: BillingExport) -> str:
        return "schedule" if export.scheduled else str(export.created_by or "—")

    @admin.display(description="file")
    def download(self, export: BillingExport) -> SafeString:
        url = reverse("admin:billing_export_download", args=[export.pk])
        return format_html('<a href="{}">download</a>', url)

    # A download streams (StreamingHttpResponse), which Django's stubs do not expect here.
    def add_view(  # type: ignore[override]
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse | StreamingHttpResponse:
        if not can_export(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            run = services.ExportRun(
                services.ExportRequest(
                    kind=data["kind"],
                    period=data["period"],
                    format=data["format"],
                    partner_id=data["partner"].pk if data["partner"] else None,
                    customer_id=data["customer"].pk if data["customer"] else None,
                    created_by_id=request.user.pk,
                )
            )
            # Streamed: the first bytes leave while the rest is read; the copy is kept at the end.
            response = StreamingHttpResponse(run, content_type=CONTENT_TYPES[data["format"]])
            response["Content-Disposition"] = f'attachment; filename="{run.request.file_name()}"'
            return response
        context = {
            **self.admin_site.each_context(request),
            "title": "New billing export",
            "form": form,
            "opts": self.model._meta,
            "invoice_url": reverse("admin:billing_invoice"),
        }
        return TemplateResponse(request, "admin/billing/billingexport/new_export.html", context)

    def download_view(self, request: HttpRequest, pk: int) -> FileResponse:
        if not can_export(request):
            raise PermissionDenied
        export = get_object_or_404(BillingExport, pk=pk)
        try:
            handle = export.file.open("rb")
        except FileNotFoundError:
            raise Http404("the export's file is missing from BILLING_EXPORT_ROOT") from None
        return FileResponse(
            handle,
            as_attachment=True,
            filename=(export.file.name or "").rsplit("/", 1)[-1],
            content_type=CONTENT_TYPES[export.format],
        )

    def invoice_view(self, request: HttpRequest) -> HttpResponse:
        """The printable invoice of ``?customer=<contract id or id>&period=YYYY-MM``, from the
        ledger: only a closed month (exported at least once) has one."""
        if not can_export(request):
            raise PermissionDenied
        try:
            customer = _customer(request.GET.get("customer", ""))
            period = parse_month(request.GET.get("period", ""))
        except forms.ValidationError as error:
            return HttpResponse(" ".join(error.messages), status=400, content_type="text/plain")
        if customer is None:
            return HttpResponse("customer: required", status=400, content_type="text/plain")
        closed = BilledPeriod.objects.filter(kind=BillingKind.CUSTOMERS, period=period).exists()
        invoice = selectors.invoice_for(customer=customer, period=period)
        return TemplateResponse(request, "billing/invoice.html", {"invoice": invoice, "closed": closed})
