"""The day's work in a real browser: Playwright for Python driving Debian's Chromium against the
live server, with the CPO simulator registered through the real handshake: log in, the
dashboard and the map, a customer and a token the CPO receives, a session started from the
admin, a flagged CDR, a month exported as CSV and XLSX and both files opened, and Support kept
away from billing and exports. Every page visited is saved as a screenshot under
test-artifacts/console/.

Chromium comes from Debian (``.ci/run`` installs the ``chromium`` package when missing); without
it these tests are skipped here and fail on CI."""

from __future__ import annotations

import csv
import os
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
import pytest
from django.contrib.auth.models import Group, User
from django.utils import timezone
from playwright.sync_api import Browser, Page, Response, sync_playwright

from console.roles import BILLING, SUPPORT
from customers.models import Customer
from ocpi.sessions.models import Session
from ocpi.tokens import outbox
from ocpi.tokens.models import Token
from sync.services import sync_run
from tests.billing.exports.makers import driver, priced_cdr
from tests.billing.makers import partner as billing_partner
from tests.billing.makers import publish, two_euro_tariff
from tests.console import makers
from tests.customers.makers import plan as make_plan
from tests.ocpi.commands.conftest import Cpo, eventually

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
PASSWORD = "a-long-browser-password"


if not CHROMIUM.exists():
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium package")
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    # Playwright's sync API keeps an event loop running in this thread while the browser is
    # open; the ORM calls of the tests (and their database teardown) are still plain
    # synchronous code between browser steps, which Django would otherwise refuse.
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--headless", "--no-sandbox"])
            yield launched
            launched.close()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture
def page(browser: Browser, live_server, request, settings) -> Iterator[Pilot]:
    # No tile server out there: the map asks our own server (404s, an empty background).
    settings.CONSOLE_MAP_TILE_URL = "/static/console/no-tiles/{z}/{x}/{y}.png"
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pilot = Pilot(context.new_page(), live_server.url, request.node.name)
    yield pilot
    context.close()


class Pilot:
    """A browser tab on the live server that saves a screenshot of every page it shows."""

    def __init__(self, tab: Page, base_url: str, test_name: str) -> None:
        self.tab = tab
        self.base_url = base_url
        self.folder = ARTIFACTS / test_name
        self.folder.mkdir(parents=True, exist_ok=True)
        self.shots = 0

    def open(self, path: str) -> Response | None:
        response = self.tab.goto(self.base_url + path)
        self.shot(path)
        return response

    def shot(self, label: str) -> None:
        self.shots += 1
        name = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-") or "page"
        self.tab.screenshot(path=str(self.folder / f"{self.shots:02d}-{name[:60]}.png"), full_page=True)

    def log_in(self, username: str) -> None:
        self.open("/admin/login/")
        self.tab.fill("#id_username", username)
        self.tab.fill("#id_password", PASSWORD)
        self.tab.click("input[type=submit]")
        self.tab.wait_for_selector("#console-dashboard")
        self.shot("dashboard after login")

    def text(self, selector: str) -> str:
        return self.tab.inner_text(selector)

    def submit(self, label: str, button: str = "input[name=_save]") -> None:
        self.tab.click(button)
        self.tab.wait_for_load_state()
        self.shot(label)


def staff_user(username: str, *roles: str, superuser: bool = False) -> User:
    user = User.objects.create_user(username, password=PASSWORD, is_staff=True, is_superuser=superuser)
    user.groups.add(*Group.objects.filter(name__in=roles))
    return user


def test_a_staff_member_logs_in_and_sees_the_simulators_network(page, cpo_sim: Cpo):
    assert sync_run(partner_id=cpo_sim.partner.pk, module="locations").status == "SUCCEEDED"
    staff_user("ops", superuser=True)
    page.log_in("ops")
    health = page.text("#partner-health")
    assert cpo_sim.partner.name in health
    assert "registered (2.1.1)" in health
    row = health[health.index(cpo_sim.partner.name) :].splitlines()[0]
    assert "ago" in row  # the locations pull just made
    page.tab.click("#figure-map a")
    page.tab.wait_for_selector("#locations-map[data-markers]")
    page.tab.wait_for_selector(".leaflet-interactive")
    page.shot("locations map")
    assert page.tab.get_attribute("#locations-map", "data-markers") == "4"
    assert page.tab.locator(".leaflet-interactive").count() == 4


def test_staff_issue_a_token_the_cpo_receives_and_start_a_session_with_it(page, cpo_sim: Cpo):
    plan = make_plan(name="Standard")
    staff_user("support", SUPPORT)
    page.log_in("support")

    page.open("/admin/customers/customer/add/")
    page.tab.fill("#id_name", "Browser Driver")
    page.tab.fill("#id_email", "browser.driver@example.com")
    page.tab.fill("#id_contract_id", "NL-EMS-C77700001")
    page.tab.fill("#id_billing_country", "NL")
    page.tab.select_option("#id_pricing_plan", str(plan.pk))
    page.submit("customer saved")
    customer = Customer.objects.get(contract_id="NL-EMS-C77700001")

    page.open(f"/admin/ocpi_tokens/token/add/?customer={customer.pk}")
    page.tab.fill("#id_uid", "BROWSER0001")
    page.tab.fill("#id_issuer", "Open eMSP")
    page.submit("token saved")
    token = Token.objects.get(uid="BROWSER0001")
    assert token.customer_id == customer.pk
    assert outbox.outbox_drain(partner_id=cpo_sim.partner.pk).sent >= 1
    received = cpo_sim.sim.tokens.get("BROWSER0001")
    assert received is not None
    assert (received["auth_id"], received["valid"]) == ("NL-EMS-C77700001", True)

    evse_uid, _ = cpo_sim.evse("LOC0000002")
    page.open("/admin/ocpi_commands/command/start/")
    page.tab.select_option("#id_partner", str(cpo_sim.partner.pk))
    page.tab.fill("#id_token_uid", "BROWSER0001")
    page.tab.fill("#id_location_id", "LOC0000002")
    page.tab.fill("#id_evse_uid", evse_uid)
    page.submit("start session sent", "#content form [type=submit]")
    assert re.search(r"START_SESSION #\d+ to .*: (accepted|finished)", page.text(".messagelist"), re.I)
    cpo_sim.quiet()
    eventually(lambda: Session.objects.filter(partner=cpo_sim.partner, auth_id="NL-EMS-C77700001").exists())
    page.open("/admin/ocpi_sessions/session/?q=NL-EMS-C77700001")
    assert "NL-EMS-C77700001" in page.text("#result_list")
    page.open("/admin/")
    assert page.text("#figure-charging-now .figure") == str(Session.objects.filter(status="ACTIVE").count())


def test_a_flagged_cdr_is_one_click_from_the_dashboard_and_support_cannot_reach_billing(page, db):
    owner = makers.partner("Flagging CPO")
    flagged = makers.cdrs(owner, 3, flagged=1, start=timezone.now())[0]
    staff_user("finance", superuser=True)
    page.log_in("finance")
    assert page.text("#figure-flagged-cdrs .figure") == "1"
    page.tab.click("#figure-flagged-cdrs a")
    page.tab.wait_for_selector("#result_list")
    page.shot("flagged cdrs")
    assert flagged.ocpi_id in page.text("#result_list")
    assert page.tab.locator("#result_list tbody tr").count() == 1

    page.tab.context.clear_cookies()
    staff_user("helpdesk", SUPPORT)
    page.log_in("helpdesk")
    assert page.tab.locator("#figure-flagged-cdrs").count() == 0
    response = page.open("/admin/billing/cdrpricing/")
    assert response is not None
    assert response.status == 403


def test_billing_exports_a_month_as_csv_and_xlsx_and_support_cannot_reach_exports(page, db, settings, tmp_path):
    settings.BILLING_EXPORT_ROOT = tmp_path / "exports"
    owner = billing_partner()
    publish(owner, two_euro_tariff())
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "FEBRUARY-1", total_cost=4.5)
    staff_user("accounts", BILLING)
    page.log_in("accounts")
    opened: dict[str, list[list[str]]] = {}
    for file_format in ("csv", "xlsx"):
        page.open("/admin/billing/billingexport/add/")
        page.tab.select_option("#id_kind", "customers")
        page.tab.fill("#id_period", "2026-02")
        page.tab.select_option("#id_format", file_format)
        with page.tab.expect_download() as download:
            page.tab.click("#content form input.default[type=submit]")
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
        opened[file_format] = read_rows(saved)
    # The same month, the same rows, in two formats (XLSX keeps numbers as numbers).
    assert [[number(cell) for cell in row] for row in opened["csv"]] == [
        [number(cell) for cell in row] for row in opened["xlsx"]
    ]
    assert len(opened["csv"]) >= 2
    assert any("NL-EMS-C00000001-X" in row for row in opened["csv"])
    page.open("/admin/billing/billingexport/")
    assert page.tab.locator("#result_list tbody tr").count() == 2

    page.tab.context.clear_cookies()
    staff_user("helpdesk", SUPPORT)
    page.log_in("helpdesk")
    for path in ("/admin/billing/billingexport/", "/admin/billing/billingexport/add/"):
        response = page.open(path)
        assert response is not None
        assert response.status == 403, path


def read_rows(path: Path) -> list[list[str]]:
    """Every row of a downloaded export as strings, whichever the format."""
    if path.suffix == ".csv":
        with path.open(newline="", encoding="utf-8") as handle:
            return [row for row in csv.reader(handle) if row]
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [
        ["" if cell is None else str(cell) for cell in row]
        for sheet in workbook.worksheets
        for row in sheet.iter_rows(values_only=True)
        if any(cell is not None for cell in row)
    ]


def number(cell: str) -> object:
    try:
        return Decimal(cell)
    except InvalidOperation:
        return cell
