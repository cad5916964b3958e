"""Celery tasks of billing: thin, take ids, call ``billing.services``."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from billing import services
from billing.exports import services as exports


@shared_task(
    name="billing.tasks.cdr_price",
    ignore_result=True,
    acks_late=True,
    soft_time_limit=60,
    time_limit=90,
    autoretry_for=(OperationalError,),  # the database away for a moment; anything else is a bug
    retry_backoff=True,
    max_retries=5,
)
def cdr_price(cdr_id: int) -> None:
    """Price one CDR (idempotent: its one CdrPricing row is written again)."""
    services.cdr_price(cdr_id=cdr_id)


@shared_task(name="billing.tasks.cdrs_price_missing", ignore_result=True, soft_time_limit=600, time_limit=660)
def cdrs_price_missing() -> int:
    """Every 5 minutes: price CDRs that have no price yet (a lost task, a broker outage)."""
    return services.cdrs_price_missing()


@shared_task(
    name="billing.tasks.exports_monthly",
    ignore_result=True,
    soft_time_limit=1800,
    time_limit=1900,
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
)
def exports_monthly() -> None:
    """The 1st of each month: the previous month's customer lines and partner settlements as CSV,
    kept as BillingExports (a retry finds what it kept and does not keep it twice)."""
    exports.exports_monthly()
