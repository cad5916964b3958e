"""Exports in the console: a new export streamed with the filters asked, kept in the history
and downloadable again; only for holders of the export permission; printable invoices."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from billing.models import BillingExport
from tests.billing.exports.makers import driver, priced_cdr
from tests.billing.makers import partner, publish, two_euro_tariff

pytestmark = pytest.mark.django_db

ROOT = "/admin/billing/billingexport/"


def staff(*, permission: str | None = None, role: str | None = None) -> Client:
    user = User.objects.create_user(f"user{User.objects.count()}", is_staff=True)
    if permission:
        user.user_permissions.add(Permission.objects.get(codename=permission, content_type__app_label="billing"))
    if role:
        user.groups.add(Group.objects.get(name=role))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def month():
    owner = partner()
    other = partner("Other", party_id="OTH")
    publish(owner, two_euro_tariff())
    publish(other, two_euro_tariff())
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "MINE", total_cost=4.5)
    priced_cdr(other, "THEIRS", total_cost=4.0)
    return owner


def rows(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.DictReader(io.StringIO(body)))


def test_it_streams_a_new_export_with_its_filters_and_keeps_it(month):
    client = staff(permission="export_billing")
    response = client.post(
        f"{ROOT}add/", {"kind": "partners", "period": "2026-02", "format": "csv", "partner": month.pk}
    )
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Disposition"] == f'attachment; filename="partners-2026-02-partner{month.pk}.csv"'
    assert [row["cdr_id"] for row in rows(response) if row["row"] == "cdr"] == ["MINE"]
    kept = BillingExport.objects.get()
    assert (kept.kind, kept.partner, kept.row_count) == ("partners", month, 2)
    assert kept.created_by is not None
    assert kept.created_by.username == "user0"


def test_it_lists_the_history_and_downloads_the_same_file_again(month):
    client = staff(permission="export_billing")
    first = b"".join(client.post(f"{ROOT}add/", {"kind": "customers", "period": "2026-02", "format": "jsonl"}))
    kept = BillingExport.objects.get()
    page = client.get(ROOT).content.decode()
    assert "2026-02" in page
    assert kept.checksum in page
    assert "download" in page
    again = client.get(f"{ROOT}{kept.pk}/download/")
    assert b"".join(again) == first
    assert again["Content-Type"].startswith("application/jsonl")


def test_it_says_which_field_is_wrong(month):
    client = staff(permission="export_billing")
    page = client.post(f"{ROOT}add/", {"kind": "customers", "period": "2026-13", "format": "csv"}).content.decode()
    assert "period: expected YYYY-MM, got &#x27;2026-13&#x27;" in page
    page = client.post(
        f"{ROOT}add/", {"kind": "customers", "period": "2026-02", "format": "csv", "customer": "NOPE"}
    ).content.decode()
    assert "customer: no customer with contract id or id &#x27;NOPE&#x27;" in page
    assert not BillingExport.objects.exists()


def test_it_refuses_staff_without_the_export_permission(month):
    client = staff(role="Support")
    assert client.get(ROOT).status_code == 403
    assert client.post(f"{ROOT}add/", {"kind": "customers", "period": "2026-02", "format": "csv"}).status_code == 403
    assert client.get(f"{ROOT}invoice/", {"customer": "NL-EMS-C00000001-X", "period": "2026-02"}).status_code == 403
    assert not BillingExport.objects.exists()


def test_it_lets_the_billing_role_export(month):
    client = staff(role="Billing")
    response = client.post(f"{ROOT}add/", {"kind": "customers", "period": "2026-02", "format": "xlsx"})
    assert response.status_code == 200
    assert b"".join(response)[:2] == b"PK"  # a zip: the XLSX


def test_it_prints_a_customers_invoice_of_a_closed_month(month):
    client = staff(permission="export_billing")
    query = {"customer": "NL-EMS-C00000001-X", "period": "2026-02"}
    assert "has not been exported yet" in client.get(f"{ROOT}invoice/", query).content.decode()
    b"".join(client.post(f"{ROOT}add/", {"kind": "customers", "period": "2026-02", "format": "csv"}))
    page = client.get(f"{ROOT}invoice/", query).content.decode()
    assert "has not been exported yet" not in page
    # MINE: 4.50 + 10 % + 0.35 = 5.30 net, VAT 21 % 1.11 -> 6.41; THEIRS: 4.75 + 1.00 -> 5.75
    assert '<td class="n">6.41 EUR</td>' in page
    assert '<td class="n">5.75 EUR</td>' in page
    assert "<strong>12.16 EUR</strong>" in page
    assert "MINE" in page
    assert "THEIRS" in page
    assert client.get(f"{ROOT}invoice/", {"customer": "x", "period": "2026-02"}).status_code == 400
