from django.apps import AppConfig


class TestAppConfig(AppConfig):
    """Objects and views that exercise the OCPI core before real modules exist."""

    name = "tests.testapp"
    label = "testapp"
