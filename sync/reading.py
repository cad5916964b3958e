"""Reading a partner's list: each page validated object by object, and on PostgreSQL the next
page read (and validated) on a second thread while this one is written, so the CPO's time and
the database's overlap. At most three pages are in memory: O(page), never O(data set)."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections

from ocpi.core.client import OcpiPage
from ocpi.core.errors import OcpiError
from sync.pullers import Puller, object_id

_POLL = 0.5  # seconds between checks that the consumer still wants pages


@dataclass
class ReadPage:
    """One page: the objects that are valid, and (id, error) of those that are not."""

    valid: list[Any] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def read_page(puller: Puller, page: OcpiPage) -> ReadPage:
    read = ReadPage()
    for raw in page.objects:
        try:
            read.valid.append(puller.decode(raw))
        except OcpiError as exc:  # one invalid object never fails its page
            read.refused.append((object_id(raw), exc.message))
    return read


def read_pages(puller: Puller, pages: Iterator[OcpiPage]) -> Iterator[ReadPage]:
    if connection.vendor != "postgresql":  # SQLite (development) writes from one thread at a time
        for page in pages:
            yield read_page(puller, page)
        return
    yield from _ahead(puller, pages)


def _ahead(puller: Puller, pages: Iterator[OcpiPage]) -> Iterator[ReadPage]:
    handoff: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def reader() -> None:
        try:
            for page in pages:
                if not _put(handoff, ("page", read_page(puller, page)), stop):
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
