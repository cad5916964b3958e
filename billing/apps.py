from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Billing: prices CDRs with the tariff engine and flags those whose cost differs."""

    name = "billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from billing import receivers  # noqa: PLC0415 (apps must be ready)
        from ocpi.cdrs.signals import cdr_received  # noqa: PLC0415

        cdr_received.connect(receivers.cdr_received, dispatch_uid="billing.cdr_received")
