"""Reads of the console: the dashboard's figures and the map's locations.

Every figure is one aggregate query over an indexed column, whatever the size of the tables
(tests/console/test_dashboard.py bounds the number of queries; bench/console.py times them on
100,000 sessions and 1,000,000 tokens). Sections a user may not view are not computed at all.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from billing.models import CdrPricing, CdrRetail
from ocpi.cdrs.models import CdrConflict
from ocpi.commands.models import PENDING_STATES, Command, CommandState
from ocpi.core.models import JournalEntry
from ocpi.locations.models import Evse, Location
from ocpi.sessions.models import Session
from ocpi.tokens.models import TokenPush
from partners.models import Partner
from sync.models import SyncRun

CHART_DAYS = 30
FAILED_COMMANDS = (
    CommandState.REJECTED, CommandState.NOT_SUPPORTED, CommandState.UNKNOWN_SESSION, CommandState.UNKNOWN_LOCATION,
    CommandState.FAILED, CommandState.TIMEOUT,
)  # fmt: skip
SYNC_MODULES = tuple(SyncRun.Module.values)


@dataclass
class Day:
    day: date
    sessions: int = 0
    kwh: float = 0.0


@dataclass
class PartnerHealth:
    partner: Partner
    last_pulls: dict[str, datetime | None]
    failed_pulls: int = 0
    error_calls: int = 0
    pushes_pending: int = 0
    pushes_dead: int = 0


@dataclass
class Dashboard:
    """What the admin's front page shows; ``None`` for a section the user may not view."""

    today: date
    now: datetime
    since: datetime  # midnight today, in the console's time zone
    charging_now: int | None = None
    sessions_today: int | None = None
    kwh_today: float | None = None
    revenue_today: dict[str, Decimal] | None = None
    days: list[Day] | None = None
    partners: list[PartnerHealth] | None = None
    flagged_cdrs: int | None = None
    conflicts_to_review: int | None = None
    commands_pending: int | None = None
    commands_failed: int | None = None
    links: dict[str, str] = field(default_factory=dict)


def dashboard_read(*, may_view: set[str], now: datetime | None = None) -> Dashboard:
    """The dashboard for a user who may view the models named (``app_label.model``) in ``may_view``."""
    now = now or timezone.now()
    since = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    board = Dashboard(today=since.date(), now=now, since=since)
    if "ocpi_sessions.session" in may_view:
        _sessions(board, now)
    if "ocpi_cdrs.cdr" in may_view and "billing.cdrretail" in may_view:
        board.revenue_today = _revenue(since)
    if "partners.partner" in may_view:
        board.partners = partners_health(now=now)
    if "billing.cdrpricing" in may_view:
        board.flagged_cdrs = CdrPricing.objects.filter(flagged=True).count()
    if "ocpi_cdrs.cdrconflict" in may_view:
        board.conflicts_to_review = CdrConflict.objects.filter(reviewed_at__isnull=True).count()
    if "ocpi_commands.command" in may_view:
        counts = Command.objects.aggregate(
            pending=Count("pk", filter=Q(state__in=PENDING_STATES)),
            failed=Count("pk", filter=Q(state__in=FAILED_COMMANDS, requested_at__gte=now - timedelta(days=1))),
        )
        board.commands_pending, board.commands_failed = counts["pending"], counts["failed"]
    return board


def _sessions(board: Dashboard, now: datetime) -> None:
    board.charging_now = Session.objects.filter(status=Session.Status.ACTIVE).count()
    first = board.since - timedelta(days=CHART_DAYS - 1)
    per_day: dict[date, dict[str, Any]] = {
        row["day"]: dict(row)
        for row in Session.objects.filter(start_datetime__gte=first, start_datetime__lte=now)
        .annotate(day=TruncDate("start_datetime"))
        .values("day")
        .annotate(sessions=Count("pk"), kwh=Sum("kwh"))
        .order_by("day")
    }
    board.days = []
    for offset in range(CHART_DAYS):
        day = (first + timedelta(days=offset)).date()
        row = per_day.get(day, {})
        board.days.append(Day(day=day, sessions=row.get("sessions", 0), kwh=float(row.get("kwh") or 0.0)))
    board.sessions_today, board.kwh_today = board.days[-1].sessions, board.days[-1].kwh


def _revenue(since: datetime) -> dict[str, Decimal]:
    """Drivers' prices (incl. VAT) of the CDRs of sessions that started today, per currency."""
    rows = (
        CdrRetail.objects.filter(cdr__start_date_time__gte=since, total__isnull=False)
        .values("currency")
        .annotate(total=Sum("total"))
        .order_by("currency")
    )
    return {row["currency"]: row["total"] for row in rows}


def partners_health(*, now: datetime) -> list[PartnerHealth]:
    """Each partner we still deal with: registration, last successful pull per module, failed
    pulls and error answers in the last 24 hours, and the token pushes still owed to them."""
    partners = list(Partner.objects.exclude(status=Partner.Status.UNREGISTERED).order_by("name", "id"))
    ids = [partner.pk for partner in partners]
    day_ago = now - timedelta(days=1)
    pulls: dict[int, dict[str, datetime | None]] = defaultdict(dict)
    for row in (
        SyncRun.objects.filter(partner_id__in=ids, status=SyncRun.Status.SUCCEEDED)
        .values("partner_id", "module")
        .annotate(last=Max("finished_at"))
    ):
        pulls[row["partner_id"]][row["module"]] = row["last"]
    failed = dict(
        SyncRun.objects.filter(partner_id__in=ids, status__in=(SyncRun.Status.FAILED, SyncRun.Status.ABANDONED))
        .filter(started_at__gte=day_ago)
        .values_list("partner_id")
        .annotate(n=Count("pk"))
    )
    errors = dict(
        JournalEntry.objects.filter(partner_id__in=ids, created__gte=day_ago)
        .filter(Q(http_status__gte=400) | Q(http_status__isnull=True) | Q(ocpi_status__gte=2000))
        .values_list("partner_id")
        .annotate(n=Count("pk"))
    )
    pushes: dict[tuple[int, str], int] = {
        (row["partner_id"], row["state"]): row["n"]
        for row in TokenPush.objects.filter(partner_id__in=ids)
        .exclude(state=TokenPush.State.SENT)
        .values("partner_id", "state")
        .annotate(n=Count("pk"))
    }
    return [
        PartnerHealth(
            partner=partner,
            last_pulls={module: pulls[partner.pk].get(module) for module in SYNC_MODULES},
            failed_pulls=failed.get(partner.pk, 0),
            error_calls=errors.get(partner.pk, 0),
            pushes_pending=pushes.get((partner.pk, TokenPush.State.PENDING), 0),
            pushes_dead=pushes.get((partner.pk, TokenPush.State.DEAD), 0),
        )
        for partner in partners
    ]


def map_locations(*, limit: int) -> list[dict[str, Any]]:
    """Locations with their EVSE statuses for the map (at most ``limit``, most recently updated
    first): two queries, whatever the number of locations."""
    locations = list(
        Location.objects.select_related("partner")
        .only("pk", "ocpi_id", "name", "address", "city", "latitude", "longitude", "partner__name")
        .order_by("-last_updated", "id")[:limit]
    )
    statuses: dict[int, list[str]] = defaultdict(list)
    for location_id, status in (
        Evse.objects.filter(location_id__in=[location.pk for location in locations])
        .exclude(status="REMOVED")
        .order_by("location_id", "position", "id")
        .values_list("location_id", "status")
    ):
        statuses[location_id].append(status)
    return [
        {
            "pk": location.pk,
            "id": location.ocpi_id,
            "name": location.name or location.ocpi_id,
            "address": f"{location.address}, {location.city}",
            "partner": location.partner.name,
            "lat": float(location.latitude),
            "lng": float(location.longitude),
            "evses": statuses.get(location.pk, []),
        }
        for location in locations
    ]
