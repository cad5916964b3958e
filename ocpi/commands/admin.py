"""The staff console for commands: a read-only history, and pages that send a command.

Starting, stopping and reserving need ``ocpi_commands.send_command``; unlocking a connector
needs ``ocpi_commands.unlock_connector`` (reference §4.6.1: help-desk operators only; the
"Support" group gets both). Every page calls one service and shows the command it made. A
Session's admin page links to the stop page through a template of this app
(``templates/admin/ocpi_sessions/session/change_form.html``), so the sessions room is untouched.
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
from django.utils.html import format_html
from django.utils.safestring import SafeString

from ocpi.commands import services
from ocpi.commands.models import Command
from ocpi.core.audit import audit, snapshot
from ocpi.core.console import ReadOnly, json_block
from partners.models import Partner

SEND = "ocpi_commands.send_command"
UNLOCK = "ocpi_commands.unlock_connector"


def _partners() -> QuerySet[Partner]:
    return Partner.objects.filter(status=Partner.Status.REGISTERED, endpoints__has_key="commands")


class _PartnerForm(forms.Form):
    partner = forms.ModelChoiceField(queryset=Partner.objects.none(), help_text="A CPO with a commands endpoint")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = _partners()  # type: ignore[attr-defined]


class StartForm(_PartnerForm):
    token_uid = forms.CharField(label="Token uid", max_length=36)
    location_id = forms.CharField(label="Location id", max_length=39)
    evse_uid = forms.CharField(label="EVSE uid", max_length=39, required=False, help_text="Empty: the CPO chooses")


class ReserveForm(StartForm):
    expiry = forms.DateTimeField(help_text="Until when (UTC), e.g. 2030-01-01 18:00")
    reservation_id = forms.IntegerField(
        required=False, min_value=0, help_text="Empty: a new one; an existing one at this location is replaced"
    )


class StopForm(forms.Form):
    session = forms.IntegerField(label="Session (our id)", min_value=1)


class UnlockForm(_PartnerForm):
    location_id = forms.CharField(label="Location id", max_length=39)
    evse_uid = forms.CharField(label="EVSE uid", max_length=39)
    connector_id = forms.CharField(label="Connector id", max_length=36)


@admin.register(Command)
class CommandAdmin(ReadOnly, admin.ModelAdmin):
    list_display = (
        "id", "type", "partner", "state", "response", "result", "late_result", "location_id", "evse_uid",
        "session_link", "requested_by", "requested_via", "requested_at",
    )  # fmt: skip
    list_filter = ("type", "state", "result", "partner", "requested_via")
    search_fields = ("location_id", "evse_uid", "token__uid", "token__auth_id", "session__ocpi_id")
    list_select_related = ("partner", "requested_by", "session")
    date_hierarchy = "requested_at"
    fieldsets = (
        (None, {"fields": ("type", "partner", "state", "message", "requested_by", "requested_via")}),
        ("Answers", {"fields": ("response", "result", "result_raw", "late_result", "late_result_at")}),
        ("Target", {"fields": ("token", "location_id", "evse_uid", "connector_id", "reservation_id", "session_link")}),
        ("When", {"fields": ("requested_at", "deadline", "answered_at", "result_at", "timed_out_at", "linked_at")}),
        ("Sent", {"fields": ("url", "request_json")}),
    )
    readonly_fields = ("session_link", "request_json")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [field for _, options in self.fieldsets for field in options["fields"]]  # type: ignore[misc]

    @admin.display(description="session")
    def session_link(self, command: Command) -> SafeString | str:
        if command.session_id is None:
            return "—"
        url = reverse("admin:ocpi_sessions_session_change", args=[command.session_id])
        return format_html('<a href="{}">{}</a>', url, command.session)

    @admin.display(description="request")
    def request_json(self, command: Command) -> SafeString:
        return json_block(command.request)

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        extra = {"can_send": request.user.has_perm(SEND), "can_unlock": request.user.has_perm(UNLOCK)}
        return super().changelist_view(request, {**(extra_context or {}), **extra})

    def get_urls(self) -> list[URLPattern]:
        own = [
            path("start/", self.admin_site.admin_view(self.start_view), name="ocpi_commands_command_start"),
            path("stop/", self.admin_site.admin_view(self.stop_view), name="ocpi_commands_command_stop"),
            path("reserve/", self.admin_site.admin_view(self.reserve_view), name="ocpi_commands_command_reserve"),
            path("unlock/", self.admin_site.admin_view(self.unlock_view), name="ocpi_commands_command_unlock"),
        ]
        return own + super().get_urls()

    def start_view(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, StartForm, SEND, "Start a session", _start)

    def stop_view(self, request: HttpRequest) -> HttpResponse:
        initial = {"session": request.GET.get("session")} if request.method == "GET" else None
        return self._page(request, StopForm, SEND, "Stop a session", _stop, initial=initial)

    def reserve_view(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, ReserveForm, SEND, "Reserve", _reserve)

    def unlock_view(self, request: HttpRequest) -> HttpResponse:
        return self._page(request, UnlockForm, UNLOCK, "Unlock a connector", _unlock)

    def _page(
        self,
        request: HttpRequest,
        form_class: type[forms.Form],
        permission: str,
        title: str,
        send: Any,
        *,
        initial: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if not request.user.has_perm(permission):
            raise PermissionDenied
        form = form_class(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                command = send(form.cleaned_data, user=request.user)
            except services.CommandRefused as exc:
                field, _, message = str(exc).partition(": ")
                form.add_error(field if field in form.fields else None, message if field in form.fields else str(exc))
            else:
                audit(
                    actor=request.user,
                    action=f"ocpi_commands.{command.type}",
                    obj=command,
                    before=None,
                    after=snapshot(command),
                )
                level = messages.ERROR if command.is_final and not command.succeeded else messages.SUCCESS
                self.message_user(request, _said(command), level=level)
                return HttpResponseRedirect(reverse("admin:ocpi_commands_command_change", args=[command.pk]))
        context = {**self.admin_site.each_context(request), "opts": self.model._meta, "title": title, "form": form}
        return TemplateResponse(request, "admin/ocpi_commands/command/send.html", context)


def _said(command: Command) -> str:
    text = f"{command.type} #{command.pk} to {command.partner}: {command.get_state_display()}"
    return f"{text} ({command.message})" if command.message else text


def _start(data: dict[str, Any], *, user: Any) -> Command:
    return services.command_start_session(
        partner=data["partner"],
        token_uid=data["token_uid"],
        location_id=data["location_id"],
        evse_uid=data["evse_uid"],
        requested_by=user,
    )


def _stop(data: dict[str, Any], *, user: Any) -> Command:
    return services.command_stop_session(session_pk=data["session"], requested_by=user)


def _reserve(data: dict[str, Any], *, user: Any) -> Command:
    return services.command_reserve_now(
        partner=data["partner"],
        token_uid=data["token_uid"],
        location_id=data["location_id"],
        evse_uid=data["evse_uid"],
        expiry=data["expiry"],
        reservation_id=data["reservation_id"],
        requested_by=user,
    )


def _unlock(data: dict[str, Any], *, user: Any) -> Command:
    return services.command_unlock_connector(
        partner=data["partner"],
        location_id=data["location_id"],
        evse_uid=data["evse_uid"],
        connector_id=data["connector_id"],
        requested_by=user,
    )
