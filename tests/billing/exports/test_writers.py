"""The three formats carry the same rows: CSV text, JSON lines with exact money as strings,
XLSX with numbers; each streamed in chunks that add up to the file kept."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

from openpyxl import load_workbook

from billing.exports import writers
from billing.exports.selectors import Table

HEADER = ["row", "stop", "currency", "total", "note"]
ROWS = [
    ["cdr", datetime(2026, 2, 1, 0, 0, 1, tzinfo=UTC), "EUR", Decimal("-1.50"), None],
    ["cdr", datetime(2026, 2, 2, 12, 0, tzinfo=UTC), "JPY", Decimal("1642"), 'a "quoted", note'],
]


def written(format: str, rows: list[list] = ROWS) -> tuple[bytes, bytes, int]:
    table = Table(list(HEADER), iter(rows))
    copy = io.BytesIO()
    streamed = b"".join(writers.write(table, format, copy))
    return streamed, copy.getvalue(), table.rows_written


def test_it_writes_csv_with_utc_times_and_exact_money():
    streamed, kept, count = written("csv")
    assert streamed == kept
    assert count == 2
    assert list(csv.reader(io.StringIO(streamed.decode()))) == [
        HEADER,
        ["cdr", "2026-02-01T00:00:01Z", "EUR", "-1.50", ""],
        ["cdr", "2026-02-02T12:00:00Z", "JPY", "1642", 'a "quoted", note'],
    ]


def test_it_writes_json_lines_with_money_as_strings():
    streamed, kept, _ = written("jsonl")
    assert streamed == kept
    lines = [json.loads(line) for line in streamed.decode().splitlines()]
    assert lines[0] == {"row": "cdr", "stop": "2026-02-01T00:00:01Z", "currency": "EUR", "total": "-1.50", "note": None}
    assert lines[1]["total"] == "1642"


def test_it_writes_xlsx_with_numbers():
    streamed, kept, _ = written("xlsx")
    assert streamed == kept
    sheet = load_workbook(io.BytesIO(streamed), read_only=True).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    assert values[1][:4] == ["cdr", "2026-02-01T00:00:01Z", "EUR", -1.5]  # a credit is a negative number
    assert values[2][3] == 1642


def test_it_streams_a_large_csv_in_chunks_not_at_once():
    many = [["cdr", datetime(2026, 2, 1, tzinfo=UTC), "EUR", Decimal("1.00"), "x" * 50] for _ in range(10_000)]
    table = Table(list(HEADER), iter(many))
    chunks = list(writers.write(table, "csv", io.BytesIO()))
    assert len(chunks) > 5
    assert max(len(chunk) for chunk in chunks) < 2 * writers.FLUSH


def test_it_goes_on_in_another_sheet_past_the_rows_a_sheet_holds(monkeypatch):
    monkeypatch.setattr(writers, "SHEET_ROWS", 1)  # XLSX's 1,048,575, made small
    streamed, _, count = written("xlsx")
    book = load_workbook(io.BytesIO(streamed), read_only=True)
    assert book.sheetnames == ["export", "export 2"]
    assert [row[2] for row in book["export 2"].iter_rows(values_only=True)] == ["currency", "JPY"]
    assert count == 2
