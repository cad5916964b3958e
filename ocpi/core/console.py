"""Pieces the module rooms' admin consoles share (STYLE habit 13: partner-owned data is read-only)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString


class ReadOnly:
    """Mix into a ModelAdmin or an inline: staff look, never add, change or delete."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def json_block(data: Any) -> SafeString:
    """A stored OCPI object as indented JSON, for the "as received" part of a detail page."""
    return format_html("<pre>{}</pre>", json.dumps(data, indent=2, ensure_ascii=False))


def periods_table(periods: list[dict[str, Any]]) -> SafeString:
    """ChargingPeriods (Sessions and CDRs) as a table: one row per period, dimensions as ``TYPE volume``."""
    if not periods:
        return format_html("{}", "—")
    rows = format_html_join(
        "",
        "<tr><td>{}</td><td>{}</td></tr>",
        (
            (period.get("start_date_time", ""), ", ".join(f"{d['type']} {d['volume']}" for d in period["dimensions"]))
            for period in periods
        ),
    )
    return format_html("<table><tr><th>start</th><th>dimensions</th></tr>{}</table>", rows)
