from django.apps import AppConfig


class SessionsConfig(AppConfig):
    """The OCPI sessions module, eMSP side."""

    name = "ocpi.sessions"
    label = "ocpi_sessions"
    verbose_name = "Sessions"
