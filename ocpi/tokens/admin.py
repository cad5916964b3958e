"""The staff console for tokens: our own data, so staff issue and edit tokens here, and block,
unblock and expire them with actions. Every write calls ``ocpi.tokens.services``; the form runs
the one token validation (``services.token_check``) and shows its message on the field.

Real-time authorization decisions are read-only: they are a record of what we answered.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from ocpi.core.audit import Audited
from ocpi.core.console import LargeList, ReadOnly
from ocpi.tokens import outbox, services
from ocpi.tokens.models import AuthorizationDecision, Token, TokenPush

FORM_FIELDS = ("customer", "uid", "type", "visual_number", "issuer", "whitelist", "language", "valid_until")


class TokenForm(forms.ModelForm):
    class Meta:
        model = Token
        fields = FORM_FIELDS

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        if self.errors or data.get("customer") is None:
            return data
        candidate = copy.copy(self.instance)
        for field in FORM_FIELDS:
            if field in data:
                setattr(candidate, field, data[field])
        candidate.auth_id = candidate.customer.contract_id
        candidate.last_updated = candidate.last_updated or timezone.now()
        try:
            services.token_check(token=candidate)
        except services.TokenRefused as exc:
            field, _, message = str(exc).partition(": ")
            self.add_error(field if field in self.fields else None, message if field in self.fields else str(exc))
        return data


@admin.register(Token)
class TokenAdmin(LargeList, Audited, admin.ModelAdmin):
    form = TokenForm
    list_display = (
        "uid", "type", "auth_id", "visual_number", "customer", "customer_status", "valid", "whitelist",
        "valid_until", "last_updated",
    )  # fmt: skip
    # No date_hierarchy: its list of dates is a DISTINCT over every token (300 ms at 1,000,000).
    list_filter = ("type", "valid", "whitelist", "customer__status", "last_updated")
    search_fields = ("uid", "auth_id", "visual_number", "customer__email")
    list_select_related = ("customer",)
    autocomplete_fields = ("customer",)
    readonly_fields = ("auth_id", "valid", "last_updated", "created")
    actions = ("block", "unblock", "expire")

    def has_delete_permission(self, request: HttpRequest, obj: Token | None = None) -> bool:
        return False  # tokens are never deleted (reference §4.5): block or expire them

    def get_fields(self, request: HttpRequest, obj: Token | None = None) -> tuple[str, ...]:
        return FORM_FIELDS if obj is None else (*FORM_FIELDS, *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: Token | None = None) -> tuple[str, ...]:
        return () if obj is None else tuple(self.readonly_fields)

    @admin.display(description="customer status", ordering="customer__status")
    def customer_status(self, token: Token) -> str:
        return token.customer.status

    def save_model(self, request: HttpRequest, obj: Token, form: forms.ModelForm, change: bool) -> None:
        if not change:
            issued = services.token_issue(**{field: getattr(obj, field) for field in FORM_FIELDS})
            obj.pk, obj.auth_id, obj.last_updated = issued.pk, issued.auth_id, issued.last_updated
            return
        stored = Token.objects.select_related("customer").get(pk=obj.pk)
        services.token_update(token=stored, **{field: getattr(obj, field) for field in form.changed_data})

    @admin.action(description="Block the selected tokens")
    def block(self, request: HttpRequest, queryset: QuerySet[Token]) -> None:
        self._each(request, queryset, services.token_block, "Blocked")

    def has_unblock_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("ocpi_tokens.unblock_token")  # the Support role's (console/roles.py)

    @admin.action(description="Unblock the selected tokens", permissions=["unblock"])
    def unblock(self, request: HttpRequest, queryset: QuerySet[Token]) -> None:
        self._each(request, queryset, services.token_unblock, "Unblocked")

    @admin.action(description="Expire the selected tokens now")
    def expire(self, request: HttpRequest, queryset: QuerySet[Token]) -> None:
        self._each(request, queryset, services.token_expire, "Expired")

    def _each(self, request: HttpRequest, queryset: QuerySet[Token], action: Callable[..., bool], verb: str) -> None:
        changed = 0
        for token in queryset.select_related("customer"):
            try:
                changed += action(token=token)
            except services.TokenRefused as exc:
                self.message_user(request, f"{token.uid}: {exc}", messages.ERROR)
        self.message_user(request, f"{verb} {changed} token(s).", messages.SUCCESS)


@admin.register(AuthorizationDecision)
class AuthorizationDecisionAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ("created", "partner", "token_uid", "result", "location_id", "allowed_evse_uids", "latency_ms")
    list_filter = ("result", "partner", "created")
    search_fields = ("token_uid", "location_id")
    list_select_related = ("partner",)
    date_hierarchy = "created"
    fields = (
        "created", "partner", "token", "token_uid", "result", "location_id", "evse_uids", "allowed_evse_uids",
        "latency_ms",
    )  # fmt: skip
    readonly_fields = fields


@admin.register(TokenPush)
class TokenPushAdmin(Audited, ReadOnly, admin.ModelAdmin):
    """The token distribution outbox: what each CPO still has to receive, and what failed."""

    list_display = ("token", "partner", "method", "state", "attempts", "next_attempt_at", "changed_at", "sent_at")
    list_filter = ("state", "method", "partner")
    search_fields = ("token__uid", "token__auth_id", "last_error")
    list_select_related = ("token", "partner")
    date_hierarchy = "changed_at"
    actions = ("resend",)
    fields = (
        "token", "partner", "method", "fields", "state", "attempts", "next_attempt_at", "leased_until",
        "last_error", "changed_at", "sent_at",
    )  # fmt: skip
    readonly_fields = fields

    @admin.action(description="Send again now (dead or waiting for a retry)")
    def resend(self, request: HttpRequest, queryset: QuerySet[TokenPush]) -> None:
        queued = outbox.outbox_resend(pushes=queryset)
        outbox.wake(set(queryset.values_list("partner_id", flat=True)))
        self.message_user(request, f"{queued} push(es) queued to send again.", messages.SUCCESS)
