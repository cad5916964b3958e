"""Tariffs pushed by CPOs (reference §4.4, §5.5), stored version-neutral, with their history.

``Tariff.data`` is the current Tariff as validated and normalised (DateTimes as
``YYYY-MM-DDTHH:MM:SSZ``): a GET answers it field for field. Every accepted PUT or PATCH also
adds a ``TariffRevision``, so a CDR can later be priced with the tariff that was valid when its
session started (``selectors.tariff_revision_at``).
"""

from __future__ import annotations

from django.db import models

from partners.models import Partner


class Tariff(models.Model):
    """One tariff of a CPO, keyed as OCPI keys it: (country_code, party_id, id).

    A DELETE sets ``deleted_at``: the tariff is then unknown to OCPI (GET/PATCH answer 404) but
    its revisions stay for pricing, and a later PUT revives it. Connectors that reference a
    deleted tariff by ``tariff_id`` keep the reference: 2.1.1 is silent, and the Location is
    the CPO's to change.
    """

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="tariffs")
    country_code = models.CharField(max_length=2)
    party_id = models.CharField(max_length=3)
    ocpi_id = models.CharField("id", max_length=36)
    currency = models.CharField(max_length=3)
    element_count = models.PositiveSmallIntegerField("elements", default=0)
    last_updated = models.DateTimeField()
    deleted_at = models.DateTimeField(null=True, blank=True)
    data = models.JSONField(help_text="The Tariff as received, normalised")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "country_code", "party_id", "ocpi_id"], name="tariff_unique_per_party"
            ),
        ]
        indexes = [models.Index(fields=["partner", "last_updated"], name="tariff_partner_updated")]
        ordering = ["country_code", "party_id", "ocpi_id"]

    def __str__(self) -> str:
        return f"{self.country_code}/{self.party_id}/{self.ocpi_id}"


class TariffRevision(models.Model):
    """The tariff as it was from ``valid_from`` (its ``last_updated``) until the next revision."""

    tariff = models.ForeignKey(Tariff, on_delete=models.CASCADE, related_name="revisions")
    valid_from = models.DateTimeField()
    data = models.JSONField(help_text="The Tariff as it was from valid_from, normalised")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tariff", "valid_from"], name="tariff_revision_valid_from")]
        ordering = ["tariff", "-valid_from", "-id"]

    def __str__(self) -> str:
        return f"{self.tariff} from {self.valid_from:%Y-%m-%dT%H:%M:%SZ}"
