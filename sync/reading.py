"""Reading a partner's list: each page validated object by object; small pages grouped into one
write of at least ``SYNC_BATCH_OBJECTS`` objects or ``SYNC_BATCH_SECONDS`` of reading (a CPO
answering 20 objects a page would otherwise cost a transaction per 20 objects); and on
PostgreSQL the next batch read (and validated) on a second thread while this one is written, so
the CPO's time and the database's overlap. At most three batches are in memory: O(page), never
O(data set)."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, connections

from ocpi.core.client import OcpiPage
from ocpi.core.errors import OcpiError
from sync.pullers import Puller, object_id

_POLL = 0.5  # seconds between checks that the consumer still wants pages


@dataclass
class ReadPage:
    """One page or several consecutive ones: the objects that are valid, and (id, error) of
    those that are not."""

    valid: list[Any] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    pages: int = 0

    @property
    def size(self) -> int:
        return len(self.valid) + len(self.refused)


def read_page(puller: Puller, page: OcpiPage, into: ReadPage | None = None) -> ReadPage:
    read = into if into is not None else ReadPage()
    read.pages += 1
    for raw in page.objects:
        try:
            read.valid.append(puller.decode(raw))
        except OcpiError as exc:  # one invalid object never fails its page
            read.refused.append((object_id(raw), exc.message))
    return read


def read_pages(puller: Puller, pages: Iterator[OcpiPage]) -> Iterator[ReadPage]:
    batches = _batched(puller, pages, objects=settings.SYNC_BATCH_OBJECTS, seconds=settings.SYNC_BATCH_SECONDS)
    if connection.vendor != "postgresql":  # SQLite (development) writes from one thread at a time
        yield from batches
        return
    yield from _ahead(batches)


def _batched(puller: Puller, pages: Iterator[OcpiPage], *, objects: int, seconds: float) -> Iterator[ReadPage]:
    current, began = ReadPage(), time.monotonic()
    for page in pages:
        read_page(puller, page, into=current)
        if current.size >= objects or time.monotonic() - began >= seconds:
            yield current
            current, began = ReadPage(), time.monotonic()
    if current.pages:
        yield current


def _ahead(batches: Iterator[ReadPage]) -> Iterator[ReadPage]:
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def reader() -> None:
        try:
            for read in batches:
                if not _put(handoff, ("page", read), stop):
                    return
            _put(handoff, ("end", None), stop)
        except BaseException as exc:  # handed over: the consumer raises it
            _put(handoff, ("error", exc), stop)
        finally:
            connections.close_all()  # this thread's own (the traffic journal writes on it)

    thread = threading.Thread(target=reader, name="sync-reader", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = handoff.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join(timeout=5)  # a reader stuck in a slow answer ends with its read timeout


def _put(handoff: queue.Queue[tuple[str, Any]], item: tuple[str, Any], stop: threading.Event) -> bool:
    while not stop.is_set():
        try:
            handoff.put(item, timeout=_POLL)
        except queue.Full:
            continue
        return True
    return False
