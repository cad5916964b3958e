"""The audit trail: one row per staff action or credentials change, never changed afterwards."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who did what to which object, when, and how the object looked before and after.

    Append-only: the admin offers no add, change or delete (not to superusers either), and on
    the database triggers refuse UPDATE (and DELETE on PostgreSQL) of a stored row. The object
    is named by content type, id and text, not by a foreign key, so its entries outlive it."""

    class Via(models.TextChoices):
        ADMIN = "admin", "staff console"
        OCPI = "ocpi", "partner over OCPI"
        SYSTEM = "system", "command line or worker"

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    # No database constraint and no cascade: deleting a user must not touch the trail.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    actor_name = models.CharField(max_length=150, blank=True, help_text="The username when it happened")
    via = models.CharField(max_length=6, choices=Via.choices, default=Via.ADMIN)
    action = models.CharField(max_length=100, db_index=True)
    object_type = models.CharField(max_length=100, help_text="app_label.model")
    object_id = models.CharField(max_length=64)
    object_repr = models.CharField(max_length=200)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = "audit entry"
        verbose_name_plural = "audit trail"
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id", "created"], name="audit_object")]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"
