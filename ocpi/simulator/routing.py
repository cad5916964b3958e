"""Routes of the simulator's HTTP server: a module is a ModuleID and its routes; a route maps
HTTP methods to views and says which token roles may use each."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from ocpi.core.status import OcpiStatus
from ocpi.simulator.context import Context
from ocpi.simulator.store import TokenRole

PARTNER_ONLY = frozenset({TokenRole.PARTNER})
ANY_TOKEN = frozenset(TokenRole)

NO_DATA: Any = object()

_PLACEHOLDER_RE = re.compile(r"\{(?P<name>[a-z_]+)\}")


@dataclass(frozen=True)
class Request:
    """One authenticated request as a view sees it. ``token`` is the token as matched (decoded
    when presented in Base64); ``data`` is the decoded JSON body (None without a body)."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Message
    body: bytes
    data: Any
    params: Mapping[str, str]
    token: str = field(repr=False)
    role: TokenRole
    ctx: Context


@dataclass(frozen=True)
class Reply:
    """What a view answers; the server wraps ``data`` in the OCPI envelope (no ``data`` key
    when left out) and picks the HTTP status from the OCPI status unless given."""

    data: Any = NO_DATA
    status: OcpiStatus = OcpiStatus.SUCCESS
    message: str | None = None
    http_status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)


View = Callable[[Request], Reply]


@dataclass(frozen=True)
class Handler:
    view: View
    roles: frozenset[TokenRole] = PARTNER_ONLY


@dataclass(frozen=True)
class Route:
    """``path`` is below the module's URL: ``""`` for its root, deeper paths start with ``/``
    and may hold ``{placeholders}`` (e.g. ``"/{country_code}/{party_id}/{location_id}"``)."""

    path: str
    methods: Mapping[str, Handler]


@dataclass(frozen=True)
class Module:
    """One OCPI module the simulator serves; listed in version details as ``identifier``."""

    identifier: str
    routes: tuple[Route, ...]


class Router:
    """Matches a request path to a route; a trailing slash is optional everywhere."""

    def __init__(self, routes: Iterable[tuple[str, Route]]) -> None:
        self._routes = [(_compile(path), route) for path, route in routes]

    def match(self, path: str) -> tuple[Route, dict[str, str]] | None:
        for pattern, route in self._routes:
            found = pattern.fullmatch(path)
            if found is not None:
                return route, found.groupdict()
        return None


def _compile(path: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for placeholder in _PLACEHOLDER_RE.finditer(path):
        parts.append(re.escape(path[position : placeholder.start()]))
        parts.append(f"(?P<{placeholder.group('name')}>[^/]+)")
        position = placeholder.end()
    parts.append(re.escape(path[position:].rstrip("/")))
    return re.compile("".join(parts) + "/?")
