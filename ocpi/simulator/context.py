"""What the simulator's request handlers and handshakes share: who it is, its state, its URLs,
and how it calls the eMSP."""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ocpi.core.client import OcpiClient
from ocpi.simulator.data import SimData
from ocpi.simulator.faults import Faults
from ocpi.simulator.generate import Dataset
from ocpi.simulator.store import Store
from partners.schemas import BusinessDetails, Credentials

if TYPE_CHECKING:
    from ocpi.simulator.commands import CommandsConfig
    from ocpi.simulator.live import LiveMode
    from ocpi.simulator.routing import Module
    from ocpi.simulator.tokens import TokenStore

VERSION = "2.1.1"
BASE_PATH = "/ocpi/cpo"

_COUNTRY_CODE_RE = re.compile(r"[A-Za-z]{2}")
_PARTY_ID_RE = re.compile(r"[A-Za-z0-9]{3}")


@dataclass(frozen=True)
class Identity:
    """The simulated CPO as its Credentials present it (reference §3.1)."""

    country_code: str = "NL"
    party_id: str = "SIM"
    name: str = "CPO Simulator"
    website: str | None = None

    def __post_init__(self) -> None:
        if not _COUNTRY_CODE_RE.fullmatch(self.country_code):
            raise ValueError(f"country_code must be two letters, not {self.country_code!r}")
        if not _PARTY_ID_RE.fullmatch(self.party_id):
            raise ValueError(f"party_id must be three letters or digits, not {self.party_id!r}")
        if not 1 <= len(self.name) <= 100:
            raise ValueError("the business name must have 1 to 100 characters")

    def business_details(self) -> BusinessDetails:
        return BusinessDetails(name=self.name, website=self.website)


@dataclass(frozen=True)
class ClientOptions:
    """How the simulator calls the eMSP: few retries and short timeouts, it is a test partner."""

    max_retries: int = 1
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    backoff_base: float = 0.1


class Context:
    """Shared by every request handler and handshake of one simulator: who it is, its
    credentials state, its network (``data``), its fault modes, and its receivers' state
    (``tokens``, ``commands``) and live mode, which ``CpoSimulator`` attaches."""

    tokens: TokenStore
    commands: CommandsConfig
    live: LiveMode

    def __init__(
        self,
        *,
        identity: Identity,
        store: Store,
        modules: Sequence[Module],
        client_options: ClientOptions | None = None,
        dataset: Dataset | None = None,
        faults: Faults | None = None,
    ) -> None:
        self.identity = identity
        self.store = store
        self.modules = tuple(modules)
        self.client_options = client_options or ClientOptions()
        self.base_url = ""  # set when the server is bound (port 0 picks one)
        self.data = SimData(dataset or Dataset(country_code=identity.country_code, party_id=identity.party_id))
        self.faults = faults or Faults()
        self.stopping = threading.Event()  # set when the server stops: hung answers end at once

    @property
    def url(self) -> str:
        if not self.base_url:
            raise RuntimeError("the simulator has no URL before it is started")
        return self.base_url

    @property
    def versions_url(self) -> str:
        return f"{self.url}{BASE_PATH}/versions"

    @property
    def version_url(self) -> str:
        return f"{self.url}{BASE_PATH}/{VERSION}/"

    def module_url(self, identifier: str) -> str:
        return f"{self.url}{BASE_PATH}/{VERSION}/{identifier}"

    def credentials(self, token: str) -> Credentials:
        """The simulator's Credentials carrying ``token`` (the one the eMSP is to use)."""
        return Credentials(
            token=token,
            url=self.versions_url,
            business_details=self.identity.business_details(),
            party_id=self.identity.party_id,
            country_code=self.identity.country_code,
        )

    def client(self, token: str) -> OcpiClient:
        """A client calling the eMSP with ``token``; the simulator's traffic is not journaled."""
        options = self.client_options
        return OcpiClient(
            token,
            token_encoding="raw",  # noqa: S106 - an encoding name, not a secret
            partner_label="simulator",
            journal=False,
            max_retries=options.max_retries,
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            backoff_base=options.backoff_base,
        )
