"""Where export files are kept: ``BILLING_EXPORT_ROOT``, read when used (so tests can point it
elsewhere), apart from anything served as media."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class ExportStorage(FileSystemStorage):
    @property
    def base_location(self) -> str:
        return str(settings.BILLING_EXPORT_ROOT)

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)
