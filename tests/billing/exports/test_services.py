"""Closing a month into the ledger: by stop time (UTC), each CDR once per kind, the same rows on
every later export, credits kept as credits, currencies never added together."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest

from billing.exports import services
from billing.exports.services import ExportRequest, export_create
from billing.models import BilledCdr, BillingExport, CdrRetail
from tests.billing.exports.makers import driver, priced_cdr
from tests.billing.makers import partner, publish, two_euro_tariff

pytestmark = pytest.mark.django_db

JAN, FEB, MAR = date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)


def export(
    kind: str, period: date = FEB, *, partner_id: int | None = None
) -> tuple[BillingExport, list[dict[str, str]]]:
    output = io.BytesIO()
    request = ExportRequest(kind=kind, period=period, format="csv", partner_id=partner_id)
    kept = export_create(request=request, output=output)
    return kept, list(csv.DictReader(io.StringIO(output.getvalue().decode())))


@pytest.fixture
def owner():
    owner = partner()
    publish(owner, two_euro_tariff())
    return owner


def test_it_bills_a_cdr_in_the_month_its_session_stopped_in_utc(owner):
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "JAN", stop="2026-01-31T23:59:59Z")
    priced_cdr(owner, "FEB-FIRST", stop="2026-02-01T00:00:00Z")
    priced_cdr(owner, "FEB-LAST", stop="2026-02-28T23:59:59Z")
    priced_cdr(owner, "MAR", stop="2026-03-01T00:00:00Z")
    services.period_bill(kind="partners", period=JAN)
    services.period_bill(kind="partners", period=FEB)
    by_month = dict(BilledCdr.objects.filter(kind="partners").values_list("cdr__ocpi_id", "period"))
    assert by_month == {"JAN": JAN, "FEB-FIRST": FEB, "FEB-LAST": FEB}  # March is not closed yet


def test_it_gives_the_same_rows_when_a_month_is_exported_again(owner):
    driver("NL-EMS-C00000001-X")
    cdr_pk = priced_cdr(owner, "A", total_cost=4.25)
    first, first_rows = export("partners")
    # Re-pricing after the month was closed changes nothing already billed...
    CdrRetail.objects.filter(cdr_id=cdr_pk).update(total=Decimal(99))
    publish(owner, two_euro_tariff(price=3.0, last_updated="2026-01-02T00:00:00Z"))
    # ...nor does a CDR of that month that arrives late: it waits for the next month closed.
    priced_cdr(owner, "LATE", stop="2026-02-10T10:00:00Z")
    again, again_rows = export("partners")
    assert again_rows == first_rows
    assert (again.checksum, again.row_count) == (first.checksum, first.row_count) == (first.checksum, 2)
    assert first.pk != again.pk  # both kept in the history
    _, march = export("partners", MAR)
    assert [row["cdr_id"] for row in march if row["row"] == "cdr"] == ["LATE"]
    assert march[0]["stop_date_time"] == "2026-02-10T10:00:00Z"  # its own stop time shows it is late


def test_it_bills_each_cdr_once_per_kind(owner):
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "A")
    export("customers")
    export("partners")
    export("customers", MAR)
    export("partners", MAR)
    assert sorted(BilledCdr.objects.values_list("cdr__ocpi_id", "kind", "period")) == [
        ("A", "customers", FEB),
        ("A", "partners", FEB),
    ]
    assert services.period_bill(kind="customers", period=FEB).cdr_count == 1


def test_it_writes_customer_invoice_lines_with_credits_as_credits(owner):
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "A", total_cost=4.25)
    priced_cdr(owner, "REFUND", total_cost=-1.50)
    _, rows = export("customers")
    # A: 4.25 + 10 % = 4.675 + 0.35 fee = 5.025 -> 5.03 net, VAT 21 % 1.06 -> 6.09
    # REFUND: -1.50 - 0.15 (no fee on a credit) = -1.65 net, VAT -0.35 -> -2.00
    # line: base 4.25 - 1.50 = 2.75, markup 0.78 - 0.15 = 0.63, VAT 0.71, total 4.09, credits -2.00
    assert rows == [
        {
            "period": "2026-02", "customer_id": rows[0]["customer_id"], "customer": rows[0]["customer"],
            "contract_id": "NL-EMS-C00000001-X", "currency": "EUR", "sessions": "2", "energy_kwh": "30.684",
            "duration_h": "3.9460", "cpo_cost": "2.75", "markup": "0.63", "vat": "0.71", "total": "4.09",
            "credits": "-2.00",
        }
    ]  # fmt: skip
    retail = dict(CdrRetail.objects.values_list("cdr__ocpi_id", "total"))
    assert retail == {"A": Decimal("6.09"), "REFUND": Decimal("-2.00")}


def test_it_never_adds_amounts_in_different_currencies(owner):
    driver("NL-EMS-C00000001-X")
    driver("GB-EMS-C00000002-X", currency="GBP", country="GB")
    priced_cdr(owner, "EUR-1", total_cost=4.0)
    priced_cdr(owner, "GBP-1", total_cost=3.0, currency="GBP", auth_id="GB-EMS-C00000002-X")
    priced_cdr(owner, "GBP-2", total_cost=5.0, currency="GBP", auth_id="GB-EMS-C00000002-X")
    _, lines = export("customers")
    assert sorted((line["currency"], line["sessions"], line["cpo_cost"]) for line in lines) == [
        ("EUR", "1", "4.00"),
        ("GBP", "2", "8.00"),
    ]
    _, settlement = export("partners")
    totals = [(row["currency"], row["cdrs"], row["cpo_total"]) for row in settlement if row["row"] == "total"]
    assert totals == [("EUR", "1", "4.00"), ("GBP", "2", "8.00")]


def test_it_settles_a_partner_with_its_totals_ours_and_the_differences(owner):
    other = partner("Other CPO", party_id="OTH")
    publish(other, two_euro_tariff())
    priced_cdr(owner, "EXACT", total_cost=4.0)  # 2 h × 2.00 = 4.00: ours too
    priced_cdr(owner, "HIGH", total_cost=4.5)
    priced_cdr(owner, "CREDIT", total_cost=-4.0)
    priced_cdr(other, "ELSEWHERE", total_cost=4.0)
    _, rows = export("partners", partner_id=owner.pk)
    cdrs = {row["cdr_id"]: (row["cpo_total"], row["our_total"], row["difference"], row["flagged"]) for row in rows}
    assert cdrs == {
        "EXACT": ("4.00", "4.00", "0.00", "no"),
        "HIGH": ("4.50", "4.00", "0.50", "yes"),
        "CREDIT": ("-4.00", "4.00", "-8.00", "yes"),
        "": ("4.50", "12.00", "-7.50", "2"),  # the total row: CPO, ours, difference, flagged count
    }
    assert [row["cdrs"] for row in rows if row["row"] == "total"] == ["3"]


def test_it_leaves_a_cdr_without_a_drivers_price_unbilled_for_customers(owner):
    priced_cdr(owner, "NOBODY", auth_id="NL-EMS-UNKNOWN")
    _, lines = export("customers")
    assert lines == []
    assert not BilledCdr.objects.filter(kind="customers").exists()
    _, rows = export("partners")
    assert [row["cdr_id"] for row in rows if row["row"] == "cdr"] == ["NOBODY"]


def test_it_rounds_to_the_minor_unit_of_the_currency(owner):
    driver("JP-EMS-C00000003-X", currency="JPY", country="NL", fee_per_session="0")
    priced_cdr(owner, "YEN", total_cost=1234.0, currency="JPY", auth_id="JP-EMS-C00000003-X")
    _, lines = export("customers")
    # 1234 + 10 % = 1357.4 -> 1357; VAT 21 % = 284.97 -> 285; total 1642
    line = lines[0]
    assert (line["cpo_cost"], line["markup"], line["vat"], line["total"]) == ("1234", "123", "285", "1642")


def test_it_keeps_each_export_with_its_checksum_and_who_asked(owner, django_user_model):
    import hashlib

    user = django_user_model.objects.create_user("finance")
    priced_cdr(owner, "A")
    output = io.BytesIO()
    kept = export_create(
        request=ExportRequest(kind="partners", period=FEB, format="jsonl", created_by_id=user.pk), output=output
    )
    with kept.file.open("rb") as stored:
        content = stored.read()
    assert content == output.getvalue()
    assert kept.checksum == hashlib.sha256(content).hexdigest()
    assert (kept.row_count, kept.created_by, kept.format) == (2, user, "jsonl")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_exports_closing_the_same_month_at_once_bill_each_cdr_once():
    import threading

    from django.db import connection

    owner = partner()
    publish(owner, two_euro_tariff())
    for n in range(20):
        priced_cdr(owner, f"C{n}")
    barrier, errors, counts = threading.Barrier(4), [], []

    def worker():
        try:
            barrier.wait()
            counts.append(services.period_bill(kind="partners", period=FEB).cdr_count)
        except Exception as exc:  # reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert counts == [20, 20, 20, 20]  # each found the month closed by the first, with its 20 CDRs
    assert BilledCdr.objects.filter(kind="partners", period=FEB).count() == 20
