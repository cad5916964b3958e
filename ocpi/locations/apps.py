from django.apps import AppConfig


class LocationsConfig(AppConfig):
    """The OCPI locations module, eMSP side."""

    name = "ocpi.locations"
    label = "ocpi_locations"
    verbose_name = "Locations"

    def ready(self) -> None:
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415 (apps must be ready)

        registry.register(ModuleSpec(identifier="locations", version="2.1.1", urls="ocpi.locations.urls"))
