"""CSV, JSON lines and XLSX from a ``Table``: each yields bytes as rows are written and keeps
a copy in ``copy`` (a binary file). Cells: str, int, Decimal (kept exact: text in CSV and JSON,
a number in XLSX), datetime (UTC, ISO 8601 with Z), None (empty)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import IO, Any

from openpyxl import Workbook

from billing.exports.selectors import Table

FLUSH = 64 * 1024
SHEET_ROWS = 1_048_575  # XLSX's limit less the header


def write(table: Table, format: str, copy: IO[bytes]) -> Iterator[bytes]:
    writer = {"csv": _csv, "jsonl": _jsonl, "xlsx": _xlsx}[format]
    yield from writer(table, copy)


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(cell)


def _buffered(lines: Iterator[str], copy: IO[bytes]) -> Iterator[bytes]:
    """Rows gathered into ~64 KiB chunks: one write and one HTTP chunk per chunk, not per row."""
    buffer = io.StringIO()
    for line in lines:
        buffer.write(line)
        if buffer.tell() >= FLUSH:
            chunk = buffer.getvalue().encode()
            copy.write(chunk)
            yield chunk
            buffer = io.StringIO()
    chunk = buffer.getvalue().encode()
    if chunk:
        copy.write(chunk)
        yield chunk


def _csv(table: Table, copy: IO[bytes]) -> Iterator[bytes]:
    line = io.StringIO()
    out = csv.writer(line, lineterminator="\r\n")

    # csv.writer writes to one StringIO; it is handed over whenever it has grown past FLUSH.
    def chunks() -> Iterator[str]:
        out.writerow(table.header)
        for row in table:
            out.writerow([_text(cell) for cell in row])
            if line.tell() >= FLUSH:
                yield line.getvalue()
                line.seek(0)
                line.truncate()
        yield line.getvalue()

    yield from _buffered(chunks(), copy)


def _json_cell(cell: Any) -> Any:
    if isinstance(cell, Decimal | datetime):
        return _text(cell)  # money stays exact: a string, not a float
    return cell


def _jsonl(table: Table, copy: IO[bytes]) -> Iterator[bytes]:
    header = table.header
    lines = (
        json.dumps(dict(zip(header, (_json_cell(cell) for cell in row), strict=True)), ensure_ascii=False) + "\n"
        for row in table
    )
    yield from _buffered(lines, copy)


def _xlsx(table: Table, copy: IO[bytes]) -> Iterator[bytes]:
    # write_only: openpyxl streams the rows to a temporary file; nothing is kept per row. A sheet
    # holds 1,048,576 rows: past that the rows go on in another sheet, under the header again.
    book = Workbook(write_only=True)
    sheet, in_sheet, sheets = book.create_sheet("export"), 0, 1
    sheet.append(table.header)
    for row in table:
        if in_sheet == SHEET_ROWS:
            sheets += 1
            sheet, in_sheet = book.create_sheet(f"export {sheets}"), 0
            sheet.append(table.header)
        sheet.append([_text(cell) if isinstance(cell, datetime) else cell for cell in row])
        in_sheet += 1
    book.save(copy)
    copy.seek(0)
    while chunk := copy.read(FLUSH):
        yield chunk
