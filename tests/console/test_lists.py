"""Speed of the main lists and detail pages: no query per row (the count of queries for a page
of one row and a page of many rows is the same) and a small bound on each detail page."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import connection
from django.db.models import Model
from django.test import Client
from django.test.utils import CaptureQueriesContext

from billing.models import CdrPricing
from console.models import AuditEntry
from customers.models import Customer
from ocpi.cdrs.models import Cdr, CdrConflict
from ocpi.commands.models import Command
from ocpi.core.models import JournalEntry
from ocpi.locations.models import Evse, Location
from ocpi.sessions.models import Session
from ocpi.tokens.models import Token, TokenPush
from partners.models import Partner
from sync.models import SyncRun
from tests.console import makers

LISTS: dict[str, type[Model]] = {
    "partners/partner": Partner,
    "customers/customer": Customer,
    "ocpi_tokens/token": Token,
    "ocpi_tokens/tokenpush": TokenPush,
    "ocpi_sessions/session": Session,
    "ocpi_cdrs/cdr": Cdr,
    "ocpi_cdrs/cdrconflict": CdrConflict,
    "ocpi_locations/location": Location,
    "ocpi_locations/evse": Evse,
    "ocpi_commands/command": Command,
    "ocpi_core/journalentry": JournalEntry,
    "sync/syncrun": SyncRun,
    "billing/cdrpricing": CdrPricing,
    "console/auditentry": AuditEntry,
}
DETAIL_BOUND = 25


def seed(rows: int) -> None:
    """``rows`` of everything a main list shows, linked as the rooms link them."""
    owner, *others = [makers.partner() for _ in range(rows)]
    tokens = makers.customers_and_tokens(rows)
    makers.locations(owner, rows)
    makers.sessions(owner, rows, tokens=tokens, active=1)
    makers.cdrs(owner, rows, flagged=rows, conflicts=rows)
    makers.commands(owner, rows)
    makers.token_pushes(owner, tokens)
    makers.journal(owner, rows)
    for each in (owner, *others):
        makers.sync_runs(each)
    for token in tokens:
        AuditEntry.objects.create(
            action="x.y", object_type="ocpi_tokens.token", object_id=str(token.pk), object_repr="t"
        )


def queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.fixture
def root(db, django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    return client


@pytest.mark.parametrize("page", LISTS)
def test_a_list_costs_the_same_queries_for_one_row_and_for_many(root, page):
    seed(1)
    one = queries(root, f"/admin/{page}/")
    seed(12)
    assert LISTS[page]._default_manager.count() >= 12
    assert queries(root, f"/admin/{page}/") == one


@pytest.mark.parametrize("page", LISTS)
def test_a_detail_page_stays_within_a_few_queries(root, page, django_assert_max_num_queries: Callable):
    seed(3)
    row = LISTS[page]._default_manager.order_by("pk").first()
    assert row is not None
    with django_assert_max_num_queries(DETAIL_BOUND):
        response = root.get(f"/admin/{page}/{row.pk}/change/")
    assert response.status_code == 200
