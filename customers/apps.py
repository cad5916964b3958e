from django.apps import AppConfig


class CustomersConfig(AppConfig):
    """Customers (contracts) that our tokens belong to; billing reads them."""

    name = "customers"
    label = "customers"
    verbose_name = "Customers"
    default_auto_field = "django.db.models.BigAutoField"
