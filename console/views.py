"""The console's pages: the dashboard (the admin's front page) and the locations map. Thin:
they read a selector and shape it for a template."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse

from console import selectors
from console.chart import chart_svg

# The models the dashboard reads; a user sees the figures of those they may view.
DASHBOARD_MODELS = (
    "ocpi_sessions.session", "ocpi_cdrs.cdr", "billing.cdrretail", "billing.cdrpricing", "ocpi_cdrs.cdrconflict",
    "ocpi_commands.command", "partners.partner", "sync.syncrun", "ocpi_tokens.tokenpush", "ocpi_core.journalentry",
)  # fmt: skip
MAP_LIMIT = 5000


def dashboard(request: HttpRequest) -> HttpResponse:
    may_view = _may_view(request, DASHBOARD_MODELS)
    board = selectors.dashboard_read(may_view=may_view)
    context: dict[str, Any] = {"board": board, "links": _links(board.since, board.now), "may_view": may_view}
    if board.days is not None:
        context["chart"] = chart_svg(board.days, day_link=_day_link)
    return admin.site.index(request, extra_context=context)


def locations_map(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("ocpi_locations.view_location"):
        raise PermissionDenied
    context = {
        **admin.site.each_context(request),
        "title": "Locations map",
        "locations": selectors.map_locations(limit=MAP_LIMIT),
        "limit": MAP_LIMIT,
        "map_settings": {
            "tile_url": settings.CONSOLE_MAP_TILE_URL,
            "attribution": settings.CONSOLE_MAP_TILE_ATTRIBUTION,
            "location_url": reverse("admin:ocpi_locations_location_change", args=[0]).replace("/0/", "/{pk}/"),
        },
    }
    return TemplateResponse(request, "console/map.html", context)


def _may_view(request: HttpRequest, labels: tuple[str, ...]) -> set[str]:
    user = request.user
    return {
        label
        for label in labels
        if user.has_perm("{}.view_{}".format(*label.split(".")))
        or user.has_perm("{}.change_{}".format(*label.split(".")))
    }


def _list(name: str, **query: Any) -> str:
    url = reverse(f"admin:{name}_changelist")
    return f"{url}?{urlencode(query)}" if query else url


def _day_link(day: date) -> str:
    return _list("ocpi_sessions_session", start_datetime__day=day.day, start_datetime__month=day.month,
                 start_datetime__year=day.year)  # fmt: skip


def _links(since: datetime, now: datetime) -> dict[str, str]:
    since_text = since.isoformat()
    day_ago = (now - timedelta(days=1)).isoformat()
    return {
        "charging_now": _list("ocpi_sessions_session", status__exact="ACTIVE"),
        "sessions_today": _list("ocpi_sessions_session", start_datetime__gte=since_text),
        "cdrs_today": _list("ocpi_cdrs_cdr", start_date_time__gte=since_text),
        "flagged_cdrs": _list("billing_cdrpricing", flagged__exact=1),
        "conflicts": _list("ocpi_cdrs_cdrconflict", review="open"),
        "commands_pending": _list("ocpi_commands_command", state__in="REQUESTED,ACCEPTED"),
        "commands_failed": _list(
            "ocpi_commands_command", state__in=",".join(selectors.FAILED_COMMANDS), requested_at__gte=day_ago
        ),
        "partners": _list("partners_partner"),
        "sync_runs": _list("sync_syncrun"),
        "pushes": _list("ocpi_tokens_tokenpush"),
        "journal": _list("ocpi_core_journalentry"),
        "map": reverse("console-map"),
    }
