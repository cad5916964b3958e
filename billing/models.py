"""What billing keeps: the price we expect for each CDR, and whether it matches the CPO's."""

from __future__ import annotations

from django.db import models


class CdrPricing(models.Model):
    """Our price of one CDR (``billing.engine``) beside the CPO's ``total_cost``.

    ``flagged`` when the difference is beyond the tolerance, or when the CDR cannot be priced
    (no tariff, a tariff in another currency, data the engine refuses): ``reason`` says which.
    Re-pricing updates this row (one per CDR) and counts ``times_computed``.
    """

    class Source(models.TextChoices):
        REVISION = "REVISION", "published tariff revision"
        CDR = "CDR", "tariff carried in the CDR"
        NONE = "", "none"

    cdr = models.OneToOneField("ocpi_cdrs.Cdr", on_delete=models.CASCADE, related_name="pricing")
    flagged = models.BooleanField(default=False, db_index=True)
    reason = models.CharField(max_length=255, blank=True)
    currency = models.CharField(max_length=3)
    cpo_total = models.DecimalField("CPO total", max_digits=14, decimal_places=4, help_text="excl. VAT")
    expected_total = models.DecimalField(
        "our total", max_digits=14, decimal_places=4, null=True, blank=True, help_text="excl. VAT"
    )
    difference = models.DecimalField(
        max_digits=14, decimal_places=4, null=True, blank=True, help_text="CPO total minus ours"
    )
    tolerance = models.DecimalField(max_digits=10, decimal_places=4, help_text="the tolerance it was judged with")
    tariff_id = models.CharField("tariff id", max_length=36, blank=True)
    tariff_source = models.CharField(max_length=8, choices=Source.choices, blank=True)
    tariff_revision = models.ForeignKey(
        "ocpi_tariffs.TariffRevision", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    breakdown = models.JSONField(default=dict, blank=True, help_text="Per dimension, charging period and line")
    warnings = models.JSONField(default=list, blank=True)
    computed_at = models.DateTimeField()
    times_computed = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = "CDR pricing"
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"pricing of CDR {self.cdr_id}"


class CdrRetail(models.Model):
    """What we charge the driver for one CDR (``billing.retail``): the base (the CPO's cost or
    ours, per ``BILLING_RETAIL_BASE``), the plan's markup, VAT of the customer's billing
    country, rounded to the currency's minor unit. ``problem`` says why a CDR has no price
    (no customer, no price of ours, a plan in another currency, no VAT rate)."""

    class Base(models.TextChoices):
        CPO = "cpo", "the CPO's total_cost"
        OURS = "ours", "our computed cost"

    cdr = models.OneToOneField("ocpi_cdrs.Cdr", on_delete=models.CASCADE, related_name="retail")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    pricing_plan = models.ForeignKey(
        "customers.PricingPlan", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    base_source = models.CharField(max_length=4, choices=Base.choices)
    currency = models.CharField(max_length=3)
    base = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True, help_text="excl. VAT")
    markup = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    net = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True, help_text="excl. VAT")
    vat_rate = models.DecimalField("VAT rate (%)", max_digits=5, decimal_places=2, null=True, blank=True)
    vat = models.DecimalField("VAT", max_digits=14, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True, help_text="incl. VAT")
    problem = models.CharField(max_length=255, blank=True)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = "CDR retail price"
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"retail price of CDR {self.cdr_id}"
