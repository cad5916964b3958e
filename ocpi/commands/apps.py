from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """The OCPI commands module, eMSP side: we send commands, CPOs call our response URLs back."""

    name = "ocpi.commands"
    label = "ocpi_commands"
    verbose_name = "Commands"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imports wait until apps are ready (models, registry).
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415

        registry.register(ModuleSpec(identifier="commands", version="2.1.1", urls="ocpi.commands.urls"))
