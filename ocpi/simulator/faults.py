"""Fault modes: how the simulator misbehaves on purpose, so every way a real CPO fails can be
survived in a test. Set from the command line or at run time (``sim.faults.error_share = 0.2``).

They apply to the sender interfaces (GET of Locations, Sessions, CDRs, Tariffs); the tokens and
commands receivers have their own failure knobs (``tokens.py``, ``commands.py``).
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field
from typing import Literal

ShareMode = Literal["spread", "random"]

DEFAULT_PAGE_CAP = 1000


class Share:
    """Picks a share of events: ``spread`` hits exactly ``rate`` of them, evenly (event ``n`` is
    hit when ``floor((n+1)·rate)`` steps up), ``random`` draws from a seeded generator. ``next``
    forces the next N events to be hits. Thread-safe."""

    def __init__(self, rate: float = 0.0, *, mode: ShareMode = "spread", seed: int = 0) -> None:
        self._lock = threading.Lock()
        self.configure(rate, mode=mode, seed=seed)

    def configure(self, rate: float, *, mode: ShareMode = "spread", seed: int = 0) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"a share is between 0 and 1, not {rate}")
        if mode not in ("spread", "random"):
            raise ValueError(f"a share is picked 'spread' or 'random', not {mode!r}")
        with self._lock:
            self.rate, self.mode = rate, mode
            self._random = random.Random(seed)  # noqa: S311 - reproducible faults, not crypto
            self._count = 0
            self.next = 0

    def force(self, count: int) -> None:
        """The next ``count`` events are hits, whatever the rate."""
        with self._lock:
            self.next = count

    def hit(self) -> bool:
        with self._lock:
            if self.next > 0:
                self.next -= 1
                return True
            n, self._count = self._count, self._count + 1
            if self.rate <= 0.0:
                return False
            if self.mode == "random":
                return self._random.random() < self.rate
            return int((n + 1) * self.rate) > int(n * self.rate)


@dataclass
class Faults:
    """Fault modes of the sender interfaces; every field may change while the simulator runs."""

    delay: float = 0.0  # seconds added to every answer
    errors: Share = field(default_factory=Share)  # answered HTTP 503, OCPI 3000
    timeouts: Share = field(default_factory=Share)  # no answer for ``hang`` seconds, then dropped
    hang: float = 60.0  # longer than any sensible client read timeout
    malformed_share: float = 0.0  # objects broken inside a page (chosen by index: stable)
    page_cap: int = DEFAULT_PAGE_CAP  # the most objects a page holds (X-Limit)
    churn: int = 0  # after each page served: this many objects inserted and as many removed
    link: bool = True  # send ``Link`` to the next page (off: clients must page by offset)
    seed: int = 0  # for churn's choice of objects

    def __post_init__(self) -> None:
        self._random = random.Random(self.seed)  # noqa: S311 - reproducible, not crypto
        self._lock = threading.Lock()
        self.check()

    def check(self) -> None:
        if self.delay < 0 or self.hang < 0:
            raise ValueError("delay and hang are seconds, not negative")
        if not 0.0 <= self.malformed_share <= 1.0:
            raise ValueError(f"malformed_share is between 0 and 1, not {self.malformed_share}")
        if self.page_cap < 1:
            raise ValueError("page_cap: at least 1")
        if self.churn < 0:
            raise ValueError("churn must not be negative")

    def pick(self, population: int) -> int:
        """A reproducible random index below ``population`` (for churn)."""
        with self._lock:
            return self._random.randrange(population)

    def reset(self) -> None:
        """No fault at all (page cap back to its default)."""
        self.delay, self.hang, self.malformed_share = 0.0, 60.0, 0.0
        self.page_cap, self.churn, self.link = DEFAULT_PAGE_CAP, 0, True
        self.errors.configure(0.0)
        self.timeouts.configure(0.0)
