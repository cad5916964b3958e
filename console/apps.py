from django.apps import AppConfig


class ConsoleConfig(AppConfig):
    """Roles (groups), the audit trail, the admin dashboard and the locations map."""

    name = "console"
    label = "console"
    verbose_name = "Console"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imports wait until apps are ready (models, signals of the rooms below).
        from django.db.models.signals import post_migrate  # noqa: PLC0415

        from console import receivers  # noqa: PLC0415
        from ocpi.core.audit import staff_acted  # noqa: PLC0415
        from partners.signals import credentials_changed  # noqa: PLC0415

        staff_acted.connect(receivers.staff_acted, dispatch_uid="console.staff_acted")
        credentials_changed.connect(receivers.credentials_changed, dispatch_uid="console.credentials_changed")
        # After every migrate, and after the test runner's flush, which empties the groups table.
        post_migrate.connect(receivers.roles_refresh, dispatch_uid="console.roles_refresh")
