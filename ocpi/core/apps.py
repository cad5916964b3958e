from django.apps import AppConfig


class OcpiCoreConfig(AppConfig):
    """The protocol core. Its only model is the traffic journal."""

    name = "ocpi.core"
    label = "ocpi_core"
    verbose_name = "OCPI traffic"
