from django.apps import AppConfig


class SyncConfig(AppConfig):
    """Pull workers and their records; sits above the OCPI module rooms it writes through."""

    name = "sync"
    label = "sync"
    verbose_name = "Partner sync"
