"""Shared test wiring: the database in use, and the PostgreSQL-only marker."""

from __future__ import annotations

import os

import pytest
from django.db import connection


def _on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def pytest_report_header(config: pytest.Config) -> str:
    from django.conf import settings

    database = settings.DATABASES["default"]
    where = f"{database['ENGINE'].rsplit('.', 1)[-1]} {database.get('HOST') or ''} {database['NAME']}".strip()
    return f"database: {where}; broker: {settings.CELERY_BROKER_URL.split('://')[0]}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor == "postgresql":
        return
    if _on_ci():
        raise pytest.UsageError("CI must run on PostgreSQL: set DATABASE_URL=postgresql://… (see .ci/run)")
    reason = f"needs PostgreSQL behaviour; this run uses {connection.vendor} (set DATABASE_URL to run it)"
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(autouse=True)
def _fresh_journal_buffer():
    """The journal buffer is per process: no test inherits another's entries, timer or pause."""
    from ocpi.core.journal_buffer import buffer

    buffer.discard()
    yield
    buffer.discard()


@pytest.fixture
def parties(settings):
    """The stand-in partner store, installed as the credentials resolver."""
    from tests.support import parties as store

    settings.OCPI_CREDENTIALS_RESOLVER = store.RESOLVER_PATH
    store.clear()
    yield store
    store.clear()


@pytest.fixture
def ocpi_server(live_server, transactional_db, settings):
    """Our platform on a real HTTP server; absolute OCPI URLs point at it."""
    settings.OCPI_BASE_URL = live_server.url
    return live_server.url


@pytest.fixture
def http():
    import requests

    with requests.Session() as session:
        yield session
