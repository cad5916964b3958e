"""The OCPI modules the simulator serves, in the order version details list them.

Adding one: write ``ocpi/simulator/<module>.py`` with its views and a ``MODULE`` (see
``credentials.py``), then add it here; its URL is ``/ocpi/cpo/2.1.1/<identifier>``.
"""

from __future__ import annotations

from ocpi.simulator import commands, credentials, senders, tokens
from ocpi.simulator.routing import Module

MODULES: tuple[Module, ...] = (
    credentials.MODULE,
    senders.LOCATIONS,
    senders.SESSIONS,
    senders.CDRS,
    senders.TARIFFS,
    tokens.MODULE,
    commands.MODULE,
)
