"""The traffic journal, the only model of the protocol core."""

from __future__ import annotations

from django.db import models


class JournalEntry(models.Model):
    """One OCPI request, inbound or outbound, as it crossed the wire (tokens redacted).

    The partner is kept as a plain id and label rather than a foreign key: the journal is an
    append-only log that must outlive partners, stay cheap to write, and keep ``ocpi.core``
    free of imports from the rooms above it.
    """

    class Direction(models.TextChoices):
        INBOUND = "IN", "inbound"
        OUTBOUND = "OUT", "outbound"

    created = models.DateTimeField(db_index=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    partner_id = models.BigIntegerField(null=True, blank=True)
    partner_label = models.CharField(max_length=100, blank=True)
    method = models.CharField(max_length=8)
    url = models.TextField()
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    ocpi_status = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.FloatField()
    request_id = models.CharField(max_length=64, blank=True)
    request_headers = models.TextField(blank=True)
    request_body = models.TextField(blank=True)
    response_body = models.TextField(blank=True)
    error = models.TextField(blank=True)

    class Meta:
        verbose_name = "journal entry"
        verbose_name_plural = "traffic journal"
        ordering = ["-created", "-id"]
        indexes = [
            models.Index(fields=["partner_id", "created"], name="journal_partner_created"),
            models.Index(fields=["request_id"], name="journal_request_id"),
        ]

    def __str__(self) -> str:
        return f"{self.direction} {self.method} {self.url} → {self.http_status}"
