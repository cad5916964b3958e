"""The dashboard on the admin's front page: today's figures, the 30-day chart, partner health,
what needs attention; each figure links to its filtered list; bounded queries; per role."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from billing.models import CdrRetail
from console.roles import BILLING, SUPPORT
from tests.console import makers

MAX_QUERIES = 25


def seed(rows: int = 3) -> None:
    owner = makers.partner("Alpha CPO")
    tokens = makers.customers_and_tokens(rows)
    makers.sessions(owner, rows * 2, tokens=tokens, active=2, start=midnight() + timedelta(minutes=90))
    cdrs = makers.cdrs(owner, rows, flagged=2, conflicts=1)
    CdrRetail.objects.bulk_create(
        CdrRetail(cdr=cdr, base_source="cpo", currency="EUR", total=Decimal("10.00"), computed_at=timezone.now())
        for cdr in cdrs
    )
    makers.commands(owner, 4)
    makers.commands(owner, 1, state="TIMEOUT")
    makers.token_pushes(owner, tokens[:1])
    makers.token_pushes(makers.partner("Beta CPO"), tokens, state="DEAD")
    makers.journal(owner, 2, http_status=500)
    makers.sync_runs(owner, modules=("locations",))


def midnight() -> datetime:
    return timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)


def started_today() -> int:
    """Seeded sessions start at 01:30 and 00:30 today, then hourly into yesterday."""
    return sum(midnight() + timedelta(minutes=minutes) <= timezone.now() for minutes in (30, 90))


def figure(page: str, name: str) -> tuple[str, str]:
    """The number and the link of one figure."""
    match = re.search(rf'id="figure-{name}"><a href="([^"]+)"><span class="figure[^"]*">\s*([^<]+)</span>', page)
    assert match, f"no figure {name}"
    return match.group(2).strip(), match.group(1).replace("&amp;", "&")


@pytest.fixture
def root(db, django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    return client


def test_it_shows_todays_figures_linked_to_their_lists(root):
    seed()
    page = root.get("/admin/").content.decode()
    assert figure(page, "charging-now")[0] == "2"
    assert figure(page, "sessions-today")[0] == str(started_today())
    assert figure(page, "flagged-cdrs")[0] == "2"
    assert figure(page, "conflicts")[0] == "1"
    assert figure(page, "commands-pending")[0] == "4"
    assert figure(page, "commands-failed")[0] == "1"
    for name, rows in (("charging-now", 2), ("flagged-cdrs", 2), ("conflicts", 1), ("commands-pending", 4),
                       ("commands-failed", 1)):  # fmt: skip
        assert listed(root, figure(page, name)[1]) == rows, name


def listed(client: Client, url: str) -> int:
    """How many rows a changelist says it holds."""
    response = client.get(url)
    assert response.status_code == 200, url
    match = re.search(r'<p class="paginator">\s*(\d+)', response.content.decode())
    assert match, url
    return int(match.group(1))


def test_the_chart_has_a_bar_per_day_linking_to_that_days_sessions(root):
    seed()
    page = root.get("/admin/").content.decode()
    chart = page[page.index('<svg class="console-chart"') :]
    chart = chart[: chart.index("</svg>")]
    assert chart.count('class="bar"') == 30
    today = timezone.localdate()
    link = re.findall(r'<a href="([^"]+)"><rect class="bar"', chart)[-1].replace("&amp;", "&")
    assert f"start_datetime__day={today.day}" in link
    assert listed(root, link) == started_today()
    assert "cdn" not in page.lower()


def test_the_partner_health_table_shows_pulls_errors_and_push_backlog(root):
    seed()
    page = root.get("/admin/").content.decode()
    table = page[page.index('id="partner-health"') : page.index("</table>", page.index('id="partner-health"'))]
    alpha = table[table.index("Alpha CPO") : table.index("</tr>", table.index("Alpha CPO"))]
    beta = table[table.index("Beta CPO") : table.index("</tr>", table.index("Beta CPO"))]
    assert "ago" in alpha  # its last locations pull
    assert ">2</a>" in alpha  # two error answers in the journal
    assert "1 pending" in alpha
    assert "3 dead" in beta


def test_the_dashboard_costs_a_bounded_number_of_queries_whatever_the_data(root):
    seed(1)
    with CaptureQueriesContext(connection) as small:
        root.get("/admin/")
    seed(20)
    with CaptureQueriesContext(connection) as large:
        root.get("/admin/")
    assert len(large) == len(small) <= MAX_QUERIES


def test_each_role_sees_only_its_figures(staff, django_assert_max_num_queries: Callable):
    seed()
    support = staff("sup", SUPPORT).get("/admin/").content.decode()
    billing = staff("bill", BILLING).get("/admin/").content.decode()
    assert 'id="figure-charging-now"' in support
    assert 'id="figure-commands-pending"' in support
    assert 'id="figure-flagged-cdrs"' not in support
    assert 'id="figure-revenue-today"' not in support
    assert 'id="figure-flagged-cdrs"' in billing
    assert "30.00 EUR" in billing  # three CDRs of today at 10.00 each
    assert 'id="figure-commands-pending"' not in billing
    assert 'id="partner-health"' in support  # every role may see partners (read-only)
