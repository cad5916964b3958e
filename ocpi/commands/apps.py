from django.apps import AppConfig


class CommandsConfig(AppConfig):
    """The OCPI commands module, eMSP side: we send commands, CPOs call our response URLs back."""

    name = "ocpi.commands"
    label = "ocpi_commands"
    verbose_name = "Commands"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imports wait until apps are ready (models, registry).
        from django.db.models.signals import post_migrate  # noqa: PLC0415

        from ocpi.commands.services import support_group_ensure  # noqa: PLC0415
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415

        registry.register(ModuleSpec(identifier="commands", version="2.1.1", urls="ocpi.commands.urls"))
        post_migrate.connect(support_group_ensure, sender=self, dispatch_uid="ocpi_commands.support_group")
