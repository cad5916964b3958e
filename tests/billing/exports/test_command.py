"""billing_export: a month's export to a file from the command line, kept like the admin's."""

from __future__ import annotations

import hashlib
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from billing.models import BillingExport
from tests.billing.exports.makers import driver, priced_cdr
from tests.billing.makers import partner, publish, two_euro_tariff

pytestmark = pytest.mark.django_db


def export(*args: str) -> str:
    out = StringIO()
    call_command("billing_export", *args, stdout=out)
    return out.getvalue().strip()


@pytest.fixture
def owner():
    owner = partner()
    publish(owner, two_euro_tariff())
    driver("NL-EMS-C00000001-X")
    priced_cdr(owner, "A", total_cost=4.0)
    return owner


def test_it_writes_the_file_and_says_what_it_kept(owner, tmp_path):
    output = tmp_path / "feb.csv"
    result = json.loads(
        export("--period", "2026-02", "--kind", "partners", "--format", "csv", "--output", str(output), "--json")
    )
    content = output.read_bytes()
    kept = BillingExport.objects.get()
    assert result == {
        "id": kept.pk, "kind": "partners", "period": "2026-02", "format": "csv", "rows": 2,
        "sha256": hashlib.sha256(content).hexdigest(), "output": str(output),
    }  # fmt: skip
    assert kept.created_by is None
    assert content.startswith(b"row,partner,")


def test_it_gives_the_same_file_when_run_again(owner, tmp_path):
    args = ("--period", "2026-02", "--kind", "customers", "--format", "jsonl")
    first = export(*args, "--output", str(tmp_path / "1.jsonl"))
    priced_cdr(owner, "LATE", stop="2026-02-20T10:00:00Z")  # arrives after the month was closed
    second = export(*args, "--output", str(tmp_path / "2.jsonl"))
    assert first == second  # "1 row(s) of customers 2026-02 written (<same sha256>)"
    assert (tmp_path / "1.jsonl").read_bytes() == (tmp_path / "2.jsonl").read_bytes()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--period", "2026-2x"), "--period: expected YYYY-MM, got '2026-2x'"),
        (("--period", "2026-02", "--partner", "999"), "--partner: no partner 999"),
        (("--period", "2026-02", "--customer", "999"), "--customer: no customer 999"),
        (("--period", "2026-02", "--output", "/nonexistent/dir/x.csv"), "--output: "),
    ],
)
def test_it_names_the_wrong_argument(owner, tmp_path, args, message):
    defaults = {"--kind": "partners", "--format": "csv", "--output": str(tmp_path / "x.csv")}
    given = dict(zip(args[::2], args[1::2], strict=True))
    argv = [item for pair in {**defaults, **given}.items() for item in pair]
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        export(*argv)
    assert not BillingExport.objects.exists()
