"""What billing keeps: the price we expect for each CDR, and whether it matches the CPO's."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from billing.exports.storage import ExportStorage


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


def _export_storage() -> ExportStorage:
    return ExportStorage()


class BillingKind(models.TextChoices):
    CUSTOMERS = "customers", "customer invoice lines"
    PARTNERS = "partners", "partner settlement"


class BilledPeriod(models.Model):
    """A month of one kind that has been billed: its CDRs are fixed in ``BilledCdr`` the first
    time it is exported, so every later export of it gives the same rows."""

    kind = models.CharField(max_length=10, choices=BillingKind.choices)
    period = models.DateField(help_text="The first day of the month (UTC)")
    closed_at = models.DateTimeField()
    cdr_count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "period"], name="billed_period_unique")]
        ordering = ["-period", "kind"]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m}"


class BilledCdr(models.Model):
    """The ledger: one row per CDR and kind, so a CDR is billed once per kind. The amounts are
    copied when it is billed, so a later re-pricing never changes a period already exported
    (a correction is a new credit CDR from the CPO, billed in the month it arrives)."""

    # A month of a million CDRs is written in one INSERT: each index and constraint costs there.
    # The CDR is indexed by the unique (cdr, kind); partner and customer are copies of the CDR's
    # own (whose constraints hold them), read through the (kind, period) index.
    cdr = models.ForeignKey("ocpi_cdrs.Cdr", on_delete=models.PROTECT, related_name="+", db_index=False)
    kind = models.CharField(max_length=10, choices=BillingKind.choices)
    period = models.DateField(help_text="The month it is billed in: first day")
    partner = models.ForeignKey(
        "partners.Partner", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False,
        db_constraint=False,
    )  # fmt: skip
    currency = models.CharField(max_length=3)
    # customers: the driver's price (CdrRetail); partners: the CPO's total and ours (CdrPricing)
    base = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    markup = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    vat = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    total = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    expected_total = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    flagged = models.BooleanField(default=False)
    billed_at = models.DateTimeField()

    class Meta:
        verbose_name = "billed CDR"
        constraints = [models.UniqueConstraint(fields=["cdr", "kind"], name="billed_cdr_once_per_kind")]
        indexes = [models.Index(fields=["kind", "period", "cdr"], name="billed_cdr_period")]
        ordering = ["-period", "cdr_id"]

    def __str__(self) -> str:
        return f"CDR {self.cdr_id} billed to {self.kind} {self.period:%Y-%m}"


class BillingExport(models.Model):
    """One export file kept for finance: what was asked, the file, its SHA-256 and row count,
    who asked (empty: the monthly schedule) and when."""

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"
        JSONL = "jsonl", "JSON lines"

    kind = models.CharField(max_length=10, choices=BillingKind.choices)
    period = models.DateField(help_text="The first day of the month (UTC)")
    format = models.CharField(max_length=5, choices=Format.choices)
    partner = models.ForeignKey("partners.Partner", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file = models.FileField(storage=_export_storage, upload_to="%Y/%m", max_length=255)
    checksum = models.CharField("SHA-256", max_length=64)
    row_count = models.PositiveIntegerField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    scheduled = models.BooleanField(default=False, help_text="Kept by the monthly schedule")

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("export_billing", "Can export billing data")]

    def __str__(self) -> str:
        return f"{self.kind} {self.period:%Y-%m} ({self.format})"
