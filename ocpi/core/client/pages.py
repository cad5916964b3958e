"""Walking a paginated list (reference §1.5): ``Link: <…>; rel="next"`` when the server sends
it, ``offset`` paging when it does not, one page in memory at a time."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

from ocpi.core.client.attempts import OcpiReply
from ocpi.core.client.errors import OcpiProtocolError
from ocpi.core.client.urls import QueryParams, full_url, split_query
from ocpi.core.journal import redact

# The package's name, as when the client was one module: logging configuration keeps matching.
logger = logging.getLogger("ocpi.core.client")

DEFAULT_MAX_PAGES = 10_000

_LINK_RE = re.compile(r'<(?P<url>[^>]*)>(?P<params>(?:[^,<"]|"[^"]*")*)')
_LINK_PARAM_RE = re.compile(r';\s*(?P<name>[^\s=;,]+)\s*(?:=\s*(?:"(?P<quoted>[^"]*)"|(?P<token>[^\s;,]*)))?')


@dataclass(frozen=True, slots=True)
class OcpiPage:
    """One page of a paginated list: its objects, the URL it came from, and the pagination
    headers (``total`` from ``X-Total-Count``, ``limit`` from ``X-Limit``; None when absent)."""

    objects: list[dict[str, Any]]
    url: str
    total: int | None
    limit: int | None


class PageReader:
    """Reads the pages of one list through ``get`` (a client's GET); ``secrets`` are redacted
    from every message."""

    def __init__(self, get: Callable[[str], OcpiReply], *, secrets: Iterable[str]) -> None:
        self._get = get
        self._secrets = tuple(secrets)

    def pages(self, url: str, params: QueryParams | None, *, limit: int | None, max_pages: int) -> Iterator[OcpiPage]:
        """The pages from ``url`` on; see ``OcpiClient.iter_pages``."""
        base_url, query = split_query(url)
        query.update({name: str(value) for name, value in (params or {}).items() if value is not None})
        if limit is not None:
            query["limit"] = str(limit)
        cursor = _OffsetCursor(base_url, query)
        try:
            next_url: str | None = full_url(base_url, query)
        except ValueError:  # requests' InvalidURL and MissingSchema
            raise OcpiProtocolError(f"GET {self._scrub(url)!r}: not a usable URL", method="GET") from None
        seen: set[str] = set()
        while next_url is not None:
            if next_url in seen:
                raise OcpiProtocolError(f"GET {self._scrub(next_url)}: the next page repeats a page already read")
            if len(seen) >= max_pages:
                raise OcpiProtocolError(f"GET {self._scrub(url)}: more than {max_pages} pages; stopped")
            page, count, link = self._fetch_page(next_url)
            seen.add(page.url)
            page_url, following = page.url, cursor.next_url(page, count, link)
            yield page
            del page  # the caller holds the page now; we keep none while fetching the next
            next_url = self._next_page_url(following, page_url=page_url)

    def _fetch_page(self, url: str) -> tuple[OcpiPage, int, str | None]:
        """One page, the number of items the server sent, and its ``rel="next"`` link."""
        reply = self._get(url)
        data = [] if reply.data is None else reply.data  # an empty list may be sent as null
        if not isinstance(data, list):
            raise OcpiProtocolError(
                f"GET {self._scrub(reply.url)}: a list was expected, got {type(data).__name__}",
                method="GET",
                url=self._scrub(reply.url),
            )
        objects = [item for item in data if isinstance(item, dict)]
        if len(objects) < len(data):
            # Reference §1.5: process the valid objects of a list, log the rest.
            logger.warning(
                "OCPI GET %s: %d items are not objects; skipped", self._scrub(reply.url), len(data) - len(objects)
            )
        total = _header_int(reply.headers, "X-Total-Count")
        page = OcpiPage(objects=objects, url=reply.url, total=total, limit=_header_int(reply.headers, "X-Limit"))
        link = parse_next_link(reply.headers.get("Link", ""))
        return page, len(data), link

    def _next_page_url(self, url: str | None, *, page_url: str) -> str | None:
        """The next page URL (a relative ``Link`` resolved) as it will be sent, so the loop check
        compares like with like."""
        if url is None:
            return None
        try:
            resolved = full_url(urljoin(page_url, url), None)
        except ValueError:  # requests' InvalidURL is one too
            raise OcpiProtocolError(f"the next page link {self._scrub(url)!r} is not a usable URL") from None
        if _origin(resolved) != _origin(page_url):
            # Our token goes with every page: never to a host the partner's list merely names.
            raise OcpiProtocolError(f"the next page link {self._scrub(url)!r} leaves {_origin(page_url)}")
        return resolved

    def _scrub(self, text: str) -> str:
        return redact(text, self._secrets)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


class _OffsetCursor:
    """Decides the next page URL: the server's ``Link``, or ``offset`` paging when it sends none."""

    def __init__(self, base_url: str, query: dict[str, str]) -> None:
        self.base_url = base_url
        self.query = query
        offset = query.get("offset", "0")
        self.offset = int(offset) if offset.isdigit() else 0
        self.linked = False

    def next_url(self, page: OcpiPage, count: int, link: str | None) -> str | None:
        if link is not None:
            self.linked = True
            return link
        if self.linked or count == 0:
            return None  # a server that links marks its last page by leaving Link out
        self.offset += count
        applied = self._apply_limit(page.limit)
        if page.total is not None:
            # The total is the better signal: some servers send short pages before the end.
            if self.offset >= page.total:
                return None
        elif applied is not None and count < applied:
            return None
        self.query["offset"] = str(self.offset)
        return full_url(self.base_url, self.query)

    def _apply_limit(self, server_limit: int | None) -> int | None:
        """Ask later pages for the server's cap (``X-Limit``) when it is below ours."""
        requested = _int_or_none(self.query.get("limit"))
        if server_limit is not None and server_limit > 0 and (requested is None or server_limit < requested):
            self.query["limit"] = str(server_limit)
            return server_limit
        return requested


def parse_next_link(value: str) -> str | None:
    """The target of the ``rel="next"`` link in a ``Link`` header (RFC 8288), or None.

    Handles several links in one header, quoted or bare ``rel`` values and ``rel`` lists.
    """
    for link in _LINK_RE.finditer(value or ""):
        for param in _LINK_PARAM_RE.finditer(link["params"]):
            if param["name"].lower() != "rel":
                continue
            rels = (param["quoted"] if param["quoted"] is not None else param["token"] or "").lower().split()
            if "next" in rels:
                return link["url"].strip()
    return None


def _header_int(headers: Mapping[str, str], name: str) -> int | None:
    value = _int_or_none(headers.get(name))
    return value if value is not None and value >= 0 else None


def _int_or_none(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None
