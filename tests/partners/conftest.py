"""A fake CPO on a real HTTP server, and helpers to call our platform as a CPO would."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command

from tests.support import httpserver
from tests.support.httpserver import Reply, ScriptedServer

http_server = httpserver.http_server  # the fixture, for the tests of this folder


class FakeCpo:
    """Versions and version details of a CPO, scripted on a ScriptedServer."""

    def __init__(self, server: ScriptedServer) -> None:
        self.server = server
        self.versions_url = server.url("/versions")
        self.serve()

    def serve(self, *, versions: tuple[str, ...] = ("2.1.1",), modules: tuple[str, ...] = ("credentials",)) -> None:
        url = self.server.url
        self.server.route(
            "/versions", lambda request: Reply.ocpi([{"version": v, "url": url(f"/{v}/")} for v in versions])
        )
        details = {"version": "2.1.1", "endpoints": [{"identifier": m, "url": url(f"/2.1.1/{m}")} for m in modules]}
        self.server.route("/2.1.1/", lambda request: Reply.ocpi(details))

    def credentials(self, token: str) -> dict[str, object]:
        return {
            "token": token,
            "url": self.versions_url,
            "business_details": {"name": "Fake CPO", "website": "https://cpo.example.com"},
            "party_id": "FKE",
            "country_code": "DE",
        }

    def callbacks(self) -> list[str]:
        """The Authorization header of every call we made to this CPO."""
        return [request.headers.get("Authorization", "") for request in self.server.received]


@pytest.fixture
def fake_cpo(http_server):
    return FakeCpo(http_server)


@pytest.fixture
def emsp(ocpi_server, http):
    """Call our platform: ``emsp(method, path, token, body=None)``."""

    def call(method, path, token, body=None):
        headers = {"Authorization": f"Token {token}"} if token else {}
        return http.request(method, f"{ocpi_server}{path}", json=body, headers=headers, timeout=15)

    return call


def run_command(name, *args):
    out = StringIO()
    call_command(name, *args, "--json", stdout=out)
    return json.loads(out.getvalue())
