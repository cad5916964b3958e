"""One row per pull of one partner's module list, and the ids a full pull has seen."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from partners.models import Partner

MODULES = ("locations", "sessions", "cdrs", "tariffs")


class SyncRun(models.Model):
    """A pull of one module of one partner: when, how far it got and what it did.

    ``date_from`` is what the run asked for (None: everything). ``watermark`` is where the next
    incremental run starts if this one succeeds: its start minus a safety overlap, so objects
    changed while it crawled are fetched again. Only a SUCCEEDED run moves it; a FAILED,
    ABANDONED (its worker died) or RUNNING one leaves it where it was.
    """

    class Status(models.TextChoices):
        RUNNING = "RUNNING", "running"
        SUCCEEDED = "SUCCEEDED", "succeeded"
        FAILED = "FAILED", "failed"
        ABANDONED = "ABANDONED", "abandoned"  # its worker died or stopped answering

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", "schedule"
        ADMIN = "admin", "admin"
        COMMAND = "command", "command"

    class Module(models.TextChoices):
        LOCATIONS = "locations"
        SESSIONS = "sessions"
        CDRS = "cdrs"
        TARIFFS = "tariffs"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="sync_runs")
    module = models.CharField(max_length=10, choices=Module.choices)
    full = models.BooleanField(default=False, help_text="Whole list, noticing objects no longer listed")
    trigger = models.CharField(max_length=8, choices=Trigger.choices, default=Trigger.SCHEDULE)
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(default=timezone.now, help_text="Last sign of life (after each page)")
    date_from = models.DateTimeField(null=True, blank=True, help_text="Asked from (empty: everything)")
    watermark = models.DateTimeField(help_text="Where the next incremental run starts if this one succeeds")
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0, help_text="Objects refused (invalid or not storable)")
    removed = models.PositiveIntegerField(default=0, help_text="No longer listed: marked removed or deleted")
    conflicts = models.PositiveIntegerField(default=0, help_text="CDRs with a different body under a stored id")
    errors = models.JSONField(default=list, blank=True, help_text="The first refused objects: id and error")
    message = models.TextField(blank=True, help_text="Why the run failed")
    retryable = models.BooleanField(default=False, help_text="The failure is transient: trying again may work")
    task_id = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["partner", "module", "status", "started_at"], name="syncrun_lookup")]

    def __str__(self) -> str:
        kind = "full" if self.full else "incremental"
        return f"{self.partner} {self.module} {kind} pull at {self.started_at:%Y-%m-%d %H:%M:%S}"

    @property
    def duration(self) -> float | None:
        end = self.finished_at or (self.heartbeat_at if self.status != self.Status.RUNNING else None)
        return (end - self.started_at).total_seconds() if end else None


class SeenObject(models.Model):
    """An id a full pull saw, kept in the database while it crawls, so that noticing what is
    no longer listed costs O(page) memory, not O(data set). Deleted when the run ends."""

    run = models.ForeignKey(SyncRun, on_delete=models.CASCADE, related_name="+")
    ocpi_id = models.CharField(max_length=39)

    class Meta:
        indexes = [models.Index(fields=["run", "ocpi_id"], name="syncseen_run_id")]

    def __str__(self) -> str:
        return self.ocpi_id


class PartnerSync(Partner):
    """Partners as the sync console shows them (pull now, full pull)."""

    class Meta:
        proxy = True
        verbose_name = "partner sync"
        verbose_name_plural = "partner sync"
