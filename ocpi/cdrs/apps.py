from django.apps import AppConfig


class CdrsConfig(AppConfig):
    """The OCPI cdrs module, eMSP side."""

    name = "ocpi.cdrs"
    label = "ocpi_cdrs"
    verbose_name = "Cdrs"
