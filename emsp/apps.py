from django.apps import AppConfig


class EmspConfig(AppConfig):
    """Project-level commands (ensure_admin) and the health check."""

    name = "emsp"
    label = "emsp"
    verbose_name = "eMSP platform"
