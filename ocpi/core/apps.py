from django.apps import AppConfig
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class OcpiCoreConfig(AppConfig):
    """The protocol core. Its only model is the traffic journal."""

    name = "ocpi.core"
    label = "ocpi_core"
    verbose_name = "OCPI traffic"

    def ready(self) -> None:
        # A wrong resolver must stop start-up, not fail every OCPI request with a 500.
        try:
            import_string(settings.OCPI_CREDENTIALS_RESOLVER)
        except ImportError as exc:
            raise ImproperlyConfigured(f"OCPI_CREDENTIALS_RESOLVER: cannot import it ({exc})") from None
