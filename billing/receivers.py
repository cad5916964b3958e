"""Reactions to other rooms' signals (connected in ``BillingConfig.ready``)."""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def cdr_received(sender: Any, *, cdr_id: int, **kwargs: Any) -> None:
    """A new CDR is committed: price it on a worker, so the CPO's POST stays fast."""
    from billing.tasks import cdr_price  # noqa: PLC0415 (tasks import services and models)

    try:
        cdr_price.delay(cdr_id)
    except Exception as exc:  # the broker is down: the sweep prices what has no price yet
        log.warning("Pricing of CDR %s not enqueued (%s); the billing sweep will price it", cdr_id, exc)
