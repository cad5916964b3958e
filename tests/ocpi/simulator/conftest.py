"""A started simulator on 127.0.0.1:0, a fake eMSP, and a way to call the simulator."""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests

from ocpi.core.client import close_sessions
from ocpi.simulator import ClientOptions, CpoSimulator
from tests.ocpi.simulator.fake_emsp import FakeEmsp
from tests.support.httpserver import ScriptedServer

TOKEN_A = "simulator-token-A"
# The simulator calls a dead eMSP once, briefly: failures must not slow the suite.
FAST = ClientOptions(max_retries=0, connect_timeout=2.0, read_timeout=5.0)

Call = Callable[..., requests.Response]


@pytest.fixture(autouse=True)
def _loopback_partners(settings):
    # The simulator and the fake eMSP both live on 127.0.0.1.
    settings.OCPI_ALLOW_PRIVATE_URLS = True


@pytest.fixture
def sim() -> Iterator[CpoSimulator]:
    with CpoSimulator(host="127.0.0.1", port=0, token_a=TOKEN_A, party_id="SIM", client_options=FAST) as simulator:
        yield simulator
    close_sessions()


@pytest.fixture
def emsp() -> Iterator[FakeEmsp]:
    with ScriptedServer() as server:
        yield FakeEmsp(server)


@pytest.fixture
def call(sim: CpoSimulator) -> Iterator[Call]:
    """``call(method, path_or_url, token=…, json=…, base64=False)`` against the simulator."""
    with requests.Session() as session:

        def send(method: str, target: str, *, token: str | None = None, b64: bool = False, **kwargs: Any):
            url = target if target.startswith("http") else f"{sim.url}{target}"
            headers = dict(kwargs.pop("headers", {}))
            if token is not None:
                presented = base64.b64encode(token.encode()).decode() if b64 else token
                headers["Authorization"] = f"Token {presented}"
            return session.request(method, url, headers=headers, timeout=10, **kwargs)

        yield send


@pytest.fixture
def registered(sim: CpoSimulator, emsp: FakeEmsp, call: Call) -> str:
    """The fake eMSP registered with the simulator; the token the simulator issued to it."""
    response = call("POST", sim.module_url("credentials"), token=TOKEN_A, json=emsp.credentials())
    assert response.status_code == 200, response.text
    return str(response.json()["data"]["token"])


@pytest.fixture
def open_sim(emsp: FakeEmsp) -> Iterator[Callable[..., tuple[CpoSimulator, str]]]:
    """``open_sim(dataset=…, faults=…, …)``: a started simulator the fake eMSP registered with,
    and the token the simulator issued to it."""
    started: list[CpoSimulator] = []

    def open_(**kwargs: Any) -> tuple[CpoSimulator, str]:
        kwargs.setdefault("client_options", FAST)
        simulator = CpoSimulator(host="127.0.0.1", port=0, token_a=TOKEN_A, **kwargs).start()
        started.append(simulator)
        response = requests.post(
            simulator.module_url("credentials"),
            headers={"Authorization": f"Token {TOKEN_A}"},
            json=emsp.credentials(),
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return simulator, str(response.json()["data"]["token"])

    yield open_
    for simulator in started:
        simulator.stop()
    close_sessions()


def walk(url: str, token: str, **params: Any) -> list[requests.Response]:
    """Every page of a list, following ``Link`` (the way a client should)."""
    pages: list[requests.Response] = []
    next_url: str | None = url
    with requests.Session() as session:
        session.headers["Authorization"] = f"Token {token}"
        while next_url is not None:
            response = session.get(next_url, params=params if not pages else None, timeout=10)
            assert response.status_code == 200, response.text
            pages.append(response)
            next_url = response.links.get("next", {}).get("url")
    return pages
