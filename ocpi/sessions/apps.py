from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """The OCPI sessions module, eMSP side."""

    name = "ocpi.sessions"
    label = "ocpi_sessions"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415 (apps must be ready)

        registry.register(ModuleSpec(identifier="sessions", version="2.1.1", urls="ocpi.sessions.urls"))
