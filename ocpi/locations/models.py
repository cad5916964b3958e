"""Locations as CPOs push them: Location → EVSE → Connector, one row each.

Each row keeps its own wire fields in ``data`` (JSON, DateTimes as ``YYYY-MM-DDTHH:MM:SSZ``)
without its children and without ``last_updated``, which lives in its column (it moves when a
child changes). The selectors assemble the object from the three levels, so a GET returns what
was PUT, field for field. The other columns are copies for queries, the admin and a map.

Nothing is deleted (DESIGN.md §4): an EVSE left out of a full Location PUT or PATCH stays stored
with status REMOVED and ``listed`` off: it is served at its own URL but no longer in the
Location's ``evses``, which stay as the CPO sent them.
"""

from __future__ import annotations

from django.db import models

from partners.models import Partner


class Location(models.Model):
    """A CPO's Location, keyed by (partner, country_code, party_id, ocpi_id) as OCPI §1.7 asks."""

    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="locations")
    country_code = models.CharField(max_length=2)
    party_id = models.CharField(max_length=3)
    ocpi_id = models.CharField("id", max_length=39)
    type = models.CharField(max_length=20)
    name = models.CharField(max_length=255, blank=True)
    address = models.CharField(max_length=45)
    city = models.CharField(max_length=45, db_index=True)
    postal_code = models.CharField(max_length=10)
    country = models.CharField(max_length=3, db_index=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6)
    longitude = models.DecimalField(max_digits=9, decimal_places=6)
    last_updated = models.DateTimeField(db_index=True)
    data = models.JSONField(help_text="The Location's own fields as received (without EVSEs and last_updated)")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-last_updated", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "country_code", "party_id", "ocpi_id"], name="location_unique_per_party"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.country_code}/{self.party_id}/{self.ocpi_id}"


class Evse(models.Model):
    """One EVSE of a Location; ``position`` keeps the order of the Location's ``evses`` list."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="evses")
    uid = models.CharField(max_length=39)
    evse_id = models.CharField("EVSE ID", max_length=48, blank=True, db_index=True)
    status = models.CharField(max_length=12, db_index=True)
    position = models.PositiveIntegerField(default=0)
    listed = models.BooleanField(default=True, help_text="Part of the Location's evses as the CPO last sent them")
    last_updated = models.DateTimeField()
    data = models.JSONField(help_text="The EVSE's own fields as received (without connectors and last_updated)")

    class Meta:
        verbose_name = "EVSE"
        ordering = ["location", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["location", "uid"], name="evse_unique_per_location")]

    def __str__(self) -> str:
        return self.evse_id or self.uid


class Connector(models.Model):
    """One connector of an EVSE; ``position`` keeps the order of the EVSE's ``connectors``."""

    evse = models.ForeignKey(Evse, on_delete=models.CASCADE, related_name="connectors")
    connector_id = models.CharField("id", max_length=36)
    standard = models.CharField(max_length=24)
    format = models.CharField(max_length=6)
    power_type = models.CharField(max_length=10)
    voltage = models.IntegerField()
    amperage = models.IntegerField()
    tariff_id = models.CharField(max_length=36, blank=True, db_index=True)
    position = models.PositiveIntegerField(default=0)
    last_updated = models.DateTimeField()
    data = models.JSONField(help_text="The connector's fields as received (without last_updated)")

    class Meta:
        ordering = ["evse", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["evse", "connector_id"], name="connector_unique_per_evse")]

    def __str__(self) -> str:
        return self.connector_id
