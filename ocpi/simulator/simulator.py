"""``CpoSimulator``: a real OCPI 2.1.1 CPO on its own thread, for demos, partner tests and ours."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from ocpi.simulator import handshake
from ocpi.simulator.commands import CommandsConfig
from ocpi.simulator.context import ClientOptions, Context, Identity
from ocpi.simulator.data import SimData
from ocpi.simulator.faults import Faults
from ocpi.simulator.generate import Dataset
from ocpi.simulator.live import LiveMode
from ocpi.simulator.modules import MODULES
from ocpi.simulator.routing import Module
from ocpi.simulator.server import LoggedRequest, RequestLog, SimulatorHttpServer
from ocpi.simulator.store import Registration, Store
from ocpi.simulator.tokens import TokenStore
from partners.tokens import new_token

logger = logging.getLogger("ocpi.simulator")


class CpoSimulator:
    """A CPO speaking OCPI 2.1.1 over HTTP, with its own in-memory state (optionally persisted
    to ``state_path``); it never touches our database.

    ``port=0`` picks a free port; ``url`` and ``versions_url`` are known after ``start()``.
    ``base_url`` overrides the URL the simulator announces (e.g. behind Docker networking).
    Without ``token_a`` (and no live one in the state file) a token A is generated.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        token_a: str | None = None,
        country_code: str = "NL",
        party_id: str = "SIM",
        name: str = "CPO Simulator",
        website: str | None = None,
        state_path: str | Path | None = None,
        base_url: str | None = None,
        modules: Sequence[Module] = MODULES,
        client_options: ClientOptions | None = None,
        dataset: Dataset | None = None,
        faults: Faults | None = None,
        commands: CommandsConfig | None = None,
        tokens: TokenStore | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self._base_url = base_url.rstrip("/") if base_url else None
        store = Store(Path(state_path) if state_path else None)
        self.context = Context(
            identity=Identity(country_code=country_code, party_id=party_id, name=name, website=website),
            store=store,
            modules=modules,
            client_options=client_options,
            dataset=dataset or Dataset(country_code=country_code, party_id=party_id, operator=name),
            faults=faults,
        )
        self.context.tokens = tokens or TokenStore()
        self.context.commands = commands or CommandsConfig()
        self.context.live = LiveMode(self.context, seed=self.context.data.dataset.seed)
        if store.registration is None and (token_a or store.token_a is None):
            store.issue_token_a(token_a or new_token())
        self.log = RequestLog()
        self._server: SimulatorHttpServer | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        identity = self.context.identity
        return f"<CpoSimulator {identity.country_code}/{identity.party_id} {self.context.base_url or 'not started'}>"

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> CpoSimulator:
        if self._server is not None:
            raise RuntimeError("the simulator is already running")
        server = SimulatorHttpServer((self.host, self.port), self.context, self.log)
        self.context.stopping.clear()
        bound_host, bound_port = server.server_address[:2]
        self.port = int(bound_port)
        announced = "127.0.0.1" if bound_host in ("0.0.0.0", "") else str(bound_host)  # noqa: S104 - not binding
        self.context.base_url = self._base_url or f"http://{announced}:{self.port}"
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="cpo-simulator", daemon=True
        )
        self._thread.start()
        logger.info("CPO simulator serving at %s", self.versions_url)
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is None:
            return
        self.context.stopping.set()
        self.context.live.stop()
        self.context.commands.cancel()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5)

    @property
    def running(self) -> bool:
        return self._server is not None

    def __enter__(self) -> CpoSimulator:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- URLs -------------------------------------------------------------------------------

    # Each raises RuntimeError before start().

    @property
    def url(self) -> str:
        return self.context.url

    @property
    def versions_url(self) -> str:
        return self.context.versions_url

    @property
    def version_url(self) -> str:
        return self.context.version_url

    def module_url(self, identifier: str) -> str:
        return self.context.module_url(identifier)

    # --- state, read-only -------------------------------------------------------------------

    @property
    def token_a(self) -> str | None:
        """The live token A, None once registered."""
        return self.context.store.token_a

    @property
    def registration(self) -> Registration | None:
        return self.context.store.registration

    @property
    def registered(self) -> bool:
        return self.context.store.registration is not None

    @property
    def emsp_token(self) -> str | None:
        """The eMSP's token the simulator holds (sent when it calls the eMSP)."""
        registration = self.context.store.registration
        return registration.token if registration else None

    @property
    def emsp_endpoints(self) -> Mapping[str, str]:
        """The eMSP's 2.1.1 endpoints by ModuleID (empty when unregistered)."""
        registration = self.context.store.registration
        return dict(registration.endpoints) if registration else {}

    @property
    def issued_token(self) -> str | None:
        """The token the simulator issued to the registered eMSP."""
        return self.context.store.issued_token

    @property
    def requests(self) -> list[LoggedRequest]:
        """Requests answered so far (method, path, HTTP status, OCPI status), oldest first."""
        return self.log.entries()

    # --- the network, fault modes and receivers (changeable while running) -----------------

    @property
    def data(self) -> SimData:
        """The four lists served (``sim.data["locations"].page(...)``), generated from the seed."""
        return self.context.data

    @property
    def faults(self) -> Faults:
        """Fault modes of the sender interfaces, e.g. ``sim.faults.errors.configure(0.2)``."""
        return self.context.faults

    @property
    def tokens(self) -> TokenStore:
        """What the eMSP pushed to the tokens receiver; ``tokens.failures`` fails a share."""
        return self.context.tokens

    @property
    def commands(self) -> CommandsConfig:
        """The commands receiver's answers, results, callback form and delay, and its log."""
        return self.context.commands

    @property
    def live(self) -> LiveMode:
        """Live mode: session lifecycles, EVSE status and tariff changes pushed to the eMSP."""
        return self.context.live

    # --- actions ----------------------------------------------------------------------------

    def issue_token_a(self, token: str | None = None) -> str:
        """A new token A (e.g. to register again after an unregistration); only while unregistered."""
        token = token or new_token()
        self.context.store.issue_token_a(token)
        return token

    def register_with(self, versions_url: str, token_a: str) -> Registration:
        """Register with the eMSP at ``versions_url`` using its ``token_a``; raises
        ``HandshakeError``. The simulator must be running: the eMSP calls back during the POST."""
        self._require_running()
        return handshake.register_with(self.context, versions_url, token_a)

    def update_registration(self) -> Registration:
        """PUT fresh credentials (a new token) to the registered eMSP; raises ``HandshakeError``."""
        self._require_running()
        return handshake.update_registration(self.context)

    def unregister(self) -> None:
        """DELETE the credentials at the registered eMSP and forget it; raises ``HandshakeError``."""
        handshake.unregister(self.context)

    def _require_running(self) -> None:
        if not self.running:
            raise RuntimeError("start() the simulator first: the eMSP calls back while the handshake is open")
