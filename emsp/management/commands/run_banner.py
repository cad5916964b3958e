"""Print where the running platform can be reached (used by `make run`)."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from ocpi.core.views import versions_url


class Command(BaseCommand):
    help = "Print the admin URL and the OCPI versions URL."

    def handle(self, *args: Any, **options: Any) -> None:
        host = os.environ.get("BIND", "127.0.0.1")
        port = os.environ.get("PORT", "8000")
        self.stdout.write(f"Admin console:      http://{host}:{port}/admin/")
        self.stdout.write(f"OCPI versions URL:  {versions_url()}")
        self.stdout.write(f"Health:             http://{host}:{port}/healthz")
        self.stdout.write(
            f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}; "
            f"broker: {settings.CELERY_BROKER_URL.split('://')[0]}. Ctrl-C stops everything."
        )
