"""A real OCPI 2.1.1 CPO (HTTP server) for demos, partner testing and our tests.

It is another company's system: its own threaded HTTP server, its own state (in memory, or a
JSON file), no Django views and never our database. It reuses our wire objects, envelope and
outbound client. ``README.md`` beside this file says how to add a module.

Names are imported on first use, so ``python -m ocpi.simulator`` can set Django up before
anything that needs it is imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ocpi.simulator.commands import CommandsConfig
    from ocpi.simulator.context import ClientOptions, Identity
    from ocpi.simulator.faults import Faults, Share
    from ocpi.simulator.generate import Dataset
    from ocpi.simulator.handshake import HandshakeError
    from ocpi.simulator.server import LoggedRequest
    from ocpi.simulator.simulator import CpoSimulator
    from ocpi.simulator.store import Registration, TokenRole

__all__ = [
    "ClientOptions",
    "CommandsConfig",
    "CpoSimulator",
    "Dataset",
    "Faults",
    "HandshakeError",
    "Identity",
    "LoggedRequest",
    "Registration",
    "Share",
    "TokenRole",
]

_HOMES = {
    "ClientOptions": "ocpi.simulator.context",
    "CommandsConfig": "ocpi.simulator.commands",
    "CpoSimulator": "ocpi.simulator.simulator",
    "Dataset": "ocpi.simulator.generate",
    "Faults": "ocpi.simulator.faults",
    "HandshakeError": "ocpi.simulator.handshake",
    "Identity": "ocpi.simulator.context",
    "LoggedRequest": "ocpi.simulator.server",
    "Registration": "ocpi.simulator.store",
    "Share": "ocpi.simulator.faults",
    "TokenRole": "ocpi.simulator.store",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(home), name)
