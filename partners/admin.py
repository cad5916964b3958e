"""The staff console for partners: list, settings, invitations, registration, update, unregister.

Identity, tokens and endpoints come from the handshake and are read-only here; staff edit only
how we treat the partner. Every action calls a service.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.debug import sensitive_post_parameters

from ocpi.core.audit import Audited, audit
from ocpi.core.errors import OcpiError
from partners import services
from partners.models import Partner


class InviteForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="The CPO's name, for our staff")


class RegisterForm(forms.Form):
    versions_url = forms.URLField(max_length=255, label="Their versions URL", assume_scheme="https")
    token = forms.CharField(max_length=64, label="Token A they gave us", widget=forms.PasswordInput)
    name = forms.CharField(max_length=100, required=False, help_text="Default: their business name")


@admin.register(Partner)
class PartnerAdmin(Audited, admin.ModelAdmin):
    list_display = ("name", "party", "status", "version", "modules", "last_inbound_at", "last_outbound_at", "traffic")
    list_filter = ("status", "role", "initiated_by_us")
    search_fields = ("name", "country_code", "party_id")
    actions = ("update_credentials", "unregister", "suspend", "resume")
    fieldsets = (
        (None, {"fields": ("name", "role", "status", "country_code", "party_id", "business_details")}),
        ("Registration", {"fields": ("versions_url", "version", "endpoints", "initiated_by_us", "registered_at")}),
        (
            "How they behave",
            {
                "fields": (
                    "token_encoding",
                    "page_limit",
                    "request_timeout",
                    "pushes",
                    "sync_interval_minutes",
                    "rate_limit_factor",
                )
            },
        ),
        ("Contact", {"fields": ("last_inbound_at", "last_outbound_at", "traffic", "created", "updated")}),
    )
    readonly_fields = (
        "role", "status", "country_code", "party_id", "business_details", "versions_url", "version", "endpoints",
        "initiated_by_us", "registered_at", "last_inbound_at", "last_outbound_at", "traffic", "created", "updated",
    )  # fmt: skip

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # partners come from an invitation or a registration, never from a blank form

    def has_delete_permission(self, request: HttpRequest, obj: Partner | None = None) -> bool:
        return False  # a relationship ends by "Unregister" (DELETE at their side), never silently

    @admin.display(description="modules")
    def modules(self, partner: Partner) -> str:
        return ", ".join(sorted(partner.endpoints)) or "—"

    @admin.display(description="traffic")
    def traffic(self, partner: Partner) -> str:
        url = reverse("admin:ocpi_core_journalentry_changelist") + f"?partner_id={partner.pk}"
        return format_html('<a href="{}">journal</a>', url)

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("invite/", self.admin_site.admin_view(self.invite_view), name="partners_partner_invite"),
            path("register/", self.admin_site.admin_view(self.register_view), name="partners_partner_register"),
        ]
        return own + super().get_urls()

    def invite_view(self, request: HttpRequest) -> HttpResponse:
        self._require_change(request)
        form = InviteForm(request.POST or None)
        context = self._context(request, form, title="Invite a CPO")
        if request.method == "POST" and form.is_valid():
            invitation = services.partner_invite(name=form.cleaned_data["name"])
            audit(actor=request.user, action="partners.partner.invite", obj=invitation.partner, before=None, after=None)
            # Token A is shown on this page only: it is stored hashed and cannot be shown again.
            context.update(invitation=invitation, form=None)
        return TemplateResponse(request, "admin/partners/partner/invite.html", context)

    @method_decorator(sensitive_post_parameters("token"))
    def register_view(self, request: HttpRequest) -> HttpResponse:
        self._require_change(request)
        form = RegisterForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                partner = services.partner_register(
                    versions_url=form.cleaned_data["versions_url"],
                    token_a=form.cleaned_data["token"],
                    name=form.cleaned_data["name"],
                )
            except OcpiError as exc:
                form.add_error(None, f"Registration failed ({int(exc.status)}): {exc.message}")
            else:
                audit(actor=request.user, action="partners.partner.register", obj=partner, before=None, after=None)
                self.message_user(request, f"Registered with {partner} over OCPI {partner.version}.")
                return HttpResponseRedirect(reverse("admin:partners_partner_change", args=[partner.pk]))
        return TemplateResponse(
            request, "admin/partners/partner/register.html", self._context(request, form, title="Register with a CPO")
        )

    def has_manage_registration_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("partners.manage_registration")  # the Partner manager role's

    @admin.action(
        description="Update credentials with the selected partners (PUT, new tokens)",
        permissions=["manage_registration"],
    )
    def update_credentials(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        self._each(request, queryset, services.partner_update, "Credentials updated with")

    @admin.action(description="Unregister from the selected partners (DELETE)", permissions=["manage_registration"])
    def unregister(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        self._each(request, queryset, services.partner_unregister, "Unregistered from")

    @admin.action(
        description="Suspend: refuse their requests and stop calling them", permissions=["manage_registration"]
    )
    def suspend(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        count = sum(services.partner_suspend(partner=partner) for partner in queryset)
        self.message_user(request, f"Suspended {count} partner(s).")

    @admin.action(description="Resume suspended partners", permissions=["manage_registration"])
    def resume(self, request: HttpRequest, queryset: QuerySet[Partner]) -> None:
        count = sum(services.partner_resume(partner=partner) for partner in queryset)
        self.message_user(request, f"Resumed {count} partner(s).")

    def _each(self, request: HttpRequest, queryset: QuerySet[Partner], action: Any, done: str) -> None:
        for partner in queryset:
            try:
                action(partner=partner)
            except OcpiError as exc:
                self.message_user(request, f"{partner}: {exc.message}", level=messages.ERROR)
            else:
                self.message_user(request, f"{done} {partner}.")

    def _context(self, request: HttpRequest, form: forms.Form, *, title: str) -> dict[str, Any]:
        return {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, "form": form}

    def _require_change(self, request: HttpRequest) -> None:
        if not self.has_manage_registration_permission(request):
            raise PermissionDenied
