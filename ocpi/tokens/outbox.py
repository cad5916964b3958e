"""Token distribution to CPOs (reference §4.5.2, the CPO's Tokens receiver) through a
transactional outbox (``TokenPush``).

* Recording: every token change calls ``outbox_record`` inside its own transaction (from
  ``services._tokens_changed``): one row per receiving partner and token, PUT when the partner
  may not know the token yet, PATCH with the changed fields otherwise. A change folds into a
  row still pending, so a token has one outstanding push per partner, whatever the churn.
* Sending (``outbox_push``): due rows are leased (``SELECT … FOR UPDATE SKIP LOCKED``), the
  token's *current* state is sent, and the row is marked SENT only if no change arrived while
  the call was in flight (``version``); otherwise it goes straight back out with the newer
  state. So an older state never overwrites a newer one at the CPO, and a push interrupted by
  a dead worker is sent again when its lease runs out (a PUT/PATCH of the current state is
  idempotent).
* Failures: transient ones (no answer, 5xx, 429) are retried with doubling, jittered delays;
  after ``OCPI_TOKEN_PUSH_MAX_ATTEMPTS`` attempts, or at once when refused for good (4xx), a row
  is dead-lettered (DEAD), shown in the admin and re-sendable. A PATCH the CPO answers 404 (it
  lost the token) is sent again as a PUT.
* A partner registered with a tokens endpoint gets a full initial push once (``outbox_fill``,
  found by the periodic sweep, so it survives a broker outage).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ocpi.core.client import OcpiClient, OcpiClientError, OcpiHttpError
from ocpi.tokens.models import Token, TokenPush, TokenPushStart
from ocpi.tokens.services import WIRE_FIELDS, token_wire
from partners.models import Partner
from partners.services import partner_client

log = logging.getLogger(__name__)

TOKENS = "tokens"  # the module identifier in a partner's endpoints
BATCH = 100
MAX_BACKOFF_SECONDS = 3600
_RECORDED_STATUSES = (Partner.Status.REGISTERED, Partner.Status.SUSPENDED)  # suspended: kept for resume


@dataclass
class PushReport:
    """What one ``outbox_push`` pass did for a partner."""

    sent: int = 0
    retrying: int = 0
    dead: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def claimed(self) -> int:
        return self.sent + self.retrying + self.dead

    def add(self, other: PushReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.dead += other.dead
        self.errors += other.errors[: max(0, 10 - len(self.errors))]


# --- recording --------------------------------------------------------------------------------


def outbox_record(changes: Sequence[tuple[Token, frozenset[str]]]) -> None:
    """Queue the pushes for token changes; called inside the transaction that made them."""
    partner_ids = receiving_partner_ids()
    if not partner_ids or not changes:
        return
    fields_by_token: dict[int, set[str]] = {}
    for token, fields in changes:
        fields_by_token.setdefault(token.pk, set()).update(fields)
    now, version = timezone.now(), time.time_ns()
    for partner_id in partner_ids:
        _record_for(partner_id, fields_by_token, now=now, version=version)
    transaction.on_commit(lambda: wake(partner_ids))


def _record_for(partner_id: int, fields_by_token: dict[int, set[str]], *, now: datetime, version: int) -> None:
    rows = TokenPush.objects.select_for_update().filter(partner_id=partner_id, token_id__in=fields_by_token)
    existing = {row.token_id: row for row in rows}
    new = [
        _new_push(partner_id, token_id, now=now, version=version)
        for token_id in fields_by_token
        if token_id not in existing
    ]
    folded = [row for row in existing.values() if _fold(row, fields_by_token[row.token_id], now=now, version=version)]
    TokenPush.objects.bulk_create(new, batch_size=1000)
    TokenPush.objects.bulk_update(
        folded, ["method", "fields", "version", "state", "attempts", "next_attempt_at", "changed_at"], batch_size=1000
    )


def _new_push(partner_id: int, token_id: int, *, now: datetime, version: int) -> TokenPush:
    """A PUT: the partner may not know the token yet."""
    return TokenPush(partner_id=partner_id, token_id=token_id, version=version, next_attempt_at=now, changed_at=now)


def _fold(row: TokenPush, fields: Iterable[str], *, now: datetime, version: int) -> bool:
    """Fold a change into a partner's row; False when nothing the partner sees changed."""
    wire = set(fields) & set(WIRE_FIELDS)
    if row.state == TokenPush.State.SENT:
        if not wire:
            return False
        row.method, row.fields = TokenPush.Method.PATCH, sorted(wire)
    elif row.method == TokenPush.Method.PATCH:
        row.fields = sorted(set(row.fields) | wire)
    row.state, row.version, row.changed_at = TokenPush.State.PENDING, version, now
    row.attempts, row.next_attempt_at = 0, now  # a new change deserves a prompt try, dead or not
    return True


def outbox_fill(*, partner_id: int) -> int:
    """Queue a PUT of every token for a partner (its full initial push); returns the count."""
    now, version, total = timezone.now(), time.time_ns(), 0
    with transaction.atomic():
        start, _ = TokenPushStart.objects.get_or_create(partner_id=partner_id)
        ids = Token.objects.order_by("pk").values_list("pk", flat=True)
        batch: list[TokenPush] = []
        for token_id in ids.iterator(chunk_size=5000):
            batch.append(
                TokenPush(
                    partner_id=partner_id, token_id=token_id, version=version, next_attempt_at=now, changed_at=now
                )
            )
            if len(batch) == 5000:
                total += _upsert_puts(batch)
                batch = []
        total += _upsert_puts(batch)
        TokenPushStart.objects.filter(pk=start.pk).update(tokens=total)
    transaction.on_commit(lambda: wake([partner_id]))
    return total


def _upsert_puts(rows: list[TokenPush]) -> int:
    TokenPush.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["partner", "token"],
        update_fields=["method", "fields", "version", "state", "attempts", "next_attempt_at", "changed_at"],
    )
    return len(rows)


def outbox_resend(*, pushes: QuerySet[TokenPush]) -> int:
    """Send again (now) the given pushes that are dead or waiting for a retry."""
    return pushes.exclude(state=TokenPush.State.SENT).update(
        state=TokenPush.State.PENDING, attempts=0, next_attempt_at=timezone.now(), leased_until=None
    )


def receiving_partner_ids() -> list[int]:
    """Partners with a tokens endpoint whose pushes we record (sent while registered)."""
    partners = Partner.objects.filter(status__in=_RECORDED_STATUSES).values_list("pk", "endpoints")
    return [pk for pk, endpoints in partners if TOKENS in (endpoints or {})]


def partners_without_initial_push() -> list[int]:
    registered = set(Partner.objects.filter(status=Partner.Status.REGISTERED).values_list("pk", flat=True))
    started = set(TokenPushStart.objects.values_list("partner_id", flat=True))
    return sorted(pk for pk in receiving_partner_ids() if pk in registered and pk not in started)


def partners_with_due_pushes() -> list[int]:
    due = TokenPush.objects.filter(_due(timezone.now())).values_list("partner_id", flat=True).distinct()
    return sorted(due)


def wake(partner_ids: Iterable[int]) -> None:
    """Ask a worker to push now; when the broker is unreachable the periodic sweep will."""
    from ocpi.tokens.tasks import tokens_push_partner  # noqa: PLC0415 (tasks import this module)

    for partner_id in partner_ids:
        try:
            tokens_push_partner.delay(partner_id)
        except Exception as exc:
            log.warning("Token push for partner %s not enqueued (%s); the sweep will send it", partner_id, exc)


# --- sending ------------------------------------------------------------------------------------


def outbox_push(*, partner_id: int, limit: int = BATCH) -> PushReport:
    """Send up to ``limit`` due pushes to one partner; nothing when it cannot receive them."""
    report = PushReport()
    partner = Partner.objects.filter(pk=partner_id, status=Partner.Status.REGISTERED).first()
    if partner is None or TOKENS not in (partner.endpoints or {}):
        return report
    rows = _claim(partner_id, limit)
    if not rows:
        return report
    tokens = Token.objects.select_related("customer").in_bulk([row.token_id for row in rows])
    client = partner_client(partner, max_retries=0)  # the outbox retries, with its own backoff
    base = f"{partner.endpoints[TOKENS].rstrip('/')}/{settings.OCPI_COUNTRY_CODE}/{settings.OCPI_PARTY_ID}"
    for row in rows:
        try:
            _send(client, f"{base}/{tokens[row.token_id].uid}", row, tokens[row.token_id])
        except OcpiClientError as exc:
            _failed(row, exc, report)
        else:
            _sent(row)
            report.sent += 1
    return report


def outbox_drain(*, partner_id: int, budget_seconds: float = 60.0) -> PushReport:
    """Push batches until nothing is due (retries waiting for later stay) or the budget is spent."""
    total, deadline = PushReport(), time.monotonic() + budget_seconds
    while time.monotonic() < deadline:
        report = outbox_push(partner_id=partner_id)
        total.add(report)
        if report.claimed == 0:
            break
    return total


def _due(now: datetime) -> Q:
    return (
        Q(state=TokenPush.State.PENDING, next_attempt_at__lte=now)
        & (Q(leased_until__isnull=True) | Q(leased_until__lte=now))
    )  # fmt: skip


def _claim(partner_id: int, limit: int) -> list[TokenPush]:
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            TokenPush.objects.select_for_update(skip_locked=True)
            .filter(_due(now), partner_id=partner_id)
            .order_by("next_attempt_at", "id")[:limit]
        )
        lease = timedelta(seconds=settings.OCPI_TOKEN_PUSH_LEASE_SECONDS)
        TokenPush.objects.filter(pk__in=[row.pk for row in rows]).update(leased_until=now + lease)
    return rows


def _send(client: OcpiClient, url: str, row: TokenPush, token: Token) -> None:
    body = token_wire(token, valid=token.valid and token.customer.status == token.customer.Status.ACTIVE)
    if row.method == TokenPush.Method.PUT:
        client.put(url, body)
        return
    patch = {name: body[name] for name in row.fields if name in body}
    patch["last_updated"] = body["last_updated"]
    try:
        client.patch(url, patch)
    except OcpiHttpError as exc:
        if exc.http_status != 404:
            raise
        client.put(url, body)  # the CPO does not know the token (any more): give it whole


def _sent(row: TokenPush) -> None:
    done = TokenPush.objects.filter(pk=row.pk, version=row.version).update(
        state=TokenPush.State.SENT, sent_at=timezone.now(), attempts=0, leased_until=None, last_error="", fields=[]
    )
    if not done:  # changed while in flight: due again at once, with the newer state
        TokenPush.objects.filter(pk=row.pk).update(leased_until=None)


def _failed(row: TokenPush, exc: OcpiClientError, report: PushReport) -> None:
    attempts = row.attempts + 1
    dead = not exc.transient or attempts >= settings.OCPI_TOKEN_PUSH_MAX_ATTEMPTS
    changes: dict[str, Any] = {"attempts": attempts, "last_error": str(exc)[:1000], "leased_until": None}
    if dead:
        changes["state"] = TokenPush.State.DEAD
        report.dead += 1
    else:
        changes["next_attempt_at"] = timezone.now() + timedelta(seconds=_backoff(attempts))
        report.retrying += 1
    report.errors.append(f"{row.token_id}: {exc}")
    if not TokenPush.objects.filter(pk=row.pk, version=row.version).update(**changes):
        TokenPush.objects.filter(pk=row.pk).update(leased_until=None)  # a newer change is due now


def _backoff(attempts: int) -> float:
    ceiling = min(MAX_BACKOFF_SECONDS, settings.OCPI_TOKEN_PUSH_BACKOFF_SECONDS * 2 ** (attempts - 1))
    return ceiling * random.uniform(0.5, 1.0)  # noqa: S311 (jitter, not a secret)
