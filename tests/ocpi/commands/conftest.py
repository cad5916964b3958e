"""The CPO simulator registered with our live server through the real handshake, a token of
ours to command with, and ways to wait for what happens on other threads."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
import requests

from ocpi.commands.models import Command
from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator
from ocpi.simulator.generate import Dataset
from ocpi.tokens.models import Token
from partners.models import Partner
from partners.services import partner_invite
from tests.ocpi.tokens.makers import token as make_token

NETWORK = Dataset(seed=3, locations=4, sessions=0, cdrs=0, tariffs=1)
TOKEN_SCHEMA = "V2_1_1/Common/token.schema.json"


@dataclass
class Cpo:
    """The simulator as a registered partner of ours."""

    sim: CpoSimulator
    partner: Partner

    def evse(self, location_id: str, index: int = 0) -> tuple[str, str]:
        """The uid and first connector id of one of the simulator's EVSEs."""
        found = self.sim.data.find("locations", location_id)
        assert found is not None, location_id
        evse = found[1]["evses"][index]
        return evse["uid"], evse["connectors"][0]["id"]

    def quiet(self, settle: float = 0.3, timeout: float = 10.0) -> None:
        """Wait until the simulator has stopped calling us (callbacks, and the session pushes an
        accepted START/STOP_SESSION makes): nothing of it may outlive the test's database."""
        # Polling our database meanwhile would race the live server's writes (SQLite locks
        # tables): watch the simulator's own records instead, then read the database once.
        deadline = time.monotonic() + timeout
        seen = (-1, -1)
        while time.monotonic() < deadline:
            now = (len(self.sim.live.pushes), len(self.sim.commands.callbacks))
            pending = any(timer.is_alive() for timer in self.sim.commands._timers)
            if now == seen and not pending:
                return
            seen = now
            time.sleep(settle)
        raise AssertionError("the simulator kept calling us")

    def post_result(self, url: str, body: object, *, token: str | None = None) -> requests.Response:
        """POST a result to our response URL as the simulator would (with its token for us)."""
        headers = {"Authorization": f"Token {token or self.sim.emsp_token}"}
        return requests.post(url, json=body, headers=headers, timeout=10)


@pytest.fixture
def cpo_sim(ocpi_server) -> Iterator[Cpo]:
    options = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=15.0)
    with CpoSimulator(port=0, dataset=NETWORK, client_options=options) as simulator:
        invitation = partner_invite(name="Commands simulator")
        simulator.register_with(invitation.versions_url, invitation.token)
        simulator.commands.callback_delay = 0.05
        cpo = Cpo(simulator, Partner.objects.get(pk=invitation.partner.pk))
        yield cpo
        cpo.quiet()
    close_sessions()


@pytest.fixture
def token() -> Token:
    return make_token()


def eventually(check: Callable[[], object], timeout: float = 8.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "did not happen in time"
        time.sleep(0.05)


def settled(cpo: Cpo, command: Command) -> Command:
    """The command once the simulator has called back and carried it out."""
    cpo.quiet()
    command.refresh_from_db()
    return command
