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


@pytest.fixture(autouse=True, scope="session")
def _tasks_go_nowhere():
    """Work the code under test enqueues (token pushes, pricing, pulls) is published to an
    in-memory broker: never into var/ of the checkout nor into a Redis a real worker reads.
    Tests run task bodies themselves; the fault tests start their own broker and workers."""
    from emsp.celery import app

    app.conf.broker_url = "memory://"
    app.conf.broker_transport_options = {}


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


class RegisteredCpo:
    """A CPO registered with us (NL/CPO unless asked otherwise), calling our OCPI API over HTTP."""

    def __init__(self, base_url: str, session, *, country_code: str, party_id: str, token: str) -> None:
        from partners.models import Partner
        from partners.tokens import token_hash

        self.base_url = base_url
        self.session = session
        self.token = token
        self.partner = Partner.objects.create(
            name=f"CPO {country_code}/{party_id}",
            country_code=country_code,
            party_id=party_id,
            status=Partner.Status.REGISTERED,
            access_token_hash=token_hash(token),
            version="2.1.1",
        )

    def call(self, method: str, path: str, **kwargs):
        """``path`` is below /ocpi/emsp/2.1.1/ (or an absolute URL); kwargs go to requests."""
        url = path if path.startswith("http") else f"{self.base_url}/ocpi/emsp/2.1.1/{path.lstrip('/')}"
        headers = {"Authorization": f"Token {self.token}", **kwargs.pop("headers", {})}
        return self.session.request(method, url, headers=headers, timeout=15, **kwargs)


@pytest.fixture
def cpo(ocpi_server, http):
    """A registered CPO NL/CPO with its token, talking to our live server."""
    return RegisteredCpo(ocpi_server, http, country_code="NL", party_id="CPO", token="cpo-token-nl-cpo")


@pytest.fixture
def other_cpo(ocpi_server):
    """A second registered CPO, DE/OTH, for isolation tests."""
    import requests

    with requests.Session() as session:
        yield RegisteredCpo(ocpi_server, session, country_code="DE", party_id="OTH", token="cpo-token-de-oth")
