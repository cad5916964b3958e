"""Partners: one row per (country_code, party_id) relationship with a CPO."""

from __future__ import annotations

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q


class Partner(models.Model):
    """A CPO we exchange OCPI data with: identity, registration state, tokens, endpoints, and
    the settings that describe how this partner behaves ("quirks")."""

    class Role(models.TextChoices):
        CPO = "CPO", "CPO"

    class Status(models.TextChoices):
        PENDING = "PENDING", "pending"  # invited, or our own registration in progress
        REGISTERED = "REGISTERED", "registered"
        SUSPENDED = "SUSPENDED", "suspended"  # staff stopped all traffic; tokens kept
        UNREGISTERED = "UNREGISTERED", "unregistered"

    class TokenEncoding(models.TextChoices):
        RAW = "raw", "raw (OCPI 2.1.1)"
        BASE64 = "base64", "Base64 (OCPI 2.2.1 habit)"

    name = models.CharField(max_length=100)
    role = models.CharField(max_length=3, choices=Role.choices, default=Role.CPO)
    country_code = models.CharField(max_length=2, blank=True)
    party_id = models.CharField(max_length=3, blank=True)
    business_details = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True)
    versions_url = models.URLField(max_length=255, blank=True, help_text="Their versions endpoint")
    version = models.CharField(max_length=10, blank=True, help_text="The OCPI version we speak with them")
    endpoints = models.JSONField(default=dict, blank=True, help_text="Their module URLs by module identifier")

    # Tokens we issued to them: only hashes. ``registration_token_hash`` reaches versions,
    # version details and POST credentials (their token A, or our token B while our own
    # registration is in flight); ``access_token_hash`` reaches everything once registered.
    registration_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    access_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # Our next token B while our credentials PUT is open (or its outcome unclear): full access too.
    pending_access_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    # The token they issued to us (B or C), encrypted at rest.
    their_token_encrypted = models.TextField(blank=True)
    initiated_by_us = models.BooleanField(default=False, help_text="We registered with them (not they with us)")

    token_encoding = models.CharField(max_length=6, choices=TokenEncoding.choices, default=TokenEncoding.RAW)
    page_limit = models.PositiveIntegerField(
        default=100, validators=[MinValueValidator(1)], help_text="Page size we ask for when pulling lists"
    )
    request_timeout = models.PositiveIntegerField(
        default=30, validators=[MinValueValidator(1)], help_text="Seconds we wait for their answers"
    )
    pushes = models.BooleanField(default=True, help_text="They push changes to us; if not, we must pull")
    sync_interval_minutes = models.PositiveIntegerField(
        default=360, validators=[MinValueValidator(1)], help_text="How often we pull their data"
    )

    registered_at = models.DateTimeField(null=True, blank=True)
    last_inbound_at = models.DateTimeField(null=True, blank=True)
    rate_limit_factor = models.FloatField(
        default=1.0, help_text="Scales the per-partner rate limits on pushes and authorize (2 = twice as many)"
    )
    last_outbound_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country_code", "party_id"],
                condition=~Q(country_code="") & ~Q(status="UNREGISTERED"),
                name="partner_unique_live_party",
            ),
        ]

    def __str__(self) -> str:
        party = f" ({self.country_code}/{self.party_id})" if self.country_code else ""
        return f"{self.name}{party}"

    @property
    def party(self) -> str:
        return f"{self.country_code}/{self.party_id}" if self.country_code else "—"

    def endpoint(self, identifier: str) -> str | None:
        url = self.endpoints.get(identifier)
        return str(url) if url else None
