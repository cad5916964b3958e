"""Pieces the module rooms' admin consoles share (STYLE habit 13: partner-owned data is read-only)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, ClassVar

from django.contrib.admin.utils import get_fields_from_path
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


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


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list from PostgreSQL's statistics (``pg_class.reltuples``, kept by
    autovacuum and ANALYZE) once the table is past ``EXACT_UP_TO`` rows: ``COUNT(*)`` of a
    table of millions costs a scan on every page view. Filtered lists are counted exactly."""

    EXACT_UP_TO = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if (
            isinstance(queryset, QuerySet)
            and not queryset.query.where
            and connections[queryset.db].vendor == "postgresql"
        ):
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [queryset.model._meta.db_table]
                )
                row = cursor.fetchone()
            if row and row[0] > self.EXACT_UP_TO:
                return int(row[0])
        return int(super().count)


class LargeList:
    """Mix into the ModelAdmin of a table that grows large (1,000,000 tokens, 100,000s of
    sessions): one count per page (no "N total" beside a filtered count), an estimated count
    unfiltered, and search first by prefix through each field's index: each of
    ``search_fields`` that has an index is matched from its start (as typed, upper-cased and
    lower-cased) in one indexed UNION. Only when that finds nothing does the usual search for the term anywhere in
    the fields run (a scan of the table: slower, but nothing findable is lost)."""

    show_full_result_count = False
    paginator: ClassVar[type] = EstimatedCountPaginator
    search_help_text: ClassVar[StrOrPromise | None] = (
        "Ids, contract ids and e-mail addresses are found fastest typed from their start; "
        "other text is searched anywhere (slower)."
    )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        term = search_term.strip()
        fields: tuple[str, ...] = tuple(getattr(self, "search_fields", ()) or ())
        if term and fields:
            manager = queryset.model._default_manager
            parts = [
                manager.filter(**{f"{field}__startswith": variant}).order_by().values("pk")
                for field in _indexed(queryset.model, fields)
                for variant in dict.fromkeys((term, term.upper(), term.lower()))
            ]
            by_prefix = queryset.filter(pk__in=parts[0].union(*parts[1:])) if parts else queryset.none()
            if parts and by_prefix.exists():
                return by_prefix, False
        return super().get_search_results(request, queryset, search_term)  # type: ignore[misc]


def _indexed(model: type[Any], paths: tuple[str, ...]) -> list[str]:
    """The search field paths whose last field has an index of its own (unique or db_index)."""
    found = []
    for raw in paths:
        path = raw.lstrip("^=@")
        last = get_fields_from_path(model, path)[-1]
        if getattr(last, "unique", False) or getattr(last, "db_index", False):
            found.append(path)
    return found
