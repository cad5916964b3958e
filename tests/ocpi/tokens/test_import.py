"""``manage.py tokens_import FILE.csv``: validated rows, rejected rows with line and reason, idempotent."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from ocpi.tokens.importing import tokens_import
from ocpi.tokens.models import Token
from tests.customers.makers import customer
from tests.ocpi.tokens.test_schemas import INVALID, data_of

pytestmark = pytest.mark.django_db
HEADER = ["uid", "type", "auth_id", "visual_number", "issuer", "valid", "whitelist", "language", "customer_email"]


@pytest.fixture
def ann():
    return customer(email="ann@example.com", contract_id="NL-EMS-ANN")


def row(**overrides):
    values = {
        "uid": "04A1", "type": "RFID", "auth_id": "NL-EMS-ANN", "visual_number": "NL-EMS-0001",
        "issuer": "Open eMSP", "valid": "true", "whitelist": "ALLOWED", "language": "nl",
        "customer_email": "Ann@example.com",
    }  # fmt: skip
    values.update(overrides)
    return values


def write_csv(tmp_path: Path, rows, header=HEADER, name="tokens.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def run(path: Path) -> dict:
    out = io.StringIO()
    call_command("tokens_import", str(path), "--json", stdout=out)
    return json.loads(out.getvalue())


def test_it_imports_rows_as_tokens_of_the_named_customers(tmp_path, ann):
    path = write_csv(tmp_path, [row(), row(uid="04A2", type="OTHER", visual_number="", language="", valid="0")])
    assert run(path) == {"created": 2, "updated": 0, "unchanged": 0, "rejected": []}
    first, second = Token.objects.order_by("uid")
    assert (first.uid, first.customer, first.auth_id, first.valid, first.language) == (
        "04A1", ann, "NL-EMS-ANN", True, "nl",
    )  # fmt: skip
    assert (second.type, second.valid, second.visual_number, second.language) == ("OTHER", False, "", "")


def test_it_changes_nothing_when_the_same_file_is_imported_again(tmp_path, ann):
    path = write_csv(tmp_path, [row(uid=f"U{number}") for number in range(5)])
    run(path)
    before = dict(Token.objects.values_list("uid", "last_updated"))
    assert run(path) == {"created": 0, "updated": 0, "unchanged": 5, "rejected": []}
    assert dict(Token.objects.values_list("uid", "last_updated")) == before


def test_it_updates_only_the_changed_rows_and_bumps_only_their_last_updated(tmp_path, ann):
    run(write_csv(tmp_path, [row(uid="A"), row(uid="B")]))
    before = dict(Token.objects.values_list("uid", "last_updated"))
    report = run(write_csv(tmp_path, [row(uid="A"), row(uid="B", valid="false")], name="again.csv"))
    assert (report["updated"], report["unchanged"]) == (1, 1)
    after = dict(Token.objects.values_list("uid", "last_updated"))
    assert after["A"] == before["A"]
    assert after["B"] > before["B"]
    assert Token.objects.get(uid="B").valid is False


def test_it_reports_rejected_rows_with_line_number_and_reason_and_imports_the_rest(tmp_path, ann):
    customer(email="bob@example.com", contract_id="NL-EMS-BOB")
    rows = [
        row(uid="GOOD1"),
        row(uid="", issuer="x"),
        row(uid="LONGISSUER", issuer="X" * 65),
        row(uid="BADVALID", valid="maybe"),
        row(uid="NOCUSTOMER", customer_email="nobody@example.com"),
        row(uid="WRONGAUTH", customer_email="bob@example.com"),
        row(uid="GOOD1", issuer="repeated"),
        row(uid="BADWHITE", whitelist="SOMETIMES"),
        row(uid="GOOD2"),
    ]
    report = run(write_csv(tmp_path, rows))
    assert report["created"] == 2
    reasons = {(item["line"], item["uid"]): item["reason"] for item in report["rejected"]}
    assert list(reasons) == [
        (3, ""), (4, "LONGISSUER"), (5, "BADVALID"), (6, "NOCUSTOMER"), (7, "WRONGAUTH"), (8, "GOOD1"), (9, "BADWHITE"),
    ]  # fmt: skip
    assert reasons[(3, "")].startswith("uid: ")
    assert reasons[(4, "LONGISSUER")].startswith("issuer: ")
    assert reasons[(5, "BADVALID")].startswith("valid: ")
    assert reasons[(6, "NOCUSTOMER")].startswith("customer_email: ")
    assert reasons[(7, "WRONGAUTH")].startswith("auth_id: ")
    assert reasons[(8, "GOOD1")].startswith("uid: repeated")
    assert reasons[(9, "BADWHITE")].startswith("whitelist: ")
    assert set(Token.objects.values_list("uid", flat=True)) == {"GOOD1", "GOOD2"}


# A CSV row has no last_updated (we set it), no extra property and no null: those payloads do not apply.
NOT_IN_CSV = ("ko_no_last_updated", "ko_last_updated_invalid", "ko_unallowed_property", "ko_language_is_null")
CSV_EXPRESSIBLE = [path for path in INVALID if path.stem not in NOT_IN_CSV]


@pytest.mark.parametrize("path", CSV_EXPRESSIBLE, ids=lambda path: path.stem)
def test_it_refuses_each_chargemap_invalid_token_as_a_csv_row(tmp_path, ann, path):
    data = data_of(path)
    cells = {name: data.get(name, "") for name in HEADER}
    cells["valid"] = str(cells["valid"]).lower() if isinstance(cells["valid"], bool) else cells["valid"]
    cells.update(customer_email="ann@example.com")
    if cells["auth_id"] == "DE8ACC12E46L89":
        cells["auth_id"] = "NL-EMS-ANN"
    report = run(write_csv(tmp_path, [cells]))
    assert report["created"] == 0
    assert len(report["rejected"]) == 1, report
    assert report["rejected"][0]["line"] == 2


def test_it_writes_in_batches(tmp_path, ann, django_assert_max_num_queries):
    path = write_csv(tmp_path, [row(uid=f"B{number:04d}") for number in range(250)])
    with path.open(encoding="utf-8", newline="") as stream, django_assert_max_num_queries(40):
        report = tokens_import(stream=stream, batch_size=100)
    assert report.created == 250
    assert Token.objects.count() == 250


def test_it_prints_a_summary_line_and_the_rejected_rows(tmp_path, ann):
    path = write_csv(tmp_path, [row(), row(uid="X", whitelist="NOPE")])
    out = io.StringIO()
    call_command("tokens_import", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("line 3: X: whitelist: ")
    assert lines[-1] == "1 created, 0 updated, 0 unchanged, 1 rejected"


def test_it_fails_without_a_valid_header(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("uid;type;issuer\n1;RFID;x\n", encoding="utf-8")
    with pytest.raises(CommandError, match="lacks the column"):
        call_command("tokens_import", str(path))
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(CommandError, match="empty"):
        call_command("tokens_import", str(empty))


def test_it_fails_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("tokens_import", str(tmp_path / "missing.csv"))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(",".join(HEADER).encode() + b"\n\xff\xfe\x00garbage\n")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("tokens_import", str(binary))


def test_it_exits_non_zero_from_the_command_line(tmp_path):
    import subprocess
    import sys

    from django.conf import settings

    result = subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "tokens_import", str(tmp_path / "missing.csv")],
        cwd=settings.BASE_DIR, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode != 0
    assert "cannot read" in result.stderr
