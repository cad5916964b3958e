"""Never two runs of one partner's module at once.

On PostgreSQL: a session-level advisory lock held by the run's database connection. It needs no
broker and no table, and a worker that dies (killed, OOM, lost host) loses its connection and so
its lock at once. Other databases (SQLite in development) rely on the run's heartbeat lease
(``services``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from sync.models import MODULES

_NAMESPACE = 0x53594E43  # "SYNC": our advisory locks, apart from anyone else's on the database


def _key(partner_id: int, module: str) -> int:
    return partner_id * 8 + MODULES.index(module)


@contextmanager
def run_lock(partner_id: int, module: str) -> Iterator[bool]:
    """Yields whether this process now runs ``module`` of the partner alone (PostgreSQL), or
    True where the database has no advisory locks."""
    if connection.vendor != "postgresql":
        yield True
        return
    key = [_NAMESPACE, _key(partner_id, module)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s::integer, %s::integer)", key)
        (acquired,) = cursor.fetchone()
    try:
        yield bool(acquired)
    finally:
        if acquired:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s::integer, %s::integer)", key)
