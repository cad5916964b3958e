from django.apps import AppConfig


class PartnersConfig(AppConfig):
    """Who we talk to, and the credentials module through which we register with each other."""

    name = "partners"
    label = "partners"
    verbose_name = "Partners"

    def ready(self) -> None:
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415 (apps must be ready)

        registry.register(ModuleSpec(identifier="credentials", version="2.1.1", urls="partners.urls"))
