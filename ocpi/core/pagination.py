"""Pagination of the lists we serve (reference §1.5, DESIGN.md §4).

Parameters ``offset``, ``limit``, ``date_from`` (inclusive) and ``date_to`` (exclusive); a bad
value is answered 2001 naming the parameter. ``limit`` is clamped to OCPI_PAGE_MAX_LIMIT and the
applied value is sent as ``X-Limit``. Order is creation order (the primary key).

Deep pages stay cheap: the ``Link`` to the next page carries, beside ``offset``, an
``after=<offset>:<key>`` (the last primary key served), so a client that follows ``Link`` is
served by an index range scan instead of an OFFSET scan, whatever the depth. A client that
computes offsets itself still gets correct pages through OFFSET.

The ``after`` of a ``Link`` also carries the ``X-Total-Count`` counted for the walk's first page
(``after=<offset>:<key>:<total>``), so the pages that follow do not count the window again
(counting a date window of 100,000 tokens costs ~25 ms a page): during a walk ``X-Total-Count``
is the count when the walk began.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Model, QuerySet
from django.http import QueryDict

from ocpi.core.errors import InvalidParameters
from ocpi.core.types import InvalidDateTime, parse_datetime

_MAX_INT_PARAM = 2**53
_INT_RE = re.compile(r"[+-]?[0-9]{1,30}")
_DIGITS_RE = re.compile(r"[0-9]{1,20}")


@dataclass(frozen=True)
class PageRequest:
    offset: int
    limit: int
    date_from: datetime | None = None
    date_to: datetime | None = None
    after: int | None = None
    total: int | None = None  # counted when the walk began (carried in ``after``)


@dataclass(frozen=True)
class Page:
    items: Sequence[Any]
    total: int
    request: PageRequest
    next_after: int | None  # primary key to continue after; None on the last page

    @property
    def has_next(self) -> bool:
        return self.next_after is not None


def parse_page_request(
    params: QueryDict | dict[str, str], *, default_limit: int | None = None, max_limit: int | None = None
) -> PageRequest:
    max_limit = max_limit or settings.OCPI_PAGE_MAX_LIMIT
    default_limit = min(default_limit or settings.OCPI_PAGE_DEFAULT_LIMIT, max_limit)
    limit = _int_param(params, "limit", default_limit, minimum=1)
    offset = _int_param(params, "offset", 0, minimum=0)
    after, total = _after_param(params, offset)
    return PageRequest(
        offset=offset,
        limit=min(limit, max_limit),
        date_from=_datetime_param(params, "date_from"),
        date_to=_datetime_param(params, "date_to"),
        after=after,
        total=total,
    )


def paginate(
    queryset: QuerySet[Any],
    page_request: PageRequest,
    *,
    date_field: str = "last_updated",
    count: Callable[[QuerySet[Any]], int] | None = None,
) -> Page:
    """One page of ``queryset`` (filtered by the date window) in primary-key order."""
    filtered = queryset
    if page_request.date_from is not None:
        filtered = filtered.filter(**{f"{date_field}__gte": page_request.date_from})
    if page_request.date_to is not None:
        filtered = filtered.filter(**{f"{date_field}__lt": page_request.date_to})
    if page_request.total is not None:
        total = page_request.total
    else:
        total = count(filtered) if count is not None else filtered.count()
    ordered = filtered.order_by("pk")
    limit = page_request.limit
    if page_request.after is not None:
        window = list(ordered.filter(pk__gt=page_request.after)[: limit + 1])
    elif page_request.offset >= total:
        window = []  # past the end: no OFFSET scan of the whole table for an absurd offset
    else:
        window = list(ordered[page_request.offset : page_request.offset + limit + 1])
    items = window[:limit]
    next_after = _pk(items[-1]) if len(window) > limit else None
    return Page(items=items, total=total, request=page_request, next_after=next_after)


def page_headers(page: Page, *, path: str, query: QueryDict | dict[str, str]) -> dict[str, str]:
    """``X-Total-Count``, ``X-Limit`` and, unless this is the last page, an absolute ``Link``
    that keeps every parameter of the request."""
    headers = {"X-Total-Count": str(page.total), "X-Limit": str(page.request.limit)}
    if page.has_next:
        params = _query_items(query)
        params["offset"] = str(page.request.offset + len(page.items))
        params["limit"] = str(page.request.limit)
        params["after"] = f"{params['offset']}:{page.next_after}:{page.total}"
        url = f"{settings.OCPI_BASE_URL}{path}?{urlencode(params)}"
        headers["Link"] = f'<{url}>; rel="next"'
    return headers


def _query_items(query: QueryDict | dict[str, str]) -> dict[str, str]:
    return {key: str(query.get(key, "")) for key in query}


def _pk(item: Any) -> int:
    return int(item.pk if isinstance(item, Model) else item["pk"])


def _int_param(params: QueryDict | dict[str, str], name: str, default: int, *, minimum: int) -> int:
    value = _optional_int_param(params, name)
    if value is None:
        return default
    if value < minimum:
        raise InvalidParameters(f"{name}: must be at least {minimum}, got {value}")
    return value


def _optional_int_param(params: QueryDict | dict[str, str], name: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    if not _INT_RE.fullmatch(str(raw)):
        raise InvalidParameters(f"{name}: expected an integer, got {raw!r}")
    value = int(raw)
    if value < 0:
        raise InvalidParameters(f"{name}: must not be negative, got {value}")
    if value > _MAX_INT_PARAM:
        raise InvalidParameters(f"{name}: must be at most {_MAX_INT_PARAM}, got {value}")
    return value


def _after_param(params: QueryDict | dict[str, str], offset: int) -> tuple[int | None, int | None]:
    """The keyset key and walk total of ``after=<offset>:<pk>[:<total>]``, used only when the
    request's offset is still the one they were issued for: a client that changes ``offset``
    (e.g. re-reads the previous page, as reference §1.5 advises) is served by that offset, and
    counted afresh."""
    raw = str(params.get("after") or "")
    parts = raw.split(":")
    if len(parts) not in (2, 3) or not all(_DIGITS_RE.fullmatch(part) for part in parts):
        if raw:
            raise InvalidParameters(f"after: expected <offset>:<key>:<total> as sent in Link, got {raw!r}")
        return None, None
    if int(parts[0]) != offset:
        return None, None
    return int(parts[1]), (int(parts[2]) if len(parts) == 3 else None)


def _datetime_param(params: QueryDict | dict[str, str], name: str) -> datetime | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    # A '+' of an offset that the client did not percent-encode arrives as a space.
    try:
        return parse_datetime(raw.replace(" ", "+"))
    except InvalidDateTime as exc:
        raise InvalidParameters(f"{name}: {exc}") from None
