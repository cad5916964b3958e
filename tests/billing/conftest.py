from __future__ import annotations

import pytest


@pytest.fixture
def eager():
    """Celery runs tasks inline, as a worker would run them at once."""
    from emsp.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False
