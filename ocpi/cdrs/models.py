"""CDRs posted by CPOs (reference §4.3, §5.4), stored version-neutral and never changed.

``data`` is the CDR as validated and normalised (DateTimes as ``YYYY-MM-DDTHH:MM:SSZ``): a GET
of its URL answers it field for field. The other columns are copies for queries, billing and
the admin.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from partners.models import Partner


class Cdr(models.Model):
    """One charge detail record. CDR.id is a CiString: ``ocpi_id`` keeps it as sent and
    ``ocpi_id_ci`` (its canonical form) makes it unique per party. ``country_code``/``party_id``
    come from the caller's credentials, as the CDR URL carries none (reference §1.7).

    ``auth_id`` (the contract id) is matched to our customer and token through the tokens room's
    selector when the CDR arrives (``customer``, ``token``, ``token_known``); an unknown auth_id
    is kept and flagged, never refused.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="cdrs")
    country_code = models.CharField(max_length=2)
    party_id = models.CharField(max_length=3)
    ocpi_id = models.CharField("id", max_length=36)
    ocpi_id_ci = models.CharField("id (canonical)", max_length=36)
    start_date_time = models.DateTimeField()
    stop_date_time = models.DateTimeField()
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
    total_energy = models.FloatField(help_text="kWh")
    total_time = models.FloatField(help_text="hours")
    total_parking_time = models.FloatField(null=True, blank=True, help_text="hours")
    total_cost = models.FloatField()
    currency = models.CharField(max_length=3)
    location_id = models.CharField(max_length=39)
    evse_uid = models.CharField(max_length=39, blank=True)
    connector_id = models.CharField(max_length=36, blank=True)
    last_updated = models.DateTimeField()
    data = models.JSONField(help_text="The CDR as received, normalised")
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "CDR"
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "country_code", "party_id", "ocpi_id_ci"], name="cdr_unique_per_party"
            ),
        ]
        indexes = [
            models.Index(fields=["partner", "start_date_time"], name="cdr_partner_start"),
            models.Index(fields=["start_date_time", "id"], name="cdr_start_id"),  # the console list's order
        ]
        ordering = ["-start_date_time", "-id"]

    def __str__(self) -> str:
        return f"{self.country_code}/{self.party_id}/{self.ocpi_id}"


class CdrConflict(models.Model):
    """A CDR posted again under a stored id with a different body: kept aside for staff to
    review, never applied (CDRs are immutable; DESIGN.md §4 "CDR POST")."""

    cdr = models.ForeignKey(Cdr, on_delete=models.PROTECT, related_name="conflicts")
    data = models.JSONField(help_text="The conflicting CDR as received, normalised")
    body_hash = models.CharField(max_length=64, help_text="SHA-256 of the canonical JSON, to keep each body once")
    times_received = models.PositiveIntegerField(default=1)
    received_at = models.DateTimeField(auto_now_add=True)
    last_received_at = models.DateTimeField(auto_now=True)
    # Staff review: the stored CDR stays as it is; a review records that someone looked (and,
    # in the note, what was agreed with the CPO). The same body posted again stays reviewed.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = "CDR conflict"
        constraints = [models.UniqueConstraint(fields=["cdr", "body_hash"], name="cdr_conflict_unique_body")]
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"conflict on {self.cdr}"
