"""Celery tasks of the tokens room: thin, take ids, call ``ocpi.tokens.outbox`` and ``services``."""

from __future__ import annotations

from celery import shared_task

from ocpi.tokens import authorization, outbox, services


@shared_task(
    name="ocpi.tokens.tasks.tokens_push_partner",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=120,
    time_limit=150,
)
def tokens_push_partner(partner_id: int) -> int:
    """Send what is due to one partner (idempotent: leases keep two workers off the same row)."""
    return outbox.outbox_drain(partner_id=partner_id, budget_seconds=90).sent


@shared_task(name="ocpi.tokens.tasks.tokens_push_sweep", ignore_result=True, soft_time_limit=600, time_limit=660)
def tokens_push_sweep() -> None:
    """Every 30 s: queue the initial push of newly registered partners, then wake the senders of
    partners with due pushes (retries whose time came, anything a broker outage held back)."""
    for partner_id in outbox.partners_without_initial_push():
        outbox.outbox_fill(partner_id=partner_id)
    outbox.wake(outbox.partners_with_due_pushes())


@shared_task(name="ocpi.tokens.tasks.tokens_expire_due", ignore_result=True, soft_time_limit=300, time_limit=360)
def tokens_expire_due() -> int:
    """Every 5 minutes: tokens (or contracts) past their end become invalid, for CPOs' whitelists."""
    return services.tokens_expire_due()


@shared_task(name="ocpi.tokens.tasks.decisions_prune", ignore_result=True, soft_time_limit=600, time_limit=660)
def decisions_prune() -> int:
    """Hourly: authorization decisions older than OCPI_AUTHORIZATION_RETENTION_DAYS go."""
    return authorization.decisions_prune()
