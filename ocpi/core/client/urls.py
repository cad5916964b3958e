"""Request URLs exactly as requests will send them, so journal, page-loop checks and the wire agree."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests

QueryParams = Mapping[str, str | int | float | None]


def split_query(url: str) -> tuple[str, dict[str, str]]:
    """A URL without its query, and the query as a dict (OCPI repeats no parameter)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query="")), dict(parse_qsl(parts.query, keep_blank_values=True))


def full_url(url: str, params: QueryParams | None) -> str:
    """The URL as requests will send it, so journal, loop checks and the wire agree."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, {name: value for name, value in (params or {}).items() if value is not None})
    return prepared.url or url
