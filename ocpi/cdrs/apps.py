from django.apps import AppConfig


class CdrsConfig(AppConfig):
    """The OCPI cdrs module, eMSP side."""

    name = "ocpi.cdrs"
    label = "ocpi_cdrs"
    verbose_name = "CDRs"

    def ready(self) -> None:
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415 (apps must be ready)

        registry.register(ModuleSpec(identifier="cdrs", version="2.1.1", urls="ocpi.cdrs.urls"))
