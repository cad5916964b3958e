from django.apps import AppConfig


class TariffsConfig(AppConfig):
    """The OCPI tariffs module, eMSP side."""

    name = "ocpi.tariffs"
    label = "ocpi_tariffs"
    verbose_name = "Tariffs"
