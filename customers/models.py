"""Customers: the eMSP's contracts with drivers (issue 5 item 1).

A customer's ``contract_id`` is the OCPI ``auth_id`` of its tokens (reference §9 item 22), so
Sessions and CDRs that carry an ``auth_id`` can be linked back to a contract.

Credit is one flag, ``has_credit``: finance (later billing) turns it off when a customer must
not charge on account any more (unpaid invoices, prepaid balance used up); real-time
authorization then answers ``NO_CREDIT``. A limit in money would need running balances that
billing does not have yet; the flag is what authorization needs.

The authorization policy is deliberately small:

* ``allowed_partners``: empty means every CPO; otherwise only these CPOs may let the driver
  charge (e.g. a fleet contract limited to its depot operator). Checked from the calling
  partner alone, no location needed.
* ``blocked_location_ids`` / ``blocked_evse_uids``: sites or single charge points where this
  contract may not charge (e.g. a fleet's own private depot chargers excluded from public
  roaming, or a site in dispute). When either list is non-empty the eMSP cannot decide without
  knowing where the driver is, so a real-time authorization without LocationReferences (or, for
  blocked EVSEs, without ``evse_uids``) is answered 2002.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from partners.models import Partner

_COUNTRY = RegexValidator(r"^[A-Z]{2}$", "an ISO 3166-1 alpha-2 code in capitals, like NL")
_CURRENCY = RegexValidator(r"^[A-Z]{3}$", "an ISO 4217 code in capitals, like EUR")


class PricingPlan(models.Model):
    """What a customer pays us on top of the CPO's price; billing applies it to CDRs."""

    name = models.CharField(max_length=100, unique=True)
    markup_percent = models.DecimalField(
        max_digits=6, decimal_places=2, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    fee_per_session = models.DecimalField(
        max_digits=10, decimal_places=4, default=Decimal("0"), validators=[MinValueValidator(Decimal("0"))]
    )
    price_per_kwh = models.DecimalField(
        max_digits=10,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Our own per-kWh surcharge, in the plan's currency",
    )
    currency = models.CharField(max_length=3, default="EUR", validators=[_CURRENCY])

    def __str__(self) -> str:
        return self.name


class Customer(models.Model):
    """One driver's contract; every token belongs to one."""

    class Status(models.TextChoices):
        ACTIVE = "ACTIVE"
        BLOCKED = "BLOCKED"

    name = models.CharField(max_length=200)
    email = models.EmailField(unique=True)
    contract_id = models.CharField(
        max_length=36, unique=True, help_text="The OCPI auth_id of this customer's tokens (eMA-ID recommended)"
    )
    status = models.CharField(max_length=7, choices=Status.choices, default=Status.ACTIVE, db_index=True)
    has_credit = models.BooleanField(default=True, help_text="Off: real-time authorization answers NO_CREDIT")
    valid_until = models.DateTimeField(null=True, blank=True, help_text="End of the contract; empty: open-ended")
    billing_country = models.CharField(max_length=2, validators=[_COUNTRY], help_text="For VAT")
    pricing_plan = models.ForeignKey(PricingPlan, on_delete=models.PROTECT, related_name="customers")
    allowed_partners = models.ManyToManyField(
        Partner, blank=True, related_name="+", help_text="Only these CPOs; empty: every CPO"
    )
    blocked_location_ids = models.JSONField(
        default=list, blank=True, help_text="OCPI location ids where this contract may not charge"
    )
    blocked_evse_uids = models.JSONField(
        default=list, blank=True, help_text="OCPI EVSE uids where this contract may not charge"
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="customer_name_id")]  # the console list's order

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    def clean(self) -> None:
        self.email = self.email.strip().lower()  # one spelling, so imports by e-mail find it
        for field in ("blocked_location_ids", "blocked_evse_uids"):
            values = getattr(self, field)
            if not isinstance(values, list) or not all(isinstance(v, str) and 0 < len(v) <= 39 for v in values):
                raise ValidationError({field: "a list of OCPI ids (strings of 1 to 39 characters)"})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    def is_expired(self, at: datetime | None = None) -> bool:
        return self.valid_until is not None and self.valid_until <= (at or timezone.now())

    @property
    def needs_location(self) -> bool:
        """The policy restricts places, so authorization needs LocationReferences."""
        return bool(self.blocked_location_ids or self.blocked_evse_uids)
