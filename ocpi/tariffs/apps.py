"""OCPI tariffs module (eMSP side)."""

from django.apps import AppConfig


class TariffsConfig(AppConfig):
    """The OCPI tariffs module, eMSP side."""

    name = "ocpi.tariffs"
    label = "ocpi_tariffs"
    verbose_name = "Tariffs"

    def ready(self) -> None:
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415 (apps must be ready)

        registry.register(ModuleSpec(identifier="tariffs", version="2.1.1", urls="ocpi.tariffs.urls"))
