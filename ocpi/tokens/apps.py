from django.apps import AppConfig


class TokensConfig(AppConfig):
    """The OCPI tokens module, eMSP side (the eMSP owns tokens)."""

    name = "ocpi.tokens"
    label = "ocpi_tokens"
    verbose_name = "Tokens"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Imports wait until apps are ready (models, registry).
        from customers.signals import customer_status_changed  # noqa: PLC0415
        from ocpi.core.registry import ModuleSpec, registry  # noqa: PLC0415
        from ocpi.tokens.services import on_customer_status_changed  # noqa: PLC0415

        registry.register(ModuleSpec(identifier="tokens", version="2.1.1", urls="ocpi.tokens.urls"))
        customer_status_changed.connect(on_customer_status_changed, dispatch_uid="ocpi_tokens.customer_status")
