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
