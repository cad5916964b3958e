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
import enum
import logging
import os
import threading
import time
from contextlib import AbstractContextManager, nullcontext

from django.conf import settings
from django.db import DatabaseError, DataError, IntegrityError, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from psycopg import sql

from ocpi.core.models import JournalEntry

logger = logging.getLogger(__name__)

Row = dict[str, object]
_OUTAGE_PAUSE_S = 5.0  # after a failed write, requests stop trying; the timer retries
_FIELDS = [field for field in JournalEntry._meta.concrete_fields if not field.primary_key]
NAMES = tuple(field.attname for field in _FIELDS)
COLUMNS = tuple(str(field.column) for field in _FIELDS)


class JournalBuffer:
    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget waiting entries (in a forked child: the parent still owns and writes them)."""
        self._lock = threading.Lock()
        self._entries: list[Row] = []
        self._timer: threading.Timer | None = None
        self._resume_at = 0.0  # while the database is down, only the timer writes

    def discard(self) -> None:
        """Drop waiting entries and any pending flush (tests start each case from a clean state)."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
        self.reset()

    @property
    def waiting(self) -> int:
        """Entries not yet written (the journal's backlog)."""
        return len(self._entries)

    def add(self, entry: Row) -> None:
        """Queue one entry: a value for every JournalEntry field but the id."""
        with self._lock:
            self._entries.append(entry)
            full = len(self._entries) >= settings.OCPI_JOURNAL_BATCH_SIZE
            write_now = full and time.monotonic() >= self._resume_at
            if not write_now:
                self._schedule(settings.OCPI_JOURNAL_FLUSH_SECONDS)
        if write_now:
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
        outcome = _write(batch)
        if outcome is _Outcome.WRITTEN:
            return len(batch)
        if outcome is _Outcome.REFUSED:
            return self._write_one_by_one(batch)
        self._keep_for_later(batch)
        return 0

    def _write_one_by_one(self, batch: list[Row]) -> int:
        """Some entry was refused (bad data): write the others, drop only what is refused."""
        written = refused = 0
        for index, entry in enumerate(batch):
            outcome = _write([entry])
            if outcome is _Outcome.DOWN:
                self._keep_for_later(batch[index:])
                break
            written += outcome is _Outcome.WRITTEN
            refused += outcome is _Outcome.REFUSED
        if refused:
            logger.warning("Dropped %d traffic journal entries the database refused", refused)
        return written

    def _keep_for_later(self, batch: list[Row]) -> None:
        cap = settings.OCPI_JOURNAL_BATCH_SIZE * 20
        logger.warning("Could not write %d traffic journal entries; keeping them for the next flush", len(batch))
        with self._lock:
            waiting = batch + self._entries
            self._entries = waiting[-cap:]
            self._resume_at = time.monotonic() + _OUTAGE_PAUSE_S
            self._schedule(_OUTAGE_PAUSE_S)
        if len(waiting) > cap:
            logger.warning("Dropped %d traffic journal entries: the database is unavailable", len(waiting) - cap)

    def _schedule(self, delay: float) -> None:
        """Start the flush timer unless one is waiting (call with the lock held)."""
        if self._timer is None:
            self._timer = threading.Timer(delay, self._flush_from_timer)
            self._timer.daemon = True
            self._timer.start()

    def _flush_from_timer(self) -> None:
        try:
            self.flush()
        finally:
            # Django connections belong to their thread: this one's must not linger.
            connections.close_all()


class _Outcome(enum.Enum):
    WRITTEN = "written"
    REFUSED = "refused"  # the data was refused (a constraint, a value out of range)
    DOWN = "down"  # the database could not be used


def _write(entries: list[Row]) -> _Outcome:
    alias = settings.OCPI_JOURNAL_DATABASE
    # Inside a transaction, a savepoint keeps a refusal from poisoning it; in autocommit (the
    # journal's own connection) the single INSERT is atomic already.
    atomic: AbstractContextManager[object] = (
        transaction.atomic(using=alias) if connections[alias].in_atomic_block else nullcontext()
    )
    try:
        with atomic:
            _store(connections[alias], entries)
    except (IntegrityError, DataError):
        return _Outcome.REFUSED
    except DatabaseError:
        logger.debug("Journal write of %d entries failed", len(entries), exc_info=True)
        return _Outcome.DOWN
    return _Outcome.WRITTEN


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
