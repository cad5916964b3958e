"""The simulator's charging network: the four lists it serves, generated from a ``Dataset`` and
changed by live mode and fault modes. Nothing here is persisted: the seed regenerates it."""

from __future__ import annotations

import copy
import re
from typing import Any

from ocpi.simulator.collection import Collection
from ocpi.simulator.generate import Dataset, iso, rng

MODULES = ("locations", "sessions", "cdrs", "tariffs")

_INDEX_RE = {
    "locations": re.compile(r"LOC([0-9]{7,})"),
    "sessions": re.compile(r"SES([0-9]{8,})"),
    "cdrs": re.compile(r"CDR([0-9]{8,})"),
    "tariffs": re.compile(r"TARIFF([0-9]{3,})"),
}

# One broken field per module: the object keeps its id, so a client can report which one failed.
_BREAKAGE: dict[str, tuple[str, Any]] = {
    "locations": ("coordinates", {"latitude": "north", "longitude": "east"}),
    "sessions": ("kwh", "a lot"),
    "cdrs": ("total_energy", "a lot"),
    "tariffs": ("elements", []),
}


class SimData:
    """``collections[module]`` for each of ``MODULES``; ids map to indices and back."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset
        self.collections: dict[str, Collection] = {
            "locations": Collection(generated=dataset.locations, timeline=dataset.LOCATIONS, generate=dataset.location),
            "sessions": Collection(generated=dataset.sessions, timeline=dataset.SESSIONS, generate=dataset.session),
            "cdrs": Collection(generated=dataset.cdrs, timeline=dataset.CDRS, generate=dataset.cdr),
            "tariffs": Collection(generated=dataset.tariffs, timeline=dataset.TARIFFS, generate=dataset.tariff),
        }

    def __getitem__(self, module: str) -> Collection:
        return self.collections[module]

    @staticmethod
    def index_of(module: str, object_id: str) -> int | None:
        found = _INDEX_RE[module].fullmatch(object_id)
        return int(found.group(1)) if found else None

    def find(self, module: str, object_id: str) -> tuple[int, dict[str, Any]] | None:
        """The listed object with this id, with its index."""
        index = self.index_of(module, object_id)
        if index is None:
            return None
        obj = self.collections[module].get(index)
        return None if obj is None else (index, obj)

    def is_malformed(self, module: str, index: int, share: float) -> bool:
        """Whether fault mode "malformed" breaks this object: a stable choice by index."""
        return share > 0 and rng(self.dataset.seed, "malformed", index * 8 + MODULES.index(module)).random() < share

    @staticmethod
    def broken(module: str, obj: dict[str, Any]) -> dict[str, Any]:
        field, value = _BREAKAGE[module]
        return {**obj, field: copy.deepcopy(value)}

    def fresh(self, module: str, index: int, epoch: int) -> dict[str, Any]:
        """A new object for index ``index`` (past the generated ones), last updated at ``epoch``."""
        dataset = self.dataset
        if module == "locations":
            return dataset.location(index, last_updated=epoch)
        if module == "tariffs":
            return dataset.tariff(index, last_updated=epoch)
        obj = dataset.session(index) if module == "sessions" else dataset.cdr(index)
        return {**obj, "last_updated": iso(epoch)}
