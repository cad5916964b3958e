"""Per-partner rate limits on the OCPI endpoints that write (pushes) or decide (authorize).

A fixed window per partner and scope, counted in Redis with one atomic ``INCR`` (plus the
window's expiry), so a burst across many gunicorn workers is counted exactly: the first
``limit`` requests of a window pass, the rest are answered HTTP 429 with ``Retry-After`` (the
seconds left in the window) and the OCPI envelope.

Limits come from ``OCPI_RATE_LIMITS`` (scope → (requests, window seconds)); a partner's own
``rate_limit_factor`` scales them (e.g. 2 for a large CPO). Without ``REDIS_URL`` nothing is
limited. When Redis does not answer, requests pass (the inbound API must keep answering without
it) and Redis is left alone for a few seconds, so an outage costs one short timeout, not one per
request.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from functools import lru_cache

import redis
from django.conf import settings

from ocpi.core.errors import OcpiError
from ocpi.core.status import OcpiStatus

log = logging.getLogger(__name__)

_OUTAGE_PAUSE_SECONDS = 5.0
_outage_until = 0.0
_outage_lock = threading.Lock()


class RateLimited(OcpiError):
    """Too many requests from one partner in this window: HTTP 429 with ``Retry-After``."""

    status = OcpiStatus.CLIENT_ERROR
    http_status = 429


def rate_limit_check(*, scope: str, partner_id: int, factor: float = 1.0) -> None:
    """Count one request of ``partner_id`` in ``scope``; raise RateLimited past the limit."""
    rule = settings.OCPI_RATE_LIMITS.get(scope)
    if rule is None or not settings.REDIS_URL or _in_outage():
        return
    limit, window = max(1, int(rule[0] * factor)), rule[1]
    now = time.time()
    start = int(now // window) * window
    key = f"{settings.OCPI_RATE_LIMIT_PREFIX}:{scope}:{partner_id}:{start}"
    try:
        pipeline = _redis(settings.REDIS_URL).pipeline(transaction=False)
        pipeline.incr(key)
        pipeline.expire(key, window + 1)
        count = pipeline.execute()[0]
    except redis.RedisError as exc:
        _start_outage(exc)
        return
    if count > limit:
        retry_after = max(1, math.ceil(start + window - now))
        raise RateLimited(
            f"Rate limit: at most {limit} {scope} requests per {window} s; try again in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
        )


@lru_cache(maxsize=4)
def _redis(url: str) -> redis.Redis:
    # Short timeouts: a limit check must never hold a request up for long.
    return redis.Redis.from_url(url, socket_connect_timeout=0.2, socket_timeout=0.2, health_check_interval=30)


def _in_outage() -> bool:
    return time.monotonic() < _outage_until


def _start_outage(exc: Exception) -> None:
    global _outage_until  # noqa: PLW0603 (one process-wide pause, shared by all threads)
    with _outage_lock:
        if not _in_outage():
            log.warning("Rate limits paused for %.0f s: Redis does not answer (%s)", _OUTAGE_PAUSE_SECONDS, exc)
        _outage_until = time.monotonic() + _OUTAGE_PAUSE_SECONDS
