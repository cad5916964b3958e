from django.apps import AppConfig


class LocationsConfig(AppConfig):
    """The OCPI locations module, eMSP side."""

    name = "ocpi.locations"
    label = "ocpi_locations"
    verbose_name = "Locations"
