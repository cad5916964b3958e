"""One list the simulator serves (Locations, Sessions, CDRs or Tariffs): generated objects by
index, plus a small overlay of what changed since (live mode, fault modes).

Order is the index (creation order, reference §1.5), stable whatever changes. Generated object
``i`` has ``last_updated = timeline.at(i)``, so a date window is an index range; the few changed,
inserted and removed objects are the exceptions to that range. A page therefore costs
O(exceptions + page), never O(data set), and memory is O(exceptions).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from ocpi.simulator.generate import Timeline

Generate = Callable[[int], dict[str, Any]]


@dataclass(frozen=True)
class Slice:
    """One page: ``(index, object)`` pairs in order, and the total matching the window."""

    items: list[tuple[int, dict[str, Any]]]
    total: int


class Collection:
    """Generated objects ``0 … generated-1``, objects inserted after them, and the overlay.

    ``overlay[i] = (epoch, object)`` replaces generated object ``i`` (or holds an inserted one);
    ``removed`` holds indices no longer listed. Thread-safe.
    """

    def __init__(self, *, generated: int, timeline: Timeline, generate: Generate) -> None:
        self.generated = generated
        self.timeline = timeline
        self._generate = generate
        self._lock = threading.RLock()
        self._overlay: dict[int, tuple[int, dict[str, Any]]] = {}
        self._removed: set[int] = set()
        self._exceptions: list[int] = []  # sorted: every index in the overlay or removed
        self._end = generated  # the next index an inserted object gets

    # --- reads --------------------------------------------------------------------------

    def get(self, index: int) -> dict[str, Any] | None:
        """The current object at ``index``; None when there is none or it was removed."""
        with self._lock:
            if index < 0 or index >= self._end or index in self._removed:
                return None
            changed = self._overlay.get(index)
        return changed[1] if changed is not None else self._generate(index)

    def __len__(self) -> int:
        with self._lock:
            return self._end - len(self._removed)

    def page(self, *, offset: int, limit: int, date_from: float | None = None, date_to: float | None = None) -> Slice:
        """Objects ``offset … offset+limit-1`` of those whose ``last_updated`` is in
        ``[date_from, date_to)``, in index order, and how many match in all."""
        with self._lock:
            low, high = self._base_range(date_from, date_to)
            runs = list(self._runs(low, high, date_from, date_to))
            chosen = _take(runs, offset, limit)
            overlay = {index: self._overlay[index][1] for index in chosen if index in self._overlay}
        total = sum(stop - start for start, stop in runs)
        items = [(index, overlay[index] if index in overlay else self._generate(index)) for index in chosen]
        return Slice(items=items, total=total)

    def _base_range(self, date_from: float | None, date_to: float | None) -> tuple[int, int]:
        low = 0 if date_from is None else self.timeline.first_index_at_or_after(date_from)
        high = self.generated if date_to is None else self.timeline.first_index_at_or_after(date_to)
        return max(0, low), min(self.generated, max(0, high))

    def _runs(self, low: int, high: int, date_from: float | None, date_to: float | None) -> Iterator[tuple[int, int]]:
        """Matching indices in order as ``[start, stop)`` runs: the generated range between
        exceptions, and each exception that matches on its own."""
        position = low
        for index in self._exceptions:
            stop = min(index, high)
            if position < stop:
                yield position, stop
            position = max(position, index + 1)
            if index in self._removed:
                continue
            stamp = self._overlay[index][0]
            if (date_from is None or stamp >= date_from) and (date_to is None or stamp < date_to):
                yield index, index + 1
        if position < high:
            yield position, high

    # --- changes ------------------------------------------------------------------------

    def put(self, index: int, obj: dict[str, Any], *, epoch: int) -> None:
        """Replace the object at ``index`` (its ``last_updated`` is ``epoch``)."""
        with self._lock:
            if index >= self._end or index in self._removed:
                raise KeyError(index)
            self._mark(index)
            self._overlay[index] = (epoch, obj)

    def insert(self, build: Callable[[int], dict[str, Any]], *, epoch: int) -> tuple[int, dict[str, Any]]:
        """Add an object after all others; ``build(index)`` makes it."""
        with self._lock:
            index = self._end
            obj = build(index)
            self._end += 1
            self._mark(index)
            self._overlay[index] = (epoch, obj)
            return index, obj

    def remove(self, index: int) -> bool:
        """Stop listing the object at ``index``; False when it was not listed."""
        with self._lock:
            if index < 0 or index >= self._end or index in self._removed:
                return False
            self._mark(index)
            self._overlay.pop(index, None)
            self._removed.add(index)
            return True

    def listed(self, index: int) -> bool:
        with self._lock:
            return 0 <= index < self._end and index not in self._removed

    @property
    def end(self) -> int:
        with self._lock:
            return self._end

    def _mark(self, index: int) -> None:
        position = bisect.bisect_left(self._exceptions, index)
        if position == len(self._exceptions) or self._exceptions[position] != index:
            self._exceptions.insert(position, index)


def _take(runs: list[tuple[int, int]], offset: int, limit: int) -> list[int]:
    chosen: list[int] = []
    skip = offset
    for start, stop in runs:
        size = stop - start
        if skip >= size:
            skip -= size
            continue
        first = start + skip
        skip = 0
        last = min(stop, first + limit - len(chosen))
        chosen.extend(range(first, last))
        if len(chosen) >= limit:
            break
    return chosen
