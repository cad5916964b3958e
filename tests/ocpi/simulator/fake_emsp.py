"""A ScriptedServer playing the eMSP side of the handshake: versions and 2.1.1 details on
routes that a test may change, and the tokens the simulator presented."""

from __future__ import annotations

from typing import Any

from tests.support.httpserver import Reply, ScriptedServer

VERSIONS = "/ocpi/emsp/versions"
DETAILS = "/ocpi/emsp/2.1.1/"
CREDENTIALS = "/ocpi/emsp/2.1.1/credentials"


class FakeEmsp:
    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.versions: list[dict[str, Any]] = [{"version": "2.1.1", "url": server.url(DETAILS)}]
        self.endpoints: list[dict[str, Any]] = [
            {"identifier": "credentials", "url": server.url(CREDENTIALS)},
            {"identifier": "tokens", "url": server.url("/ocpi/emsp/2.1.1/tokens")},
        ]
        server.route(VERSIONS, lambda request: Reply.ocpi(self.versions))
        server.route(DETAILS, lambda request: Reply.ocpi({"version": "2.1.1", "endpoints": self.endpoints}))

    @property
    def versions_url(self) -> str:
        return self.server.url(VERSIONS)

    def credentials(self, token: str = "emsp-token-B", **changes: Any) -> dict[str, Any]:
        """The eMSP's Credentials, as it would POST or PUT them (or answer with them)."""
        body = {
            "token": token,
            "url": self.versions_url,
            "business_details": {"name": "Test eMSP"},
            "party_id": "EMS",
            "country_code": "NL",
        }
        return {**body, **changes}

    def authorizations(self, path: str, method: str | None = None) -> list[str]:
        """The Authorization headers the eMSP received on ``path``."""
        return [str(request.headers["Authorization"]) for request in self.server.received_on(path, method)]
