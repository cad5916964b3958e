"""The Celery application; configuration comes from Django settings (``CELERY_*``)."""

import os

from celery import Celery
from celery.signals import worker_process_shutdown

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "emsp.settings")

app = Celery("emsp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_process_shutdown.connect
def _flush_journal(**kwargs: object) -> None:
    # Prefork children leave through os._exit, which skips atexit: write the journal's last batch.
    from ocpi.core.journal_buffer import buffer  # noqa: PLC0415 (Django is set up by now)

    buffer.flush()
