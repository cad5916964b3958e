"""Batched writes of journal entries, so the journal stays cheap on the request path.

On this 2-core VM one database round trip costs 0.3–0.8 ms, as much as a whole small OCPI
request (bench/RESULTS.md, "journal"). Entries are therefore kept in a per-process buffer and
written with one multi-row INSERT when OCPI_JOURNAL_BATCH_SIZE entries are waiting, or at the
latest OCPI_JOURNAL_FLUSH_SECONDS after the first of them arrived (a timer thread with its own
connection), and when the process exits. When the database fails, the entries wait for the next
flush (up to a cap, then the oldest are dropped with a warning); an entry the database refuses
on its own is dropped with a warning. The journal must never take down or slow down the
traffic it describes. The cost of batching: a process killed hard loses at most
one unflushed batch.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from ocpi.core.models import JournalEntry

logger = logging.getLogger(__name__)

Row = dict[str, object]
_FIELDS = [field for field in JournalEntry._meta.concrete_fields if not field.primary_key]
NAMES = tuple(field.attname for field in _FIELDS)
COLUMNS = tuple(str(field.column) for field in _FIELDS)


class JournalBuffer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[Row] = []
        self._timer: threading.Timer | None = None

    def add(self, entry: Row) -> None:
        """Queue one entry: a value for every JournalEntry field but the id."""
        with self._lock:
            self._entries.append(entry)
            full = len(self._entries) >= settings.OCPI_JOURNAL_BATCH_SIZE
            if not full and self._timer is None:
                self._timer = threading.Timer(settings.OCPI_JOURNAL_FLUSH_SECONDS, self._flush_from_timer)
                self._timer.daemon = True
                self._timer.start()
        if full:
            self.flush()

    def flush(self) -> int:
        """Write every waiting entry; returns how many were written."""
        with self._lock:
            batch, self._entries = self._entries, []
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        if not batch:
            return 0
        if _write(batch):
            return len(batch)
        # One entry the database refuses must not hold back the rest: try them one by one.
        written = [entry for entry in batch if _write([entry])]
        if not written:  # the database itself is failing
            self._keep_for_later(batch)
            return 0
        logger.warning("Dropped %d traffic journal entries the database refused", len(batch) - len(written))
        return len(written)

    def reset(self) -> None:
        """Forget waiting entries (in a forked child: the parent still owns and writes them)."""
        self._lock = threading.Lock()
        self._entries = []
        self._timer = None

    def _flush_from_timer(self) -> None:
        try:
            self.flush()
        finally:
            # Django connections belong to their thread: this one's must not linger.
            connections.close_all()

    def _keep_for_later(self, batch: list[Row]) -> None:
        cap = settings.OCPI_JOURNAL_BATCH_SIZE * 20
        logger.warning("Could not write %d traffic journal entries; keeping them for the next flush", len(batch))
        with self._lock:
            waiting = batch + self._entries
            self._entries = waiting[-cap:]
        dropped = len(waiting) - cap
        if dropped > 0:
            logger.warning("Dropped %d traffic journal entries: the database has refused them for a while", dropped)


def _write(entries: list[Row]) -> bool:
    alias = settings.OCPI_JOURNAL_DATABASE
    # Inside a transaction, a savepoint keeps a refusal from poisoning it; in autocommit (the
    # journal's own connection) the single INSERT is atomic already.
    atomic: AbstractContextManager[object] = (
        transaction.atomic(using=alias) if connections[alias].in_atomic_block else nullcontext()
    )
    try:
        with atomic:
            _store(connections[alias], entries)
    except DatabaseError:
        logger.debug("Journal write of %d entries failed", len(entries), exc_info=True)
        return False
    return True


def _store(connection: BaseDatabaseWrapper, entries: list[Row]) -> None:
    if connection.vendor != "postgresql":
        JournalEntry.objects.using(connection.alias).bulk_create(JournalEntry(**entry) for entry in entries)
        return
    # COPY costs a fifth of bulk_create's multi-row INSERT per entry here (bench/RESULTS.md).
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(JournalEntry._meta.db_table), sql.SQL(", ").join(sql.Identifier(column) for column in COLUMNS)
    )
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(statement) as copy:
        for entry in entries:
            copy.write_row([entry[name] for name in NAMES])


buffer = JournalBuffer()
atexit.register(buffer.flush)
os.register_at_fork(after_in_child=buffer.reset)
