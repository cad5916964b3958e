"""Settings for the test suite: the project settings plus what tests need."""

from emsp.settings import *  # noqa: F403

# Tests talk to real servers on 127.0.0.1 (the simulator, small test servers).
OCPI_ALLOW_PRIVATE_URLS = True
# Live-server tests speak plain HTTP.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tests read journal entries inside their own transaction: write them through that connection
# (tests/ocpi/core/test_journal.py checks the separate journal connection on PostgreSQL).
OCPI_JOURNAL_DATABASE = "default"
OCPI_JOURNAL_BATCH_SIZE = 1  # written at once; tests/ocpi/core/test_journal.py checks batching
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]  # noqa: F405
ROOT_URLCONF = "tests.urls"
