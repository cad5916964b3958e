"""The sync console: every run with what it did, and "pull now" / "full pull" for staff.
Schedules themselves are django-celery-beat's "Periodic tasks" (named ``sync <partner> <module>``)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.safestring import SafeString

from ocpi.core.audit import Audited
from ocpi.core.console import ReadOnly, json_block
from sync.models import MODULES, PartnerSync, SyncRun
from sync.tasks import sync_enqueue


@admin.register(SyncRun)
class SyncRunAdmin(Audited, ReadOnly, admin.ModelAdmin):
    list_display = (
        "started_at", "partner", "module", "full", "status", "trigger", "seconds", "pages", "created", "updated",
        "unchanged", "failed", "removed", "date_from",
    )  # fmt: skip
    list_filter = ("status", "module", "full", "trigger", "partner")
    list_select_related = ("partner",)
    date_hierarchy = "started_at"
    actions = ("pull_now", "full_pull")
    fields = (
        "partner", "module", "full", "trigger", "status", "started_at", "finished_at", "heartbeat_at", "seconds",
        "date_from", "watermark", "pages", "created", "updated", "unchanged", "failed", "removed", "conflicts",
        "message", "retryable", "first_errors", "task_id",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="seconds")
    def seconds(self, run: SyncRun) -> str:
        return "—" if run.duration is None else f"{run.duration:.1f}"

    @admin.display(description="first refused objects")
    def first_errors(self, run: SyncRun) -> SafeString:
        return json_block(run.errors)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Read-only rows, but actions need the change permission of staff who may steer the sync.
        return obj is None and bool(request.user.has_perm("sync.change_syncrun"))

    @admin.action(description="Pull now (incremental) the partner and module of the selected runs")
    def pull_now(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        _enqueue(self, request, set(queryset.values_list("partner_id", "module")), full=False)

    @admin.action(description="Full pull the partner and module of the selected runs")
    def full_pull(self, request: HttpRequest, queryset: QuerySet[SyncRun]) -> None:
        _enqueue(self, request, set(queryset.values_list("partner_id", "module")), full=True)


@admin.register(PartnerSync)
class PartnerSyncAdmin(Audited, ReadOnly, admin.ModelAdmin):
    list_display = ("name", "party", "status", *MODULES)
    list_filter = ("status",)
    search_fields = ("name", "country_code", "party_id")
    actions = ("pull_now", "full_pull")
    fields = ("name", "party", "status", *MODULES)
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[PartnerSync]:
        return super().get_queryset(request).filter(status=PartnerSync.Status.REGISTERED)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and bool(request.user.has_perm("sync.change_syncrun"))

    @admin.action(description="Pull now (incremental): every module of the selected partners")
    def pull_now(self, request: HttpRequest, queryset: QuerySet[PartnerSync]) -> None:
        _enqueue(self, request, _modules_of(queryset), full=False)

    @admin.action(description="Full pull: every module of the selected partners")
    def full_pull(self, request: HttpRequest, queryset: QuerySet[PartnerSync]) -> None:
        _enqueue(self, request, _modules_of(queryset), full=True)

    # One column per module: the latest run of it.
    def _latest(self, partner: PartnerSync, module: str) -> str:
        run = SyncRun.objects.filter(partner=partner, module=module).order_by("-started_at", "-id").first()
        if run is None:
            return "never"
        return f"{run.get_status_display()} {run.started_at:%Y-%m-%d %H:%M}"

    @admin.display(description="locations")
    def locations(self, partner: PartnerSync) -> str:
        return self._latest(partner, "locations")

    @admin.display(description="sessions")
    def sessions(self, partner: PartnerSync) -> str:
        return self._latest(partner, "sessions")

    @admin.display(description="CDRs")
    def cdrs(self, partner: PartnerSync) -> str:
        return self._latest(partner, "cdrs")

    @admin.display(description="tariffs")
    def tariffs(self, partner: PartnerSync) -> str:
        return self._latest(partner, "tariffs")


def _modules_of(partners: QuerySet[PartnerSync]) -> set[tuple[int, str]]:
    return {(partner.pk, module) for partner in partners for module in MODULES if partner.endpoint(module)}


def _enqueue(model_admin: admin.ModelAdmin, request: HttpRequest, pulls: set[tuple[int, str]], *, full: bool) -> None:
    for partner_id, module in sorted(pulls):
        sync_enqueue(partner_id=partner_id, module=module, full=full, trigger=SyncRun.Trigger.ADMIN)
    kind = "full" if full else "incremental"
    model_admin.message_user(
        request, f"{len(pulls)} {kind} pull(s) queued; their runs appear here as workers take them.", messages.SUCCESS
    )
