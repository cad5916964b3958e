"""Sessions pushed by CPOs (reference §4.2, §5.3), stored version-neutral.

``data`` is the Session as validated and normalised (DateTimes as ``YYYY-MM-DDTHH:MM:SSZ``):
a GET answers it field for field. The other columns are copies for queries and the admin.
"""

from __future__ import annotations

from django.db import models

from partners.models import Partner


class Session(models.Model):
    """One charging session of a CPO, keyed as OCPI keys it: (country_code, party_id, id).

    ``auth_id`` is the contract id of our token (reference §9 item 22). Each write matches it to
    our customer and token through the tokens room's selector (``customer``, ``token``,
    ``token_known``); an unknown auth_id is kept and flagged (``token_known`` False), never
    refused.
    """

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        COMPLETED = "COMPLETED"
        INVALID = "INVALID"
        PENDING = "PENDING"

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="sessions")
    country_code = models.CharField(max_length=2)
    party_id = models.CharField(max_length=3)
    ocpi_id = models.CharField("id", max_length=36)
    status = models.CharField(max_length=9, choices=Status.choices)
    auth_id = models.CharField(max_length=36, db_index=True)
    auth_method = models.CharField(max_length=12)
    token_known = models.BooleanField(
        null=True, default=False, help_text="auth_id is the contract id of one of our customers"
    )
    # Our records behind auth_id (a contract id, reference §5.3): the customer, and the token when
    # exactly one carries that contract id. Strings, not imports: the tokens room is a sibling.
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    token = models.ForeignKey("ocpi_tokens.Token", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    start_datetime = models.DateTimeField()
    end_datetime = models.DateTimeField(null=True, blank=True)
    kwh = models.FloatField()
    total_cost = models.FloatField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    location_id = models.CharField(max_length=39)
    evse_uid = models.CharField(max_length=39, blank=True)
    connector_id = models.CharField(max_length=36, blank=True)
    last_updated = models.DateTimeField()
    data = models.JSONField(help_text="The Session as received, normalised")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "country_code", "party_id", "ocpi_id"], name="session_unique_per_party"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "last_updated"], name="session_partner_updated"),
            # The console: its list in the default order, and the dashboard's day and month counts.
            models.Index(fields=["start_datetime", "id"], name="session_start_id"),
            # The dashboard's "charging now": few rows of a large table.
            models.Index(fields=["status"], condition=models.Q(status="ACTIVE"), name="session_active"),
        ]
        ordering = ["-start_datetime", "-id"]

    def __str__(self) -> str:
        return f"{self.country_code}/{self.party_id}/{self.ocpi_id}"
